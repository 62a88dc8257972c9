"""A wish's way from submission to the wall: each step's event."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from shared.contracts.common import KINDS, Reason, SourceRef


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
    # What the wisher agreed to beyond posting: share_phone, publicity (yes/no), given_by (the
    # consent's relation: self, guardian, ...) and minor.
    consents = fields.Dict(load_default=dict)


class WishVerified(WishDetails):
    # What a claimer of this wish may see: phone and address, masked.
    contact_masked = fields.Dict(keys=fields.String(), values=fields.String(allow_none=True),
                                 required=True)
    # One of shared.vocab.CATEGORIES, the standard the deed must meet, and the date it is due.
    category = fields.String(allow_none=True, load_default=None)
    service_standard = fields.String(allow_none=True, load_default=None)
    deadline = fields.String(allow_none=True, load_default=None)  # ISO date
    # As wish.submitted carried them: share_phone, publicity, given_by, minor.
    consents = fields.Dict(load_default=dict)
    # The wisher's phone alone, sealed (shared.pii.Sealer), only when they agreed to share it.
    phone_sealed = fields.String(allow_none=True, load_default=None)


class WishRejected(SourceRef):
    wish_id = fields.String(required=True)
    reasons = fields.List(fields.Nested(Reason), required=True)


class WishNeedsInfo(SourceRef):
    """Verification needs more from the submitter before it can decide."""

    wish_id = fields.String(required=True)
    reasons = fields.List(fields.Nested(Reason), required=True)
    fields_needed = fields.List(fields.String(), load_default=list)


class WishPendingReview(SourceRef):
    """The rules could not decide: the wish waits for a person at the review desk. Its reasons
    are codes with fixed Chinese words, never what the rule read (an income, a name)."""

    wish_id = fields.String(required=True)
    community_code = fields.String(required=True)
    reasons = fields.List(fields.Nested(Reason), required=True)


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


class WishEscalated(Schema):
    """Nobody claimed the wish in time: it went to its community party organisation (上报)."""

    wish_id = fields.String(required=True)
    community_code = fields.String(required=True)
    reasons = fields.List(fields.Nested(Reason), required=True)


class WishErased(Schema):
    wish_id = fields.String(required=True)
