"""The submission contract, shared by `POST /api/v1/submissions` and the `intake.submissions` queue."""
from __future__ import annotations

import re

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates

from shared import idnumber
from shared.clock import today_in_china
from shared.contracts import KINDS

_PHONE = validate.Regexp(r"\A1[0-9]{10}\Z", error="invalid_phone")
# ASCII only, nothing around it: full-width digits or a stray newline would dodge duplicate checks.
_ID_SHAPE = re.compile(r"\A[0-9]{17}[0-9Xx]\Z")
RELATIONS = ("self", "guardian", "relative", "agent")
METHODS = ("in_person", "phone", "signed_card_photo", "self_service")


class WisherSchema(Schema):
    class Meta:
        unknown = RAISE

    name = fields.String(required=True, validate=validate.Length(1, 50, error="invalid_length"))
    id_number = fields.String(required=True)
    phone = fields.String(load_default=None, validate=_PHONE)
    address = fields.String(load_default=None,
                            validate=validate.Length(1, 200, error="invalid_length"))

    @validates("id_number")
    def _valid_id_number(self, value: str, **_kw) -> None:
        """GB 11643: shape, check digit, a real birth date that is not in the future."""
        if not _ID_SHAPE.match(value) or idnumber.problems(value, today_in_china()):
            raise ValidationError("invalid_id_number")


class ConsentSchema(Schema):
    """Who agreed to the wish being posted, how and when (PIPL: consent for sensitive data)."""

    class Meta:
        unknown = RAISE

    relation = fields.String(required=True,
                             validate=validate.OneOf(RELATIONS, error="invalid_choice"))
    method = fields.String(required=True, validate=validate.OneOf(METHODS, error="invalid_choice"))
    name = fields.String(load_default=None, validate=validate.Length(1, 50, error="invalid_length"))
    at = fields.AwareDateTime(required=True, error_messages={"invalid": "invalid_datetime",
                                                              "invalid_awareness": "invalid_datetime"})
    photo_ref = fields.String(load_default=None,
                              validate=validate.Length(1, 200, error="invalid_length"))


class SubmissionSchema(Schema):
    class Meta:
        unknown = RAISE

    community_code = fields.String(required=True,
                                   validate=validate.Length(1, 32, error="invalid_length"))
    title = fields.String(required=True, validate=validate.Length(1, 100, error="invalid_length"))
    description = fields.String(required=True,
                                validate=validate.Length(1, 2000, error="invalid_length"))
    kind = fields.String(required=True, validate=validate.OneOf(KINDS, error="invalid_choice"))
    wisher = fields.Nested(WisherSchema, required=True)
    consent = fields.Nested(ConsentSchema, load_default=None)
