"""Scoring's OpenAPI document: one entry per route of points, honours, notices and reports."""
from __future__ import annotations

from services.scoring.feedback.schemas import GenerateSchema, ReportQuery
from services.scoring.honours.schemas import (HonourQuery, NominationSchema,
                                              StepSchema as HonourStep)
from services.scoring.leaderboards.schemas import BoardQuery, PreferenceSchema
from services.scoring.ledger.schemas import PointRuleSchema, ReversalSchema
from services.scoring.notices.schemas import (DraftSchema, NoticeQuery, StepSchema as NoticeStep,
                                              WordingSchema)
from services.scoring.stats.schemas import StatsQuery
from shared.apidoc import OBJECT, Op, binary, service_api

_PDF = binary("application/pdf")
_XLSX = binary("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
_STEP = (409,)  # a step out of order (invalid_state)
# Endpoint → its documentation. A new /api/ route needs one entry here (tests/shared/test_openapi.py).
OPERATIONS = {
    "points.get_points": Op("一位成员的积分卡", response=OBJECT),
    "points.unit_report": Op("单位管理员：本单位成员及其积分", response=OBJECT),
    "ledger.list_rules": Op("积分规则：按范围和生效日", response=OBJECT),
    "ledger.set_rule": Op("设定某社区（或区县）自某日起的积分规则", PointRuleSchema, OBJECT),
    "ledger.reverse_entry": Op("更正一笔积分：追加一笔相反的记录，写明原因和操作人",
                               ReversalSchema, OBJECT, 201, errors=_STEP),
    "stats.get_stats": Op("统计数字（按社区、街道、区县和时间筛选）", response=OBJECT,
                          query=StatsQuery, errors=(422,)),
    "stats.export_stats": Op("统计数字的 Excel 工作簿", response=_XLSX, query=StatsQuery,
                             errors=(422,)),
    "honours.list_honours": Op("本年度我负责的表彰，附各状态的数量", response=OBJECT,
                               query=HonourQuery, errors=(422,)),
    "honours.get_honour": Op("一项表彰", response=OBJECT),
    "honours.nominate": Op("推荐本社区超过街道门槛的成员到区县", NominationSchema, OBJECT, 201,
                           errors=(409,)),
    "honours.take_step": Op("表彰的下一步（select、review、issue、publish），由该步骤的角色进行",
                            HonourStep, OBJECT, errors=_STEP),
    "honours.letter": Op("表彰信（PDF）", response=_PDF),
    "honours.honour_list": Op("本年度表彰名单（Excel，按社区、街道或区县）", response=_XLSX),
    "honours.public_list": Op("公开的表彰名单（姓名打码）", response=OBJECT),
    "notices.list_notices": Op("参与情况通知书（?status=、?kind=）", response=OBJECT,
                               query=NoticeQuery, errors=(422,)),
    "notices.get_notice": Op("一份通知书", response=OBJECT),
    "notices.draft": Op("起草通知书", DraftSchema, OBJECT, 201, errors=_STEP),
    "notices.reword": Op("签发前修改措辞（事实不变）", WordingSchema, OBJECT, errors=_STEP),
    "notices.take_step": Op("通知书的下一步（review、issue）", NoticeStep, OBJECT, errors=_STEP),
    "notices.notice_pdf": Op("签发的通知书（PDF）", response=_PDF),
    "feedback.list_reports": Op("半年反馈报告", response=OBJECT, query=ReportQuery,
                                errors=(422,)),
    "feedback.generate": Op("生成（或重新生成）半年反馈报告", GenerateSchema, OBJECT, 201),
    "feedback.get_report": Op("一份反馈报告", response=OBJECT),
    "feedback.download": Op("反馈报告文件（pdf 或 xlsx）", response={**_PDF, **_XLSX}),
    "leaderboards.leaderboards": Op("本年度排行榜", response=OBJECT, query=BoardQuery,
                                    errors=(422,)),
    "leaderboards.get_preference": Op("我是否上成员排行榜", response=OBJECT),
    "leaderboards.put_preference": Op("上（打码）或不上成员排行榜", PreferenceSchema, OBJECT),
}


document, bp = service_api("scoring", "积分、表彰、通知书、统计和反馈报告的 HTTP 接口。", OPERATIONS)
