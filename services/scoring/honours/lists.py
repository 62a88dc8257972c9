"""Honour lists as xlsx (openpyxl): a year's honours of a community, a street or the district,
for the commendation meeting and the files."""
from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font

from services.scoring.honours.rules import (ISSUE_SERIES, LEVEL_ZH, REVOKE_SERIES, STATUS_ZH,
                                            number_text, points_zh)

HEADERS = ["年度", "姓名", "工作单位", "社区", "街道", "年度积分", "荣誉", "状态", "文号",
           "发文日期", "撤销通知"]


def workbook(title: str, rows) -> bytes:
    """`rows`: (honour, member name, community name, street) in the order to list them."""
    book = Workbook()
    sheet = book.active
    sheet.title = "荣誉名单"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(HEADERS)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for honour, name, community, street in rows:
        sheet.append([honour.year, name, honour.unit_name or "", community, street,
                      float(points_zh(honour.points)), LEVEL_ZH[honour.level],
                      STATUS_ZH[honour.status],
                      number_text(honour.year, ISSUE_SERIES, honour.number) or "",
                      honour.issued_on.isoformat() if honour.issued_on else "",
                      number_text(honour.year, REVOKE_SERIES, honour.revoked_number) or ""])
    for column, width in zip("ABCDEFGHIJK", (8, 12, 24, 16, 16, 10, 18, 10, 22, 12, 22)):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A3"
    out = BytesIO()
    book.save(out)
    return out.getvalue()
