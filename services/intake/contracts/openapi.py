"""Intake's OpenAPI document: one entry per route, served at `GET /api/v1/openapi.json`."""
from __future__ import annotations

from marshmallow import Schema, fields
from flask import Blueprint, current_app, request

from services.intake.accounts import http as auth_api
from services.intake.accounts.schemas import (NoBody, PasswordChangeSchema, StaffChangesSchema,
                                              StaffSchema)
from services.intake.claimers.schemas import (AdminSchema, MemberListArgs, MemberRegistrationSchema,
                                              OrganisationListArgs, OrganisationRegistrationSchema,
                                              OrganisationSchema, ProfileSchema)
from services.intake.communities.schemas import (CommunityChangesSchema, CommunityListArgs,
                                                 CommunitySchema)
from services.intake.contracts.answers import (AccountView, AuditPage, AuditQuerySchema, Choices,
                                               CommunityList, CommunityView, LoggedOut,
                                               LoginAnswer,
                                               MemberPage, MemberView, OrganisationPage,
                                               OrganisationRegistered, OrganisationView,
                                               PersonalData, StaffList, StaffMade, StaffView,
                                               SubmissionList, SubmissionView, SystemBroker,
                                               SystemKey, SystemList, TokenPair)
from services.intake.submissions.schemas import (AttachmentSchema, ConsentSchema, InfoAnswerSchema,
                                                 SubmissionSchema, WisherSchema)
from shared.access import public
from shared.errors import ApiError
from shared.apidoc import Document, Op

VERSION = "1.0.0"


class OpenApiArgs(Schema):
    service = fields.String(metadata={"description": "只看一个服务的接口：intake、verification、"
                                                     "matching 或 scoring"})
# {"nth": 1, "weekday": 6} is 每月第1个周六 (shared/meeting_day.py).
_MEETING_DAY = {"type": "object", "required": ["nth", "weekday"], "additionalProperties": False,
                "properties": {"nth": {"type": "integer", "minimum": 1, "maximum": 4},
                               "weekday": {"type": "integer", "minimum": 1, "maximum": 7,
                                           "description": "星期几：1 周一 … 7 周日"}},
                "description": "例会日：每月第 nth 个星期 weekday"}
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
    (CommunitySchema, "code"): {"pattern": r"^[a-z0-9]{2,16}(-[a-z0-9]+)+$", "maxLength": 32,
                                "description": "社区编码：区县编码加连字符开头，如 chuanhui-wenming"},
    (CommunitySchema, "district"): {"pattern": r"^[a-z0-9]{2,16}$",
                                    "description": "区县编码，如 chuanhui"},
    (CommunitySchema, "meeting_day"): {**_MEETING_DAY, "description": "例会日，不填为每月第1个周六"},
    (CommunityChangesSchema, "meeting_day"): _MEETING_DAY,
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
    "auth.login_json": Op(
        "登录，得到访问令牌和刷新令牌", auth_api.LoginSchema, LoginAnswer, errors=(401, 429),
        description="临时密码登录时 status 为 password_change_required，只给 "
                    "password_change_token（只能用于 POST /api/v1/auth/password）。"),
    "auth.change_password": Op(
        "修改密码：已登录时凭当前密码，或凭临时密码登录得到的 password_change_token；其他会话全部失效",
        PasswordChangeSchema, TokenPair, errors=(401,)),
    "staff.list_accounts": Op("工作人员账号（本区县的）", response=StaffList, errors=(422,)),
    "staff.create_account": Op(
        "新建工作人员账号：社区联络员、街道管理员（社区）、单位管理员（unit_code）、组织管理员"
        "（org_code）、运维；返回只显示一次的临时密码", StaffSchema, StaffMade, 201,
        errors=(403, 409)),
    "staff.get_account": Op("一个工作人员账号", response=StaffView),
    "staff.change_account": Op(
        "修改姓名、角色、负责范围或停用/启用（角色、范围变更或停用后原有登录立即失效）",
        StaffChangesSchema, StaffView, errors=(403,)),
    "staff.reset_password": Op("重置密码：返回只显示一次的临时密码，下次登录须修改", NoBody,
                               StaffMade),
    "systems.list_systems": Op("对接系统", response=SystemList),
    "systems.rotate_api_key": Op("更换对接系统的接口密钥（只显示一次，旧密钥立即失效）", NoBody,
                                 SystemKey),
    "systems.rotate_broker_password": Op(
        "更换对接系统消息账号的密码（经 RabbitMQ 管理接口；不可达时返回 rabbitmqctl 命令）",
        NoBody, SystemBroker),
    "systems.revoke_system": Op("吊销对接系统：接口密钥作废，消息账号删除", NoBody, SystemBroker),
    "systems.delete_system": Op("同 POST …/revocation", response=SystemBroker),
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
    "communities.list_communities": Op("社区名单（可按区县筛选）", response=CommunityList,
                                       query=CommunityListArgs, errors=(422,)),
    "communities.get_community": Op("一个社区：名称、街道、区县、例会日", response=CommunityView),
    "communities.register_community": Op(
        "登记社区（区县管理员；账号限定了区县的只可登记本区县的）", CommunitySchema, CommunityView,
        201, errors=(409,)),
    "communities.update_community": Op(
        "修改社区的名称、街道、区县名称或例会日（没有改动则不发布事件）", CommunityChangesSchema,
        CommunityView),
    "openapi.openapi_json": Op(
        "本文档：全部服务的接口（?service=intake 等只看一个服务的）", query=OpenApiArgs,
        response={"application/json": {"schema": {"type": "object"}}}, errors=(404,)),
}

bp = Blueprint("openapi", __name__)


def document(app) -> dict:
    doc = Document("微心愿 intake API", VERSION, notes=NOTES, service="intake", description=(
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
    """The gateway's document, every service's merged (?service= one of them); generated once
    per process: the routes and schemas cannot change while it runs."""
    from services.intake.contracts import gateway  # it imports this module

    if "microwish.openapi" not in current_app.extensions:
        docs = gateway.documents(current_app)
        current_app.extensions["microwish.openapi"] = {"": gateway.merge(gateway.INFO, docs),
                                                       **docs}
    docs = current_app.extensions["microwish.openapi"]
    wanted = request.args.get("service", "")
    if wanted not in docs:
        raise ApiError(404, "not_found")
    return docs[wanted]
