"""What the honours' routes take: a nomination, a step (nothing but the caller), the filters."""
from __future__ import annotations

from marshmallow import fields, validate

from services.scoring.honours.rules import LEVELS, STATUSES
from shared.fields import Strict, choice, text

_YEAR = {"validate": validate.Range(2000, 2100, error="out_of_range")}


class NominationSchema(Strict):
    nominee = text(1, 64, required=True)  # the member's account id
    year = fields.Integer(strict=True, required=True, **_YEAR)
    note = text(1, 500, required=True)  # why the member stands out


class StepSchema(Strict):
    """A step is the caller's act; nothing more to send."""


class HonourQuery(Strict):
    year = fields.Integer(load_default=None, **_YEAR)
    status = choice(STATUSES, load_default=None)
    level = choice(LEVELS, load_default=None)
    community = text(1, 32, load_default=None)
    street = text(1, 100, load_default=None)
    district = text(1, 32, load_default=None)
