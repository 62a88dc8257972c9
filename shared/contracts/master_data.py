"""Master data intake keeps and every service copies: claimers and communities."""
from __future__ import annotations

from marshmallow import Schema, fields, validate


class MemberProfile(Schema):
    """A claimer (党员报到) as matching and scoring keep them: personal data only sealed."""

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
    # Where notices reach them, sealed (shared.pii.Sealer): {"phone", "email"?, "wechat_openid"?}.
    # Only matching opens it (its contacts table); a service's MemberCopy never keeps it.
    contact_sealed = fields.String(allow_none=True, load_default=None)


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
    # The community office (社区办公电话/邮箱) its liaisons' notices go to, sealed like
    # MemberProfile.contact_sealed: {"phone"?, "email"?, "wechat_openid"?}; None: none set.
    office_contact_sealed = fields.String(allow_none=True, load_default=None)
