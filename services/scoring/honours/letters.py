"""An honour's letter as a PDF: A4, in Chinese, numbered and dated, the issuer and the recipient
unit named; the CJK fonts embedded (subset), with fallbacks for rare characters in names."""
from __future__ import annotations

from fpdf import FPDF

from services.scoring import paper
from services.scoring.honours import fonts as font_finder
from services.scoring.honours.rules import LEVELS, LETTER, LetterFacts, date_zh

_MARGIN = 25  # mm: an official letter's wide margins


def render(facts: LetterFacts, found: font_finder.Fonts | None = None) -> bytes:
    """The letter's PDF bytes; `cjk_font_missing` when the machine has no CJK font."""
    pdf = paper.document(f"{facts.number} {LEVELS[facts.level].document}", found, _MARGIN)
    _write(pdf, facts)
    return bytes(pdf.output())


def _write(pdf: FPDF, facts: LetterFacts) -> None:
    width = pdf.epw
    pdf.set_font("cjk", size=22)
    pdf.cell(width, 16, LEVELS[facts.level].document, align="C",
             new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=12)
    pdf.cell(width, 10, facts.number, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.set_font("cjk", size=14)
    if facts.salutation:
        pdf.cell(width, 10, facts.salutation, new_x="LMARGIN", new_y="NEXT")
    for paragraph in facts.body():
        pdf.multi_cell(width, 9, "\u3000\u3000" + paragraph, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(20)
    pdf.cell(width, 10, facts.issuer, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(width, 10, date_zh(facts.issued_on), align="R", new_x="LMARGIN", new_y="NEXT")
    if facts.level != LETTER and facts.unit_name:
        pdf.ln(16)
        pdf.set_font("cjk", size=11)
        pdf.cell(width, 8, f"抄送：{facts.unit_name}", new_x="LMARGIN", new_y="NEXT")
