"""An issued notice as a PDF: A4, Chinese, numbered and dated, addressed to the unit's party
organisation; the members by the names they registered and their community, nothing more."""
from __future__ import annotations

from services.scoring import paper
from services.scoring.notices import rules
from services.scoring.notices.models import ParticipationNotice as Notice


def render(notice: Notice, found=None) -> bytes:
    facts = notice.facts
    title = rules.KIND_ZH[notice.kind]
    number = rules.number_text(notice.year, notice.number) or ""
    doc = paper.document(f"{number} {title}", found)
    paper.heading(doc, title, number)
    paper.paragraph(doc, f"{notice.unit_name}党组织：", indent=False)
    for text in (p.strip() for p in notice.body.split("\n")):
        if text:
            paper.paragraph(doc, text)
    if notice.kind == rules.INACTIVE:
        doc.ln(4)
        paper.table(doc, ["序号", "姓名", "报到社区"],
                    [[str(n), m["name"], m["community"]]
                     for n, m in enumerate(facts["members"], start=1)], (16, 60, 94))
    else:
        doc.ln(4)
        paper.table(doc, ["统计期间", "报到党员", "参加活动", "参与率", "要求"],
                    [[f"{notice.start.isoformat()}至{notice.end.isoformat()}",
                      str(facts["registered"]), str(facts["active"]),
                      rules.percent(facts["share"]), rules.percent(facts["rate"])]],
                    (54, 28, 28, 30, 30))
    paper.signature(doc, rules.issuer(notice.kind, facts.get("community", ""),
                                      facts.get("district", "")),
                    rules.date_zh(notice.issued_on))
    return bytes(doc.output())
