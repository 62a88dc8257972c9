"""The shapes of intake's answers, for the OpenAPI document: what each route sends back."""
from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from shared.contracts import Reason
from shared.vocab import INFO_FIELDS, STATUS_LABELS


def _req(kind, *args, nullable: bool = False, **kw):
    return kind(*args, required=True, allow_none=nullable, **kw)


class _Answer(Schema):
    class Meta:
        unknown = EXCLUDE  # answers may gain fields later: clients should ignore unknown ones


def _shape(name: str, strings: str = "", nullable: str = "", **others) -> type[Schema]:
    """An answer's shape: its required strings, its nullable strings, and any other fields."""
    attrs = {n: _req(fields.String) for n in strings.split()}
    attrs.update({n: _req(fields.String, nullable=True) for n in nullable.split()})
    return _Answer.from_dict({**attrs, **others}, name=name)


_TIME = {"metadata": {"format": "date-time"}}
_REASONS = fields.List(fields.Nested(Reason), required=True)
_Step = _shape("Step", "status label", at=_req(fields.String, **_TIME), reasons=_REASONS)
SubmissionView = _shape(
    "SubmissionView", "id community_code community_name title description kind wish_type",
    "status_label skills_other preferred_times_note wisher",
    status=_req(fields.String, validate=validate.OneOf(tuple(STATUS_LABELS))),
    estimated_value=_req(fields.Integer, nullable=True), revision=_req(fields.Integer),
    urgent=_req(fields.Boolean), minor=_req(fields.Boolean), erased=_req(fields.Boolean),
    skills=_req(fields.List, fields.String()), preferred_times=_req(fields.List, fields.String()),
    team=_req(fields.Nested, _shape("Team", "name", size=_req(fields.Integer)), nullable=True),
    info_requested=_req(fields.List, fields.Nested(Reason), nullable=True),
    info_requested_fields=_req(fields.List, fields.String(validate=validate.OneOf(tuple(INFO_FIELDS))),
                               nullable=True),
    attachments=_req(fields.List, fields.Nested(_shape(
        "AttachmentInfo", "id purpose content_type", size=_req(fields.Integer)))),
    wisher_masked=_req(fields.Nested, _shape("Masked", "", "name id_number phone address")),
    consent=_req(fields.Nested, _shape("ConsentView", "", "relation method at",
                                       share_phone=_req(fields.Boolean),
                                       publicity=_req(fields.Boolean))),
    created_at=_req(fields.String, **_TIME), history=_req(fields.List, fields.Nested(_Step)))
SubmissionList = _shape("SubmissionList", items=_req(fields.List, fields.Nested(SubmissionView)))
PersonalData = _shape(
    "PersonalData", "id", erased=_req(fields.Boolean),
    wisher=_req(fields.Nested, _shape(
        "WisherInClear", "", "name id_number phone address",
        target_groups=_req(fields.List, fields.String(), nullable=True),
        household_size=_req(fields.Integer, nullable=True),
        household_monthly_income=_req(fields.Integer, nullable=True))),
    consent=_req(fields.Nested, _shape("ConsentInClear", "", "relation method name photo_ref at")))
AccountView = _shape("AccountView", "id username role name", "unit_code org_code app_id",
                     communities=_req(fields.List, fields.String()))
TokenPair = _shape("TokenPair", "access_token token_type refresh_token",
                   expires_in=_req(fields.Integer), refresh_expires_in=_req(fields.Integer),
                   account=_req(fields.Nested, AccountView))
LoggedOut = _shape("LoggedOut", "status")
AuditPage = _shape("AuditPage", items=_req(fields.List, fields.Nested(_shape(
    "AuditEntry", "at actor_id actor_role action object_type object_id service",
    "community_code", detail=_req(fields.Dict)))))


class AuditQuerySchema(Schema):
    actor_id, action, object_id, community_code, service = (fields.String() for _ in range(5))
    since = fields.DateTime()
    limit = fields.Integer(load_default=200, validate=validate.Range(1, 1000))


# Claimers (党员报到) and their organisations.
_OFFER = dict(skills=_req(fields.List, fields.String()),
              skill_labels=_req(fields.List, fields.String()),
              available_times=_req(fields.List, fields.String()),
              available_time_labels=_req(fields.List, fields.String()))
_OFFER_TEXT = "skills_other available_times_note"
# `phone` is shown to the member themself, `phone_masked` to everyone else.
_PHONES = dict(phone=fields.String(allow_none=True), phone_masked=fields.String(allow_none=True))
MemberView = _shape(
    "MemberView", "id kind kind_label name registered_at updated_at",
    f"unit_code unit_name community_code org_code {_OFFER_TEXT}",
    party_member=_req(fields.Boolean), **_OFFER, **_PHONES,
    organisation=fields.Nested(_shape("MemberOrganisation", "code name type type_label")))
OrganisationView = _shape(
    "OrganisationView", "code name type type_label community_code registered_at updated_at",
    f"contact_name {_OFFER_TEXT}", **_OFFER, contact_phone=_PHONES["phone"],
    contact_phone_masked=_PHONES["phone_masked"],
    admins=_req(fields.List, fields.Nested(_shape("OrganisationAdmin", "id name", **_PHONES))))
_PAGE = dict(total=_req(fields.Integer), offset=_req(fields.Integer), limit=_req(fields.Integer))
MemberPage = _shape("MemberPage", items=_req(fields.List, fields.Nested(MemberView)), **_PAGE)
OrganisationPage = _shape("OrganisationPage", **_PAGE,
                          items=_req(fields.List, fields.Nested(OrganisationView)))
OrganisationRegistered = _shape("OrganisationRegistered",
                                organisation=_req(fields.Nested, OrganisationView),
                                admin=_req(fields.Nested, MemberView))
Choices = _shape("Choices", **{n: _req(fields.Dict, metadata={"description": "代码 → 中文名称"})
                               for n in ("skills", "available_times", "organisation_types",
                                         "kinds")},
                 units=_req(fields.List, fields.Nested(_shape("Unit", "code name"))),
                 communities=_req(fields.List, fields.String()))

# Communities (master data): the public list and one community.
CommunityView = _shape(
    "CommunityView", "code name street district district_name meeting_day_label",
    meeting_day=_req(fields.Nested, _shape("MeetingDayView", nth=_req(fields.Integer),
                                           weekday=_req(fields.Integer))))
CommunityList = _shape("CommunityList", items=_req(fields.List, fields.Nested(CommunityView)))

# Staff administration and systems' secrets (services/intake/accounts/staff_http.py, systems_http.py).
StaffView = _shape("StaffView", "id username role name", "unit_code org_code app_id",
                   communities=_req(fields.List, fields.String()),
                   disabled=_req(fields.Boolean), must_change_password=_req(fields.Boolean))
StaffMade = _shape("StaffMade", "id username role name temporary_password",
                   "unit_code org_code app_id", communities=_req(fields.List, fields.String()),
                   disabled=_req(fields.Boolean), must_change_password=_req(fields.Boolean))
StaffList = _shape("StaffList", items=_req(fields.List, fields.Nested(StaffView)))
SystemView = _shape("SystemView", "app_id name", "broker_user", disabled=_req(fields.Boolean),
                    api_key_set=_req(fields.Boolean))
SystemList = _shape("SystemList", items=_req(fields.List, fields.Nested(SystemView)))
SystemKey = _shape("SystemKey", "app_id name api_key", "broker_user",
                   disabled=_req(fields.Boolean), api_key_set=_req(fields.Boolean))
SystemBroker = _shape("SystemBroker", "app_id name broker_user vhost", "broker_password",
                      disabled=_req(fields.Boolean), api_key_set=_req(fields.Boolean),
                      applied=_req(fields.Boolean),
                      commands=_req(fields.List, fields.List(fields.String())))
LoginAnswer = _shape("LoginAnswer", "status", "access_token token_type refresh_token "
                     "password_change_token", expires_in=fields.Integer(),
                     refresh_expires_in=fields.Integer(), account=_req(fields.Nested, AccountView))
