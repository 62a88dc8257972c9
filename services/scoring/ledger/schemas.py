"""What the district sends to set a points rule or correct an entry."""
from __future__ import annotations

from marshmallow import fields, validate

from shared.fields import Strict
from shared.vocab import CATEGORIES

_POINTS = {"as_string": True, "places": 2, "validate": validate.Range(0, 100, error="out_of_range")}


def _points(**kw) -> fields.Decimal:
    return fields.Decimal(**_POINTS, **kw)


class PointRuleSchema(Strict):
    """A community's (or a district's) points rule from a date on: the base and what a kind of
    deed adds, each 0–100 in hundredths."""

    scope = fields.String(required=True, validate=validate.Length(1, 32, error="invalid_length"))
    applies_from = fields.Date(required=True)
    base = _points(load_default="1")
    material = _points(load_default="0")
    spiritual = _points(load_default="0")
    urgent = _points(load_default="0")
    team = _points(load_default="0")
    categories = fields.Dict(keys=fields.String(validate=validate.OneOf(
        CATEGORIES, error="invalid_choice")), values=_points(), load_default=dict)


class ReversalSchema(Strict):
    reason = fields.String(required=True, validate=validate.Length(1, 500, error="invalid_length"))
