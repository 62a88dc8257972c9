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


class WishDetails(SourceRef):
    wish_id = fields.String(required=True)
    community_code = fields.String(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    wisher_display = fields.String(required=True)  # masked: 张*
    # The resident's account when they posted it themselves (they may confirm the deed).
    submitted_by = fields.String(allow_none=True)
    wish_type = fields.String(load_default="individual")
    team = fields.Dict(allow_none=True, load_default=None)  # {"name", "size"}
    estimated_value = fields.Integer(allow_none=True, load_default=None)  # yuan
    urgent = fields.Boolean(load_default=False)
    skills = fields.List(fields.String(), load_default=list)
    skills_other = fields.String(allow_none=True, load_default=None)
    preferred_times = fields.List(fields.String(), load_default=list)
    preferred_times_note = fields.String(allow_none=True, load_default=None)


class WishSubmitted(WishDetails):
    # The wisher's personal data, sealed (encrypted) so queues can be read safely.
    wisher_sealed = fields.String(required=True)
    # A keyed hash of the ID number: duplicates can be found without reading it.
    id_number_hash = fields.String(required=True)
    minor = fields.Boolean(required=True)
    # 1 when first submitted; one more each time the submitter answers a request for information.
    revision = fields.Integer(load_default=1)
    attachments = fields.List(fields.Dict(), load_default=list)  # ids and types, never the bytes


class WishVerified(WishDetails):
    # What a claimer of this wish may see: phone and address, masked.
    contact_masked = fields.Dict(keys=fields.String(), values=fields.String(allow_none=True),
                                 required=True)
    # One of shared.vocab.CATEGORIES, the standard the deed must meet, and the date it is due.
    category = fields.String(allow_none=True, load_default=None)
    service_standard = fields.String(allow_none=True, load_default=None)
    deadline = fields.String(allow_none=True, load_default=None)  # ISO date


class WishRejected(SourceRef):
    wish_id = fields.String(required=True)
    reasons = fields.List(fields.Nested(Reason), required=True)


class WishNeedsInfo(SourceRef):
    """Verification needs more from the submitter before it can decide."""

    wish_id = fields.String(required=True)
    reasons = fields.List(fields.Nested(Reason), required=True)
    fields_needed = fields.List(fields.String(), load_default=list)


class WishReopened(SourceRef):
    """A liaison put an automated rejection back on the review desk: it is undecided again."""

    wish_id = fields.String(required=True)
    reasons = fields.List(fields.Nested(Reason), load_default=list)


class WishScheduled(SourceRef):
    """A verified wish waits for its community's meeting day (例会日)."""

    wish_id = fields.String(required=True)
    community_code = fields.String(required=True)
    opens_at = fields.AwareDateTime(required=True)  # when its meeting-day batch opens


class WishPublished(SourceRef):
    wish_id = fields.String(required=True)
    community_code = fields.String(required=True)
    title = fields.String(required=True)
    # The meeting-day batch it opened with (community:YYYY-MM-DD); None when it opened at once.
    batch = fields.String(allow_none=True, load_default=None)
    # Until then only members of its community may claim it; then anyone in the city.
    citywide_at = fields.AwareDateTime(allow_none=True, load_default=None)


class WishOpenedCitywide(Schema):
    """The community's window closed: anyone in the city may claim the wish now."""

    wish_id = fields.String(required=True)
    community_code = fields.String(required=True)


class Share(Schema):
    """One member's part of a deed's credit; a claim's shares sum to exactly 1."""

    member_id = fields.String(required=True)
    unit_code = fields.String(allow_none=True, load_default=None)
    share = fields.Decimal(required=True, as_string=True, places=4,
                           validate=validate.Range(min=0, max=1))


class ClaimEvent(Schema):
    wish_id = fields.String(required=True)
    claim_id = fields.String(required=True)
    member_id = fields.String(required=True)
    community_code = fields.String(allow_none=True)
    # The claimer's employer unit, so their unit admin can see their points.
    unit_code = fields.String(allow_none=True)
    # An organisation's claim: the registered members it named to serve (their account ids).
    members = fields.List(fields.String(), load_default=list)
    # Who shares the deed's credit: a group's members, an organisation's named members, or the
    # claimer alone (scoring splits the deed's points by these; none before group claims).
    shares = fields.List(fields.Nested(Share), load_default=list)


class WishErased(Schema):
    wish_id = fields.String(required=True)


class AuditRecorded(Schema):
    actor_id = fields.String(required=True)
    actor_role = fields.String(required=True)
    action = fields.String(required=True)
    object_type = fields.String(required=True)
    object_id = fields.String(required=True)
    community_code = fields.String(allow_none=True)
    service = fields.String(required=True)
    detail = fields.Dict(load_default=dict)


class PointsAwarded(Schema):
    member_id = fields.String(required=True)
    claim_id = fields.String(required=True)
    wish_id = fields.String(required=True)
    # In hundredths: a member's share of a deed done by several ("0.34").
    points = fields.Decimal(required=True, as_string=True, places=2)
    total = fields.Decimal(required=True, as_string=True, places=2)
    community_code = fields.String(allow_none=True)
    unit_code = fields.String(allow_none=True)


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


class MemberProfile(Schema):
    """A claimer (党员报到) as matching and scoring keep them: never a phone or other personal data."""

    member_id = fields.String(required=True)  # the claimer's account id (ClaimEvent.member_id)
    kind = fields.String(required=True, validate=validate.OneOf(("person", "organisation")))
    display_name = fields.String(required=True)  # the person, or the organisation they act for
    party_member = fields.Boolean(required=True)
    unit_code = fields.String(allow_none=True, load_default=None)  # employer unit
    unit_name = fields.String(allow_none=True, load_default=None)
    community_code = fields.String(allow_none=True, load_default=None)  # residence community
    skills = fields.List(fields.String(), load_default=list)
    available_times = fields.List(fields.String(), load_default=list)
    org_code = fields.String(allow_none=True, load_default=None)
    org_type = fields.String(allow_none=True, load_default=None)


class MeetingDay(Schema):
    nth = fields.Integer(required=True, strict=True, validate=validate.Range(1, 4))
    weekday = fields.Integer(required=True, strict=True, validate=validate.Range(1, 7))  # ISO


class CommunityProfile(Schema):
    """A community (社区/村) as intake keeps it, master data every service copies."""

    code = fields.String(required=True)  # e.g. chuanhui-wenming: for machines, never shown
    name = fields.String(required=True)  # 文明社区: what every page and public response shows
    street = fields.String(required=True)  # 街道/镇, e.g. 七一路街道
    district = fields.String(required=True)  # the district's code: chuanhui, pudong
    district_name = fields.String(required=True)  # 川汇区
    # shared/meeting_day.py; None: no meeting day, a wish is published once verified (浦东's wall)
    meeting_day = fields.Nested(MeetingDay, required=True, allow_none=True)


SCHEMAS: dict[str, type[Schema]] = {
    "wish.submitted": WishSubmitted,
    "wish.verified": WishVerified,
    "wish.rejected": WishRejected,
    "wish.needs_info": WishNeedsInfo,
    "wish.reopened": WishReopened,
    "wish.scheduled": WishScheduled,
    "wish.published": WishPublished,
    "wish.opened_citywide": WishOpenedCitywide,
    "wish.claimed": ClaimEvent,
    "wish.fulfilled": ClaimEvent,
    "wish.confirmed": ClaimEvent,
    "wish.released": ClaimEvent,
    "wish.erased": WishErased,
    "audit.recorded": AuditRecorded,
    "points.awarded": PointsAwarded,
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
