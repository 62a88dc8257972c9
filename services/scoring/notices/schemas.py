"""What the notices' routes take: a span to draft for, new wording, a step, the filters."""
from __future__ import annotations

from marshmallow import ValidationError, fields, validates_schema

from services.scoring.notices.rules import KINDS, STATUSES
from shared.fields import Strict, choice, text


class DraftSchema(Strict):
    """On demand: the configured span (no dates), or one from `start` to `end` (China dates)."""
    start = fields.Date(load_default=None)
    end = fields.Date(load_default=None)

    @validates_schema
    def _both_or_neither(self, data, **_kw):
        if (data.get("start") is None) != (data.get("end") is None):
            raise ValidationError("Missing data for required field.", "end" if data.get("start") else "start")


class WordingSchema(Strict):
    body = text(10, 4000, required=True)


class StepSchema(Strict):
    """A step is the caller's act; nothing more to send."""


class NoticeQuery(Strict):
    status = choice(STATUSES, load_default=None)
    kind = choice(KINDS, load_default=None)
