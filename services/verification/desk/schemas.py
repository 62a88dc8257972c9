"""What the review desk accepts, for the JSON API and the web forms alike."""
from __future__ import annotations

from marshmallow import (ValidationError, fields, validate, validates,
                         validates_schema)

from shared.clock import today_in_china
from shared.fields import Strict, choice, choices, distinct, text
from shared.vocab import CATEGORIES, INFO_FIELDS, KIND_LABELS, SKILLS, WISH_TYPES


def _text(required: bool, most: int = 500):
    return text(1, most, required=required)


class NoteSchema(Strict):
    note = _text(False)


class ReopenSchema(Strict):
    note = _text(True)


class RejectSchema(Strict):
    reason = _text(True)


class AskSchema(Strict):
    message = _text(True)
    fields_needed = choices(INFO_FIELDS, len(INFO_FIELDS))


class EditSchema(Strict):
    category = choice(CATEGORIES)
    kind = choice(KIND_LABELS)
    wish_type = choice(WISH_TYPES)
    skills = fields.List(choice(SKILLS))  # repeats are folded into one (the desk's actions)
    deadline = fields.Date()

    @validates("deadline")
    def _not_past(self, value, **_kw) -> None:
        if value < today_in_china():
            raise ValidationError("in_past")

    @validates_schema
    def _something(self, data, **_kw) -> None:
        if not data:
            raise ValidationError("nothing_to_change")


class BulkApproveSchema(Strict):
    wish_ids = fields.List(fields.String(), required=True,
                           validate=[validate.Length(1, 100, error="none_selected"), distinct])
    note = _text(False)
