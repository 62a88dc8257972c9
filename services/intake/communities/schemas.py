"""The community contract at the HTTP edge and in the import file: codes, names, meeting day."""
from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from services.intake.communities import rules
from shared.fields import Strict, text


class MeetingDay(fields.Field):
    """{"nth": 1-4, "weekday": ISO 1-7}, or null for a community with no meeting day (its wishes
    open once verified); shared.meeting_day says what is wrong with one."""

    def __init__(self, **kwargs):
        super().__init__(allow_none=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if rules.meeting_day_problems(value):
            raise ValidationError("invalid_meeting_day")
        return {"nth": value["nth"], "weekday": value["weekday"]}


def _code(value: str) -> None:
    if not rules.valid_code(value):
        raise ValidationError("invalid_community_code")


def _district(value: str) -> None:
    if not rules.DISTRICT.match(value):
        raise ValidationError("invalid_district_code")


# A mobile number, or a landline with its area code (0394-8123456).
OFFICE_PHONE = validate.Regexp(r"\A(1[0-9]{10}|0[0-9]{2,3}-?[0-9]{7,8})\Z", error="invalid_phone")


class CommunityChangesSchema(Strict):
    """`PATCH /api/v1/communities/<code>`: what may change (the code and district never do);
    the office's phone and email (null clears one) are where its liaisons are told."""

    name = text(1, 50)
    street = text(1, 50)
    district_name = text(1, 50)
    meeting_day = MeetingDay()
    office_phone = fields.String(allow_none=True, validate=OFFICE_PHONE)
    office_email = fields.Email(allow_none=True, error_messages={"invalid": "invalid_email"})


class CommunitySchema(CommunityChangesSchema):
    """`POST /api/v1/communities`: a community of a district; its meeting day by default 每月第1个周六."""

    code = fields.String(required=True, validate=_code)
    name = text(1, 50, required=True)
    street = text(1, 50, required=True)
    district = fields.String(required=True, validate=_district)
    district_name = text(1, 50, required=True)
    meeting_day = MeetingDay(load_default=rules.default_meeting_day)

    @validates_schema
    def _code_in_its_district(self, data: dict, **_kw) -> None:
        code, district = data.get("code"), data.get("district")
        if code and district and rules.district_of(code) != district:
            raise ValidationError("code_outside_district", "code")


class CommunityListArgs(Strict):
    district = fields.String(validate=_district)
