"""Verification's OpenAPI document: one entry per route of the review desk's API."""
from __future__ import annotations

from services.verification.desk.schemas import (AskSchema, BulkApproveSchema, EditSchema,
                                                NoteSchema, RejectSchema, ReopenSchema)
from shared.apidoc import OBJECT, Op, service_api

_REVIEW = "审核记录：规则结果、理由、类别和期限（许愿人信息已打码）"
# Endpoint → its documentation. A new /api/ route needs one entry here (tests/shared/test_openapi.py).
OPERATIONS = {
    "reviews.list_reviews": Op("本社区的审核队列（?status= pending、needs_info、verified、rejected；"
                               "?community=）：待审的加急、最早的在前", response=OBJECT),
    "reviews.get_review": Op("一个心愿的审核记录", response=OBJECT, description=_REVIEW),
    "reviews.get_personal": Op("许愿人的个人信息（明文，仅本社区联络员核实资格用，每次读取留痕）",
                               response=OBJECT),
    "reviews.edit": Op("修改类别、类型、技能或期限（待审或待补充时）", EditSchema, OBJECT,
                       errors=(409,)),
    "reviews.approve": Op("审核通过（可附说明）", NoteSchema, OBJECT, errors=(409,)),
    "reviews.reject": Op("不予通过，说明原因（原因会告知提交人）", RejectSchema, OBJECT,
                         errors=(409,)),
    "reviews.request_info": Op(
        "请提交人补充信息：说明文字和需补充的字段（fields_needed，取自固定清单）", AskSchema,
        OBJECT, errors=(409,), description="提交人（居民、联络员或对接系统）在 wish.needs_info / "
        "submission.status 中收到同样的 fields_needed，并经 POST /api/v1/submissions/{id}/info 补充。"),
    "reviews.reopen": Op("重新审核一个被规则自动拒绝的心愿", ReopenSchema, OBJECT, errors=(409,)),
    "reviews.approve_many": Op("批量通过（全部通过，或有一个不能通过时都不通过）",
                               BulkApproveSchema, OBJECT, errors=(409,)),
}


document, bp = service_api("verification", "审核服务（审核台）的 HTTP 接口。", OPERATIONS)
