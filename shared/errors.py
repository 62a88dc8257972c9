"""Errors with a stable machine code, the offending fields and a Chinese message."""
from __future__ import annotations

from dataclasses import dataclass, field

# marshmallow's own messages, mapped to our codes and Chinese wording.
MARSHMALLOW_CODES = {
    "Missing data for required field.": ("required", "缺少必填项"),
    "Unknown field.": ("unknown_field", "不允许的字段"),
    "Field may not be null.": ("required", "该字段不能为空"),
    "Not a valid string.": ("invalid_type", "应为文本"),
    "Not a valid integer.": ("invalid_type", "应为整数"),
    "Not a valid boolean.": ("invalid_type", "应为是或否"),
    "Invalid input type.": ("invalid_type", "数据类型错误"),
    "Not a valid UUID.": ("invalid_type", "编号格式错误"),
    "Not a valid datetime.": ("invalid_datetime", "时间格式不正确"),
    "Not a valid date.": ("invalid_date", "日期格式不正确"),
    "Not a valid list.": ("invalid_type", "应为列表"),
}

# Codes our own validators raise, with their Chinese wording.
MESSAGES_ZH = {
    "invalid_id_number": "身份证号码无效（校验位或出生日期不正确）",
    "invalid_choice": "取值不在允许范围内",
    "invalid_length": "长度不符合要求",
    "invalid_phone": "手机号码格式不正确",
    "invalid_email": "电子邮箱格式不正确",
    "invalid_json": "请求内容不是有效的 JSON",
    "unsupported_media_type": "请求内容类型应为 application/json",
    "validation_failed": "提交的内容有误，请检查标出的字段",
    "not_found": "未找到该记录",
    "already_claimed": "该心愿已被认领",
    "invalid_cursor": "翻页位置无效，请从第一页重新开始",
    "claim_quota": "您认领的心愿已达上限，请先完成已认领的心愿",
    "round_quota": "本轮您认领的心愿已达上限，请把机会留给其他人",
    "below_joined": "人数不能少于已加入帮帮团的人数",
    "community_window": "该心愿目前仅限本社区报到的党员认领，之后向全市开放",
    "invalid_state": "当前状态不允许此操作",
    "no_phone_consent": "许愿人未同意将联系电话告知认领人（或未留联系电话）",
    "claim_not_active": "只有进行中（已认领或待确认）的认领才能告知许愿人的联系电话",
    "payload_too_large": "请求内容过大",
    "method_not_allowed": "不支持该请求方法",
    "bad_request": "请求有误",
    "internal_error": "系统内部错误，请稍后重试",
    "authentication_required": "请先登录",
    "invalid_token": "登录凭证无效，请重新登录",
    "token_expired": "登录已过期，请重新登录",
    "invalid_api_key": "接口密钥无效",
    "invalid_credentials": "用户名或密码错误",
    "forbidden": "您没有权限进行此操作",
    "csrf_failed": "页面已失效，请刷新后重试",
    "too_many_requests": "操作过于频繁，请稍后再试",
    "community_forbidden": "您只能处理本人所负责社区的心愿",
    "consent_required": "代为提交心愿须登记本人或监护人的同意",
    "guardian_consent_required": "不满十四周岁的儿童提交心愿须有监护人同意",
    "invalid_datetime": "时间格式不正确",
    "in_future": "时间不能晚于现在",
    "photo_required": "签字同意卡须附照片",
    "unknown_source": "未登记的对接系统",
    "source_mismatch": "消息的发送账号与对接系统不符",
    "not_overridable": "该审核结果不能更改",
    "too_many": "选项或附件过多",
    "duplicate_value": "有重复的选项",
    "out_of_range": "数值超出允许范围",
    "team_required": "团体心愿须填写团队名称和人数",
    "team_only": "只有团体心愿才填写团队信息",
    "material_only": "只有物质类心愿才填写估计价值",
    "file_too_large": "文件过大（每个不超过 2MB）",
    "invalid_base64": "文件内容须为 base64 编码",
    "empty_file": "文件是空的",
    "file_type_mismatch": "文件内容与声明的类型不符，只接受 JPEG、PNG 或 WebP 图片",
    "invalid_encoding": "内容不是有效的 UTF-8 文本",
    "idempotency_key_reused": "该幂等键已用于另一份不同的提交",
    "duplicate_ref": "编号在文件中重复",
    "id_number_as_number": "身份证号被存成了数字，末几位可能已丢失：请把该列设为“文本”格式后重新填写",
    "unknown_column": "无法识别的列名",
    "duplicate_column": "同一项出现在多列中",
    "missing_column": "缺少必需的列",
    "unnamed_column": "有内容的列缺少列名",
    "invalid_username": "用户名须为 3 到 64 位字母、数字或 _ . @ -",
    "weak_password": "密码须为 8 到 128 位，且不能与用户名相同",
    "invalid_code": "编码须为 2 到 32 位小写字母、数字或连字符",
    "username_taken": "该用户名已被注册",
    "org_code_taken": "该组织编码已被使用",
    "community_code_taken": "该社区编码已被使用",
    "unknown_community": "未找到该社区（社区编码未登记）",
    "district_forbidden": "您只能管理本区县的社区",
    "invalid_community_code": "社区编码须以区县编码和连字符开头（如 chuanhui-wenming），只用小写字母、数字和连字符，不超过 32 位",
    "invalid_district_code": "区县编码须为 2 到 16 位小写字母或数字（如 chuanhui）",
    "code_outside_district": "社区编码须以所属区县的编码加连字符开头",
    "invalid_meeting_day": "例会日应为每月第几个（1-4）星期几（1-7），如“每月第1个周六”（{nth: 1, weekday: 6}）",
    "unknown_unit": "未登记的单位编码：请从列表中选择，或只填写单位名称",
    "profile_missing": "尚未填写报到信息",
    "answer_empty": "请填写补充说明，或修改需要更正的内容",
    "in_past": "日期不能早于今天",
    "nothing_to_change": "请至少修改一项",
    "none_selected": "请至少选择一个心愿",
    "invalid_characters": "含有不允许的控制字符",
    "not_ready": "服务暂不可用（所依赖的数据库未就绪），请稍后重试",
    "role_not_staff": "只能设为社区联络员、街道管理员、单位管理员、组织管理员或运维",
    "scope_required": "该角色须填写其负责范围",
    "scope_not_allowed": "该角色不使用此项，请留空",
    "unknown_organisation": "未找到该组织（组织编码未登记）",
    "account_district_forbidden": "您只能管理本区县社区的工作人员账号",
    "self_change_forbidden": "不能修改自己的角色、负责范围或停用自己：请另一位管理员办理",
    "password_change_required": "请先修改临时密码",
    "wrong_password": "当前密码不正确",
    "required_current_password": "请填写当前密码",
    "same_password": "新密码不能与当前密码相同",
    "broker_unreachable": "无法连接消息服务器的管理接口，请按返回的命令在 RabbitMQ 节点上操作",
    "empty_idempotency_key": "Idempotency-Key 不能为空：不需要幂等时请不要发送该请求头",
}


@dataclass
class ApiError(Exception):
    """An HTTP error answered as JSON: {"error": {"code", "message", "fields"}}."""

    status: int
    code: str
    fields: list[dict] = field(default_factory=list)
    retry_after: int | None = None
    extra: dict = field(default_factory=dict)  # more for the client, e.g. wishes to claim instead

    @property
    def message(self) -> str:
        return MESSAGES_ZH.get(self.code, self.code)

    def to_dict(self) -> dict:
        return {"error": {"code": self.code, "message": self.message, "fields": self.fields,
                          **self.extra}}


class DomainError(Exception):
    """A service's rule said no. Each service subclasses it and maps its kinds to HTTP statuses
    (`errors.HTTP_STATUS`); on the bus a domain error is poison: retrying cannot change the answer."""

    code = "invalid_state"

    def __init__(self, detail: str = "", fields: list[dict] | None = None):
        super().__init__(detail or self.code)
        self.fields = fields or []


class Poison(Exception):
    """A message that can never be applied: it goes to the dead queue at once."""

    def __init__(self, reason: str, fields: list[dict] | None = None):
        super().__init__(reason)
        self.reason = reason
        self.fields = fields or []


def field_errors(messages, prefix: str = "") -> list[dict]:
    """Flatten marshmallow's nested error messages into [{field, code, message}]."""
    out: list[dict] = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            out.extend(field_errors(value, name))
        return out
    for text in messages if isinstance(messages, list) else [messages]:
        if isinstance(text, (dict, list)):
            out.extend(field_errors(text, prefix))
            continue
        code, zh = MARSHMALLOW_CODES.get(text, (text, MESSAGES_ZH.get(text)))
        if zh is None:  # a marshmallow message we have not mapped: keep it readable
            code, zh = "invalid_value", f"取值无效：{text}"
        out.append({"field": prefix or "_schema", "code": code, "message": zh})
    return out
