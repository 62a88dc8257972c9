"""Payload schemas of every event on `microwish.events`, keyed by event type; each area's
schemas live in a module of their own."""
from __future__ import annotations

from marshmallow import Schema

from shared.contracts.audit import AuditRecorded
from shared.contracts.claims import ClaimEvent, PointsAwarded, Share
from shared.contracts.common import KINDS, FieldError, Reason, SourceRef
from shared.contracts.honours import HonourGranted, HonourRevoked
from shared.contracts.master_data import CommunityProfile, MeetingDay, MemberProfile
from shared.contracts.receipts import SubmissionAccepted, SubmissionRejected, SubmissionStatus
from shared.contracts.wishes import (WishDetails, WishErased, WishEscalated, WishNeedsInfo,
                                     WishOpenedCitywide, WishPendingReview, WishPublished,
                                     WishRejected, WishReopened, WishScheduled, WishSubmitted, WishVerified)

__all__ = ["KINDS", "SCHEMAS", "schema_for", "AuditRecorded", "ClaimEvent", "PointsAwarded",
           "Share", "HonourGranted", "HonourRevoked", "FieldError", "Reason", "SourceRef",
           "CommunityProfile", "MeetingDay", "MemberProfile", "SubmissionAccepted",
           "SubmissionRejected", "SubmissionStatus",
           "WishDetails", "WishErased", "WishNeedsInfo", "WishOpenedCitywide", "WishPendingReview", "WishPublished",
           "WishRejected", "WishReopened", "WishScheduled", "WishSubmitted", "WishVerified"]

SCHEMAS: dict[str, type[Schema]] = {
    "wish.submitted": WishSubmitted,
    "wish.verified": WishVerified,
    "wish.rejected": WishRejected,
    "wish.needs_info": WishNeedsInfo,
    "wish.pending_review": WishPendingReview,
    "wish.reopened": WishReopened,
    "wish.scheduled": WishScheduled,
    "wish.published": WishPublished,
    "wish.opened_citywide": WishOpenedCitywide,
    "wish.escalated": WishEscalated,
    "wish.claimed": ClaimEvent,
    "wish.fulfilled": ClaimEvent,
    "wish.confirmed": ClaimEvent,
    "wish.released": ClaimEvent,
    "wish.reinstated": ClaimEvent,
    "wish.disputed": ClaimEvent,
    "wish.erased": WishErased,
    "audit.recorded": AuditRecorded,
    "points.awarded": PointsAwarded,
    "honour.granted": HonourGranted,
    "honour.revoked": HonourRevoked,
    "submission.accepted": SubmissionAccepted,
    "submission.rejected": SubmissionRejected,
    "submission.status": SubmissionStatus,
    "member.registered": MemberProfile,
    "member.updated": MemberProfile,
    "community.registered": CommunityProfile,
    "community.updated": CommunityProfile,
}


_INSTANCES: dict[str, Schema] = {}


def schema_for(event_type: str) -> Schema:
    """The payload schema of an event type; KeyError for a type nobody defined."""
    # One instance per type: building a marshmallow schema costs more than loading with it.
    if event_type not in _INSTANCES:
        _INSTANCES[event_type] = SCHEMAS[event_type]()
    return _INSTANCES[event_type]
