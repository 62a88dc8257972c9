"""What every service's web pages share: the layout's templates and the context they need."""
from __future__ import annotations

from pathlib import Path

from flask import render_template, request
from jinja2 import ChoiceLoader, FileSystemLoader

from shared.access import CLAIMERS, CSRF_FIELD, csrf_token, principal

TEMPLATES = Path(__file__).parent / "templates"
# Who may post a wish from the web form: residents their own, liaisons for their residents.
SUBMITTERS = ("resident", "liaison")


def use_shared_templates(app) -> None:
    """Let the app's templates include the shared layout (_style.html, _header.html)."""
    app.jinja_loader = ChoiceLoader([FileSystemLoader(Path(app.root_path) / "templates"),
                                     FileSystemLoader(TEMPLATES)])


def render(template: str, status: int = 200, **context):
    """A page with who is logged in, their CSRF token and the header's links."""
    who = principal()
    return render_template(template, who=who, csrf_field=CSRF_FIELD,
                           csrf=csrf_token(who) if who else "", claimers=CLAIMERS,
                           submitters=SUBMITTERS, message=request.args.get("m"),
                           **context), status
