"""marshmallow fields whose errors carry our machine codes (shared.errors.MESSAGES_ZH), and a
schema base that refuses unknown fields."""
from __future__ import annotations

from marshmallow import RAISE, Schema, ValidationError, fields, validate

PHONE = validate.Regexp(r"\A1[0-9]{10}\Z", error="invalid_phone")


class Strict(Schema):
    """A schema that refuses any field it does not name."""

    class Meta:
        unknown = RAISE


def text(low: int, high: int, **kw) -> fields.String:
    return fields.String(validate=validate.Length(low, high, error="invalid_length"), **kw)


def choice(options, **kw) -> fields.String:
    return fields.String(validate=validate.OneOf(tuple(options), error="invalid_choice"), **kw)


def choices(options, most: int) -> fields.List:
    """Several of `options`, each once, at most `most`."""
    return fields.List(choice(options), load_default=list,
                       validate=[validate.Length(max=most, error="too_many"), distinct])


def count(low: int, high: int, **kw) -> fields.Integer:
    return fields.Integer(strict=True, validate=validate.Range(low, high, error="out_of_range"),
                          **kw)


def distinct(values: list) -> None:
    if len(set(values)) != len(values):
        raise ValidationError("duplicate_value")
