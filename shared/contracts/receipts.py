"""What a source system hears about its submissions, on its own routing key."""
from __future__ import annotations

from marshmallow import fields

from shared.contracts.common import FieldError, Reason, SourceRef


class SubmissionAccepted(SourceRef):
    wish_id = fields.String(required=True)
    # True when the source sent the same message again: no new wish, the original's id.
    duplicate = fields.Boolean(load_default=False)


class SubmissionStatus(SourceRef):
    """A later outcome of a system's submission, on its own receipt routing key."""

    wish_id = fields.String(required=True)
    status = fields.String(required=True)
    reasons = fields.List(fields.Nested(Reason), load_default=list)
    # With needs_info: the fields to answer (names as POST /api/v1/submissions/<id>/info takes them).
    fields_needed = fields.List(fields.String(), load_default=list)
    at = fields.String(required=True)
    # With scheduled: when the wish opens on the wall (its community's meeting day).
    opens_at = fields.String(allow_none=True, load_default=None)


class SubmissionRejected(SourceRef):
    errors = fields.List(fields.Nested(FieldError), required=True)
