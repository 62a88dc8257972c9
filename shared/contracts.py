"""Payload schemas of every event on `microwish.events`, keyed by event type."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

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


class WishVerified(SourceRef):
    wish_id = fields.String(required=True)
    community_code = fields.String(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    wisher_display = fields.String(required=True)


class WishSubmitted(WishVerified):
    # The wisher's personal data, sealed (encrypted) so queues can be read safely.
    wisher_sealed = fields.String(required=True)


class WishRejected(SourceRef):
    wish_id = fields.String(required=True)
    reasons = fields.List(fields.Nested(Reason), required=True)


class WishPublished(SourceRef):
    wish_id = fields.String(required=True)
    community_code = fields.String(required=True)
    title = fields.String(required=True)


class ClaimEvent(Schema):
    wish_id = fields.String(required=True)
    claim_id = fields.String(required=True)
    member_id = fields.String(required=True)


class PointsAwarded(Schema):
    member_id = fields.String(required=True)
    claim_id = fields.String(required=True)
    wish_id = fields.String(required=True)
    points = fields.Integer(required=True)
    total = fields.Integer(required=True)


class SubmissionAccepted(SourceRef):
    wish_id = fields.String(required=True)


class SubmissionRejected(SourceRef):
    errors = fields.List(fields.Nested(FieldError), required=True)


SCHEMAS: dict[str, type[Schema]] = {
    "wish.submitted": WishSubmitted,
    "wish.verified": WishVerified,
    "wish.rejected": WishRejected,
    "wish.published": WishPublished,
    "wish.claimed": ClaimEvent,
    "wish.fulfilled": ClaimEvent,
    "wish.confirmed": ClaimEvent,
    "points.awarded": PointsAwarded,
    "submission.accepted": SubmissionAccepted,
    "submission.rejected": SubmissionRejected,
}


def schema_for(event_type: str) -> Schema:
    """The payload schema of an event type; KeyError for a type nobody defined."""
    return SCHEMAS[event_type]()
