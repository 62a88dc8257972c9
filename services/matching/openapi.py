"""Matching's OpenAPI document: one entry per route of the wall, claims, handovers and notices."""
from __future__ import annotations

from services.matching.channel.http import MessageSchema
from services.matching.claims.http import ClaimSchema, EmptySchema
from services.matching.claims.steps_http import DisputeSchema, FulfilmentSchema, ReleaseSchema
from services.matching.claims.team_http import CapacitySchema
from services.matching.handover.http import HandToSchema
from services.matching.notices.http import SmsReceiptSchema
from shared.apidoc import OBJECT, Op, binary, service_api

_PHOTO = binary("image/jpeg", "image/png", "image/webp")
_STEP = (409,)  # a step out of order (invalid_state)
# Endpoint → its documentation. A new /api/ route needs one entry here (tests/shared/test_openapi.py).
OPERATIONS = {
    "wall.list_wishes": Op("心愿墙：筛选、搜索、分页（next 是下一页的 after）", response=OBJECT),
    "wall.wishes_for_you": Op("为你推荐：本社区及附近需要你的技能的心愿", response=OBJECT),
    "wall.get_wish": Op("心愿墙上的一个心愿", response=OBJECT),
    "claims.claim_wish": Op("认领心愿（个人或加入帮帮团）", ClaimSchema, OBJECT, 201,
                            errors=(409, 429)),
    "claims.list_claims": Op("我的认领；联络员：本社区的认领", response=OBJECT),
    "claims.get_claim": Op("一个认领", response=OBJECT),
    "claim_steps.fulfil_claim": Op("认领人报告已完成（可附照片）", FulfilmentSchema, OBJECT,
                                   errors=_STEP),
    "claim_steps.confirm_claim": Op("确认心愿已完成（联络员或许愿居民）", EmptySchema, OBJECT,
                                    errors=_STEP),
    "claim_steps.dispute_claim": Op("未完成：退回认领人并说明原因", DisputeSchema, OBJECT,
                                    errors=_STEP),
    "claim_steps.release_claim": Op("放弃认领并说明原因（认领人或联络员）", ReleaseSchema, OBJECT,
                                    errors=_STEP),
    "claim_steps.reinstate_claim": Op("撤销误操作的放弃（心愿仍未被认领时）", EmptySchema, OBJECT,
                                      errors=_STEP),
    "claim_steps.proof_photo": Op("完成照片（仅本社区联络员，每次读取留痕）", response=_PHOTO),
    "team.set_capacity": Op("设定帮帮团人数（1：一人认领）", CapacitySchema, OBJECT, errors=_STEP),
    "team.leave_team": Op("退出帮帮团", EmptySchema, OBJECT, errors=_STEP),
    "handover.offer_handover": Op("转交认领（或帮帮团名额）给另一位报到成员", HandToSchema, OBJECT,
                                  201, errors=_STEP),
    "handover.reassign_claim": Op("联络员直接把认领转给另一位成员", HandToSchema, OBJECT,
                                  errors=_STEP),
    "handover.list_handovers": Op("转交给我和我发出的转交，最新在前", response=OBJECT),
    "handover.accept_handover": Op("接受转交", EmptySchema, OBJECT, errors=_STEP),
    "handover.decline_handover": Op("谢绝转交", EmptySchema, OBJECT, errors=_STEP),
    "escalation.assign_wish": Op("指派：联络员把心愿交给一位成员或一个组织", HandToSchema, OBJECT,
                                 201, errors=_STEP),
    "escalation.my_assignments": Op("指派给我的心愿，最新在前", response=OBJECT),
    "escalation.accept_assignment": Op("接受指派", EmptySchema, OBJECT, errors=_STEP),
    "escalation.decline_assignment": Op("谢绝指派", EmptySchema, OBJECT, errors=_STEP),
    "escalation.list_escalations": Op("已上报仍无人认领的心愿，最早在前", response=OBJECT),
    "channel.list_messages": Op("认领人与联络员的留言", response=OBJECT),
    "channel.post_message": Op("留言", MessageSchema, OBJECT, 201),
    "phone_reveal.reveal_phone": Op("告知认领人许愿人的电话（许愿人同意时），留痕", EmptySchema,
                                    OBJECT, errors=_STEP),
    "publication.list_scheduled": Op("等待例会日发布的心愿，最近的在前", response=OBJECT),
    "publication.hold": Op("暂缓发布", EmptySchema, OBJECT, errors=_STEP),
    "publication.resume": Op("恢复发布", EmptySchema, OBJECT, errors=_STEP),
    "publication.publish_now": Op("立即发布（不等例会日）", EmptySchema, OBJECT, errors=_STEP),
    "stories.list_stories": Op("心愿故事：许愿人同意公开的已完成心愿，最新在前", response=OBJECT),
    "stories.story_photo": Op("心愿故事的照片（公开）", response=_PHOTO),
    "notices.sms_receipts": Op("短信网关的送达回执（X-Receipt-Token 鉴权）", SmsReceiptSchema,
                               OBJECT),
}


document, bp = service_api("matching", "心愿墙、认领、转交、指派和通知的 HTTP 接口。", OPERATIONS)
