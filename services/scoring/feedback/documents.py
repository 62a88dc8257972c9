"""A unit's half-yearly feedback as a PDF (to send) and an xlsx (to file and sort): each
member, where they reported, their deeds with dates and communities, points and honours."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font

from services.scoring import paper
from services.scoring.honours.rules import date_zh, points_zh

HEADERS = ["姓名", "报到社区", "心愿", "服务社区", "日期", "积分", "荣誉"]


def title(facts: dict) -> str:
    return f"在职党员参与社区活动情况反馈（{facts['label']}）"


def _points(text: str) -> str:
    return points_zh(Decimal(text))


def _honours(member: dict) -> str:
    return "；".join(f"{h['title']}（{h['status']}{'，' + h['number'] if h['number'] else ''}）"
                    for h in member["honours"])


def pdf(facts: dict, generated_on: date, found=None) -> bytes:
    doc = paper.document(title(facts), found)
    paper.heading(doc, "在职党员参与社区活动情况反馈", facts["label"])
    paper.paragraph(doc, f"{facts['unit_name']}党组织：", indent=False)
    t = facts["totals"]
    paper.paragraph(doc, f"根据社区与单位双向反馈制度，现将贵单位在职党员{facts['label']}"
                         f"参与社区“圆梦微心愿”活动的情况反馈如下：贵单位到社区报到的在职党员"
                         f"{t['members']}名，其中{t['active']}名参加了活动，共兑现微心愿"
                         f"{t['deeds']}个，累计积分{_points(t['points'])}分。")
    paper.paragraph(doc, "感谢贵单位对社区工作的支持，请在本单位范围内通报，"
                         "并鼓励尚未参加的同志积极参与。")
    doc.ln(4)
    summary = [[m["name"], m["community"] or "—", str(len(m["deeds"])), _points(m["points"]),
                _honours(m) or "—"] for m in facts["members"]]
    paper.table(doc, ["姓名", "报到社区", "心愿数", "积分", "荣誉"], summary,
                (22, 30, 16, 14, 58))
    deeds = [[m["name"], d["title"], d["community"], d["on"], _points(d["points"])]
             for m in facts["members"] for d in m["deeds"]]
    if deeds:
        doc.ln(6)
        paper.paragraph(doc, "兑现心愿明细", size=13, indent=False)
        paper.table(doc, ["姓名", "心愿", "服务社区", "日期", "积分"], deeds, (22, 58, 30, 16, 14))
    paper.signature(doc, "社区党组织（微心愿平台）", date_zh(generated_on))
    return bytes(doc.output())


def xlsx(facts: dict) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "参与情况"
    sheet.append([f"{facts['unit_name']} · {title(facts)}"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(HEADERS)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for m in facts["members"]:
        honours = _honours(m)
        if not m["deeds"]:
            sheet.append([m["name"], m["community"], "（本期未参加）", "", "", 0, honours])
        for d in m["deeds"]:
            sheet.append([m["name"], m["community"], d["title"], d["community"],
                          date.fromisoformat(d["on"]), float(d["points"]), honours])
    total = facts["totals"]
    sheet.append(["合计", f"{total['members']}人，{total['active']}人参加", f"{total['deeds']}个心愿",
                  "", "", float(total["points"]), ""])
    for column, width in zip("ABCDEFG", (12, 16, 30, 16, 12, 8, 36)):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=3, min_col=5, max_col=5):
        for cell in row:
            cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A3"
    out = BytesIO()
    book.save(out)
    return out.getvalue()
