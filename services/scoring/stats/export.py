"""The figures as an xlsx workbook: an overview sheet, then one sheet per breakdown."""
from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font

from services.scoring.stats.schemas import Filters

TOTALS = [("collected", "征集心愿"), ("verified", "审核通过"), ("rejected", "未通过审核"),
          ("published", "已发布"), ("claimed", "已认领"), ("claimed_share", "认领率（占已发布）"),
          ("fulfilled", "已完成"), ("confirmed", "已确认完成"), ("urgent", "其中紧急心愿")]
TIMES = [("to_claim", "发布到认领"), ("to_fulfilment", "发布到完成")]
# Each breakdown's sheet and the heading of its first column.
SHEETS = [("by_kind", "物质精神", "类型"), ("by_wish_type", "个人团体", "类型"),
          ("by_category", "服务类别", "类别"), ("by_community", "社区", "社区"),
          ("by_street", "街道", "街道（镇）"), ("by_district", "区县", "区县")]
COLUMNS = [("collected", "征集"), ("published", "已发布"), ("claimed", "已认领"),
           ("fulfilled", "已完成"), ("confirmed", "已确认完成")]
BOLD = Font(bold=True)


def _heading(sheet, *titles: str) -> None:
    sheet.append(list(titles))
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD


def workbook(found: dict, wanted: Filters) -> bytes:
    """The workbook's bytes: the same figures the API answers, with Chinese headings."""
    book = Workbook()
    overview = book.active
    overview.title = "总览"
    _heading(overview, "项目", "数值")
    period = f"{wanted.from_ or '最早'} 至 {wanted.to or '今天'}（北京时间）"
    overview.append(["统计时段", period])
    for name, value in (("区县", wanted.district), ("街道（镇）", wanted.street),
                        ("社区", wanted.community)):
        if value:
            overview.append([name, value])
    for key, label in TOTALS:
        overview.append([label, found["totals"][key]])
    for key, label in TIMES:
        t = found["times"][key]
        overview.append([f"{label}：中位数（秒）", t["median_seconds"]])
        overview.append([f"{label}：最快（秒）", t["fastest_seconds"]])
    overview.append(["报到的党员和组织", found["members"]["registered"]])
    overview.append(["本期参与认领的人数", found["members"]["active"]])
    overview.column_dimensions["A"].width = 24
    overview.column_dimensions["B"].width = 30

    claimers = book.create_sheet("认领者")
    _heading(claimers, "认领者", "认领数", "占比")
    for c in found["claimed_by"]:
        claimers.append([c["label"], c["count"], c["share"]])

    for key, title, first in SHEETS:
        sheet = book.create_sheet(title)
        _heading(sheet, first, *(label for _k, label in COLUMNS))
        for entry in found[key]:
            sheet.append([entry["label"], *(entry[k] for k, _l in COLUMNS)])
        sheet.column_dimensions["A"].width = 18
    out = BytesIO()
    book.save(out)
    return out.getvalue()
