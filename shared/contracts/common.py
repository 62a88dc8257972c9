"""Names every contract uses: where a wish came from, a reason, a field's error."""
from __future__ import annotations

from marshmallow import Schema, fields

KINDS = ("material", "spiritual")


class Reason(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)


class FieldError(Schema):
    field = fields.String(required=True)
    code = fields.String(required=True)
    message = fields.String(required=True)


class SourceRef(Schema):
    """Where a wish came from, so outcomes can be routed back to the source."""

    source = fields.String(required=True)
    source_ref = fields.String(required=True)
