"""The submission contract, shared by `POST /api/v1/submissions`, the queue, the web form and imports."""
from __future__ import annotations

import re

from marshmallow import ValidationError, fields, validate, validates, validates_schema

from services.intake.submissions.rules import inconsistencies
from shared import idnumber, photos
from shared.clock import today_in_china
from shared.contracts import KINDS
from shared.fields import PHONE, Flag, Strict, choice, choices, count, text
from shared.vocab import (ATTACHMENT_PURPOSES, CONSENT_METHODS, CONSENT_RELATIONS, SKILLS,
                          TARGET_GROUPS, TIMES, WISH_TYPES)

# ASCII only, nothing around it: full-width digits or a stray newline would dodge duplicate checks.
_ID_SHAPE = re.compile(r"\A[0-9]{17}[0-9Xx]\Z")
RELATIONS, METHODS = tuple(CONSENT_RELATIONS), tuple(CONSENT_METHODS)
MAX_VALUE_YUAN = 100_000  # far above any district's cap: this only catches typing mistakes


class WisherSchema(Strict):
    """The person the wish is for: sensitive personal data, sealed as soon as it arrives."""

    name = text(1, 50, required=True)
    id_number = fields.String(required=True)
    phone = fields.String(load_default=None, validate=PHONE)
    address = text(1, 200, load_default=None)
    target_groups = choices(TARGET_GROUPS, len(TARGET_GROUPS))
    household_size = count(1, 30, load_default=None)
    household_monthly_income = count(0, 10_000_000, load_default=None)  # yuan, whole household

    @validates("id_number")
    def _valid_id_number(self, value: str, **_kw) -> None:
        """GB 11643: shape, check digit, a real birth date that is not in the future."""
        if not _ID_SHAPE.match(value) or idnumber.problems(value, today_in_china()):
            raise ValidationError("invalid_id_number")


class ConsentSchema(Strict):
    """Who agreed to the wish being posted, how and when (PIPL: consent for sensitive data)."""

    relation = choice(RELATIONS, required=True)
    method = choice(METHODS, required=True)
    name = text(1, 50, load_default=None)
    at = fields.AwareDateTime(required=True, error_messages={"invalid": "invalid_datetime",
                                                              "invalid_awareness": "invalid_datetime"})
    photo_ref = text(1, 200, load_default=None)
    # Two explicit choices, no unless said: the phone told to the claimer by the liaison, and the
    # deed's photo and story shown in public (for a child, only a guardian's yes counts).
    share_phone = Flag(load_default=False)
    publicity = Flag(load_default=False)


class TeamSchema(Strict):
    """A team wish names the team and how many it is for."""

    name = text(1, 50, required=True)
    size = count(2, 500, required=True)


class AttachmentSchema(photos.PhotoSchema):
    """A photo (of the handwritten wish card, say), inline as base64; its bytes are checked."""

    purpose = choice(ATTACHMENT_PURPOSES, load_default="wish_card")
    filename = text(1, 100, load_default=None)


class SubmissionSchema(Strict):
    """A wish as it is posted: over HTTP, on the queue, from the web form or an import."""

    community_code = text(1, 32, required=True)
    title = text(1, 100, required=True)
    description = text(1, 2000, required=True)
    kind = choice(KINDS, required=True)
    wish_type = choice(WISH_TYPES, load_default="individual")
    team = fields.Nested(TeamSchema, load_default=None)
    estimated_value = count(0, MAX_VALUE_YUAN, load_default=None)  # yuan, material wishes
    urgent = Flag(load_default=False)
    skills = choices(SKILLS, 5)
    skills_other = text(1, 100, load_default=None)
    preferred_times = choices(TIMES, len(TIMES))
    preferred_times_note = text(1, 200, load_default=None)
    wisher = fields.Nested(WisherSchema, required=True)
    consent = fields.Nested(ConsentSchema, load_default=None)
    attachments = fields.List(fields.Nested(AttachmentSchema), load_default=list,
                              validate=validate.Length(max=photos.MOST, error="too_many"))

    @validates_schema
    def _consistent(self, data: dict, partial=False, **_kw) -> None:
        errors = {} if partial else inconsistencies(data)
        if errors:
            raise ValidationError(errors)


class InfoAnswerSchema(Strict):
    """What the submitter changes or adds when verification asks for more information."""

    # Any wish or wisher field may be left out; a team or photo that is sent must be whole.
    changes = fields.Nested(SubmissionSchema(
        partial=(*SubmissionSchema._declared_fields,
                 *(f"wisher.{name}" for name in WisherSchema._declared_fields)),
        exclude=("community_code", "consent")), required=True)
    note = text(1, 500, load_default=None)
