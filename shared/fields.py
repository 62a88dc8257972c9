"""marshmallow fields whose errors carry our machine codes (shared.errors.MESSAGES_ZH), and a
schema base that refuses unknown fields and control characters."""
from __future__ import annotations

from marshmallow import RAISE, Schema, ValidationError, fields, pre_load, validate

from shared import characters

PHONE = validate.Regexp(r"\A1[0-9]{10}\Z", error="invalid_phone")


class Strict(Schema):
    """A schema that refuses any field it does not name, and control characters in any string."""

    class Meta:
        unknown = RAISE

    @pre_load
    def _no_control_characters(self, data, **_kw):
        # The HTTP edge checks too; this covers the queue and imports, which load schemas directly.
        bad = characters.found(data)
        if bad:
            raise ValidationError({name: [characters.CODE] for name in bad})
        return data


class Flag(fields.Boolean):
    """Only JSON true or false: marshmallow's own Boolean also takes 1, 0, "yes" and "on"."""

    def _deserialize(self, value, attr, data, **kwargs):
        if value is True or value is False:  # isinstance(1, bool) is False, but 1 == True
            return value
        raise self.make_error("invalid", input=value)


def query_flag(**kw) -> fields.Boolean:
    """A yes-or-no query argument: only the words true and false, as JSON writes them."""
    return fields.Boolean(truthy={"true"}, falsy={"false"}, **kw)


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
