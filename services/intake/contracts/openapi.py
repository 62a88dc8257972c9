"""Intake's OpenAPI document: one entry per route, served at `GET /api/v1/openapi.json`."""
from __future__ import annotations

from flask import Blueprint, current_app
from marshmallow import EXCLUDE, Schema, fields, validate

from services.intake.accounts import http as auth_api
from services.intake.claimers.schemas import (AdminSchema, MemberListArgs, MemberRegistrationSchema,
                                              OrganisationListArgs, OrganisationRegistrationSchema,
                                              OrganisationSchema, ProfileSchema)
from services.intake.submissions.schemas import (AttachmentSchema, ConsentSchema, InfoAnswerSchema,
                                                 SubmissionSchema, WisherSchema)
from shared.access import public
from shared.apidoc import Document, Op
from shared.contracts import Reason
from shared.vocab import INFO_FIELDS, STATUS_LABELS

VERSION = "1.0.0"
# What Python validators check that apispec cannot see, said in the document.
NOTES = {
    (WisherSchema, "id_number"): {"pattern": r"^[0-9]{17}[0-9Xx]$",
                                  "description": "居民身份证号码：18 位，校验位正确，出生日期不晚于今天"},
    (AttachmentSchema, "data"): {"contentEncoding": "base64",
                                 "description": "图片内容（base64），JPEG、PNG 或 WebP，不超过 2MB"},
    (SubmissionSchema, "team"): {"description": "团体心愿（wish_type=team）必填，其他心愿不填"},
    (SubmissionSchema, "estimated_value"): {"description": "估计价值（元），只有物质类心愿填写"},
    (SubmissionSchema, "consent"): {"description": "代为提交（对接系统、联络员）时必填；"
                                                   "不满十四周岁须监护人（guardian）同意"},
    (ConsentSchema, "at"): {"description": "同意的时间，带时区，不晚于现在"},
}
# A fictional wisher; the ID number is a valid one of nobody.
SUBMISSION_EXAMPLE = {
    "community_code": "chuanhui-wenchang", "title": "想要一台收音机",
    "description": "独居老人，眼睛不好，想要一台能听戏的收音机。", "kind": "material",
    "estimated_value": 80, "preferred_times": ["weekday_morning"],
    "wisher": {"name": "张秀英", "id_number": "11010519491231002X", "phone": "13800000000",
               "target_groups": ["elderly_alone"], "household_size": 1},
    "consent": {"relation": "self", "method": "phone", "at": "2026-11-20T10:00:00+08:00"},
}


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
    "SubmissionView", "id community_code title description kind wish_type",
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
    consent=_req(fields.Nested, _shape("ConsentView", "", "relation method at")),
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
_IMAGES = {t: {"schema": {"type": "string", "contentMediaType": t}}
           for t in ("image/jpeg", "image/png", "image/webp")}
# Endpoint → its documentation. A new /api/v1 route needs one entry here (a test checks).
OPERATIONS = {
    "intake.create_submission": Op(
        "提交心愿 (submit a wish)", SubmissionSchema, SubmissionView, 201,
        headers=("Idempotency-Key",), example=SUBMISSION_EXAMPLE,
        also={200: "同一 Idempotency-Key 再次提交：不新建，返回原来的心愿"}),
    "intake.list_submissions": Op("我能看到的心愿（最新 200 条）", response=SubmissionList),
    "intake.get_submission": Op("一个心愿的详情和进展", response=SubmissionView),
    "intake.answer_info_request": Op(
        "补充审核要求的信息（同一心愿，修订号加一后重新审核）", InfoAnswerSchema,
        SubmissionView, errors=(409,)),
    "intake.get_personal_data": Op("心愿人的个人信息（明文，仅本社区联络员，每次读取留痕）",
                                   response=PersonalData),
    "intake.get_attachment": Op("心愿的附件图片（仅本社区联络员，每次读取留痕）", response=_IMAGES),
    "auth.login_json": Op("登录，得到访问令牌和刷新令牌", auth_api.LoginSchema, TokenPair,
                          errors=(401, 429)),
    "auth.refresh": Op("用刷新令牌换一对新令牌（旧的作废）", auth_api.RefreshSchema, TokenPair),
    "auth.logout": Op("退出登录（everywhere=true 退出所有设备）", auth_api.LogoutSchema,
                      LoggedOut),
    "auth.me": Op("当前账号", response=AccountView, errors=(404,)),
    "audit.query_audit": Op("查询审计记录（最新在前）", response=AuditPage,
                            query=AuditQuerySchema, errors=(422,)),
    "members.register_member": Op("个人报到（党员报到），得到 member 账号",
                                  MemberRegistrationSchema, MemberView, 201, errors=(409, 429)),
    "members.registration_choices": Op("报到表的选项：技能、时间、组织类型、单位、社区",
                                       response=Choices),
    "members.get_me": Op("我的报到信息", response=MemberView, errors=(404,)),
    "members.update_me": Op(
        "修改我的报到信息（尚未报到的 member 账号须填写完整）", ProfileSchema(partial=True),
        MemberView, errors=(404, 409), description="组织管理员（org_admin）只可修改 name 和 phone。"),
    "members.list_members": Op("报到名册（手机号打码）", response=MemberPage,
                               query=MemberListArgs, errors=(422,)),
    "member_orgs.register_organisation": Op(
        "组织报到，同时建立它的第一个管理员账号（org_admin）", OrganisationRegistrationSchema,
        OrganisationRegistered, 201, errors=(409, 429)),
    "member_orgs.list_organisations": Op("报到的组织", response=OrganisationPage,
                                         query=OrganisationListArgs, errors=(422,)),
    "member_orgs.get_organisation": Op("一个组织的信息", response=OrganisationView),
    "member_orgs.update_organisation": Op(
        "修改本组织的信息", OrganisationSchema(exclude=("code",), partial=True),
        OrganisationView),
    "member_orgs.add_admin": Op("为本组织增加管理员账号", AdminSchema, MemberView, 201,
                                errors=(409,)),
    "openapi.openapi_json": Op("本文档 (this document)",
                               response={"application/json": {"schema": {"type": "object"}}}),
}

bp = Blueprint("openapi", __name__)


def document(app) -> dict:
    doc = Document("微心愿 intake API", VERSION, notes=NOTES, description=(
        "心愿受理服务的 HTTP 接口。对接系统（government systems）也可经 AMQP 队列提交，"
        "见 docs/asyncapi.json 和 docs/integration.md。所有错误均为 "
        '{"error": {"code", "message", "fields"}}。'))
    doc.header("Idempotency-Key", "幂等键：同一账号用同一个键再次提交，不会重复创建心愿",
               {"type": "string", "minLength": 1, "maxLength": 200})
    doc.add_app(app, OPERATIONS)
    return doc.to_dict()


@bp.get("/api/v1/openapi.json")
@public
def openapi_json():
    """Generated once per process: the routes and schemas cannot change while it runs."""
    if "microwish.openapi" not in current_app.extensions:
        current_app.extensions["microwish.openapi"] = document(current_app)
    return current_app.extensions["microwish.openapi"]
