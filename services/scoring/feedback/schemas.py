"""What the feedback's routes take: the half to generate (and a unit), the list's filters."""
from __future__ import annotations

from marshmallow import fields, validate

from shared.fields import Strict, text

_YEAR = {"validate": validate.Range(2000, 2100, error="out_of_range")}
_HALF = {"validate": validate.OneOf((1, 2), error="invalid_choice")}


class GenerateSchema(Strict):
    year = fields.Integer(strict=True, required=True, **_YEAR)
    half = fields.Integer(strict=True, required=True, **_HALF)  # 1: Jan–Jun, 2: Jul–Dec
    unit = text(1, 32, load_default=None)  # one unit's code; none: every unit


class ReportQuery(Strict):
    year = fields.Integer(load_default=None, **_YEAR)
    half = fields.Integer(load_default=None, **_HALF)
