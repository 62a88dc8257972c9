"""Scoring's page helper: render a page of scoring's templates with the shared layout.
(Minimal until the statistics pages bring theirs; the integrator merges the two.)"""
from __future__ import annotations

from shared.pages import render


def render_page(template: str, status: int = 200, **context):
    return render(template, status, **context)
