"""The submission contract, shared by `POST /api/v1/submissions`, the queue, the web form and imports."""
from __future__ import annotations

import re

from marshmallow import (RAISE, Schema, ValidationError, fields, validate, validates,
                         validates_schema)

from services.intake import attachments
from shared import idnumber
from shared.clock import today_in_china
from shared.contracts import KINDS
from shared.vocab import ATTACHMENT_PURPOSES, SKILLS, TARGET_GROUPS, TIMES, WISH_TYPES

_PHONE = validate.Regexp(r"\A1[0-9]{10}\Z", error="invalid_phone")
# ASCII only, nothing around it: full-width digits or a stray newline would dodge duplicate checks.
_ID_SHAPE = re.compile(r"\A[0-9]{17}[0-9Xx]\Z")
RELATIONS = ("self", "guardian", "relative", "agent")
METHODS = ("in_person", "phone", "signed_card_photo", "self_service")
MAX_VALUE_YUAN = 100_000  # far above any district's cap: this only catches typing mistakes


def _text(low: int, high: int, **kw) -> fields.String:
    return fields.String(validate=validate.Length(low, high, error="invalid_length"), **kw)


def _choice(options, **kw) -> fields.String:
    return fields.String(validate=validate.OneOf(tuple(options), error="invalid_choice"), **kw)


def _choices(options, most: int) -> fields.List:
    return fields.List(_choice(options), load_default=list,
                       validate=[validate.Length(max=most, error="too_many"), _distinct])


def _count(low: int, high: int, **kw) -> fields.Integer:
    return fields.Integer(strict=True, validate=validate.Range(low, high, error="out_of_range"),
                          **kw)


def _distinct(values: list) -> None:
    if len(set(values)) != len(values):
        raise ValidationError("duplicate_value")


class WisherSchema(Schema):
    """The person the wish is for: sensitive personal data, sealed as soon as it arrives."""

    class Meta:
        unknown = RAISE

    name = _text(1, 50, required=True)
    id_number = fields.String(required=True)
    phone = fields.String(load_default=None, validate=_PHONE)
    address = _text(1, 200, load_default=None)
    target_groups = _choices(TARGET_GROUPS, len(TARGET_GROUPS))
    household_size = _count(1, 30, load_default=None)
    household_monthly_income = _count(0, 10_000_000, load_default=None)  # yuan, whole household

    @validates("id_number")
    def _valid_id_number(self, value: str, **_kw) -> None:
        """GB 11643: shape, check digit, a real birth date that is not in the future."""
        if not _ID_SHAPE.match(value) or idnumber.problems(value, today_in_china()):
            raise ValidationError("invalid_id_number")


class ConsentSchema(Schema):
    """Who agreed to the wish being posted, how and when (PIPL: consent for sensitive data)."""

    class Meta:
        unknown = RAISE

    relation = _choice(RELATIONS, required=True)
    method = _choice(METHODS, required=True)
    name = _text(1, 50, load_default=None)
    at = fields.AwareDateTime(required=True, error_messages={"invalid": "invalid_datetime",
                                                              "invalid_awareness": "invalid_datetime"})
    photo_ref = _text(1, 200, load_default=None)


class TeamSchema(Schema):
    """A team wish names the team and how many it is for."""

    class Meta:
        unknown = RAISE

    name = _text(1, 50, required=True)
    size = _count(2, 500, required=True)


class AttachmentSchema(Schema):
    """A photo (of the handwritten wish card, say), inline as base64; its bytes are checked."""

    class Meta:
        unknown = RAISE

    purpose = _choice(ATTACHMENT_PURPOSES, load_default="wish_card")
    content_type = _choice(attachments.TYPES, required=True)
    filename = _text(1, 100, load_default=None)
    data = fields.String(required=True)

    @validates_schema
    def _real_image(self, item: dict, **_kw) -> None:
        problem = attachments.problem(item["content_type"], item["data"])
        if problem:
            raise ValidationError(problem, "data")


class SubmissionSchema(Schema):
    class Meta:
        unknown = RAISE

    community_code = _text(1, 32, required=True)
    title = _text(1, 100, required=True)
    description = _text(1, 2000, required=True)
    kind = _choice(KINDS, required=True)
    wish_type = _choice(WISH_TYPES, load_default="individual")
    team = fields.Nested(TeamSchema, load_default=None)
    estimated_value = _count(0, MAX_VALUE_YUAN, load_default=None)  # yuan, material wishes
    urgent = fields.Boolean(load_default=False)
    skills = _choices(SKILLS, 5)
    skills_other = _text(1, 100, load_default=None)
    preferred_times = _choices(TIMES, len(TIMES))
    preferred_times_note = _text(1, 200, load_default=None)
    wisher = fields.Nested(WisherSchema, required=True)
    consent = fields.Nested(ConsentSchema, load_default=None)
    attachments = fields.List(fields.Nested(AttachmentSchema), load_default=list,
                              validate=validate.Length(max=attachments.MOST, error="too_many"))

    @validates_schema
    def _consistent(self, data: dict, partial=False, **_kw) -> None:
        errors = {} if partial else inconsistencies(data)
        if errors:
            raise ValidationError(errors)


def inconsistencies(data: dict) -> dict[str, list[str]]:
    """A team wish names its team; only a material wish has a value."""
    errors = {}
    if data.get("wish_type") == "team" and not data.get("team"):
        errors["team"] = ["team_required"]
    if data.get("wish_type") != "team" and data.get("team"):
        errors["team"] = ["team_only"]
    if data.get("kind") == "spiritual" and data.get("estimated_value") is not None:
        errors["estimated_value"] = ["material_only"]
    return errors


class InfoAnswerSchema(Schema):
    """What the submitter changes or adds when verification asks for more information."""

    class Meta:
        unknown = RAISE

    # Any wish or wisher field may be left out; a team or photo that is sent must be whole.
    changes = fields.Nested(SubmissionSchema(
        partial=(*SubmissionSchema._declared_fields,
                 *(f"wisher.{name}" for name in WisherSchema._declared_fields)),
        exclude=("community_code", "consent")), required=True)
    note = _text(1, 500, load_default=None)
