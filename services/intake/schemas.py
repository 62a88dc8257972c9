"""The submission contract, shared by `POST /api/v1/submissions` and the `intake.submissions` queue."""
from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from shared.contracts import KINDS

_PHONE = validate.Regexp(r"\A1[0-9]{10}\Z", error="invalid_phone")


class WisherSchema(Schema):
    class Meta:
        unknown = RAISE

    name = fields.String(required=True, validate=validate.Length(1, 50, error="invalid_length"))
    # The check digit is verification's rule; here only the shape is checked.
    id_number = fields.String(required=True,
                              validate=validate.Regexp(r"\A[0-9]{17}[0-9Xx]\Z", error="invalid_id_number"))
    phone = fields.String(load_default=None, validate=_PHONE)


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
