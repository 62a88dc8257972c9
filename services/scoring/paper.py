"""An A4 Chinese document set in the CJK fonts honours.fonts finds (fallbacks for rare
characters in names), for the honours' letters, the notices and the feedback reports alike."""
from __future__ import annotations

from fpdf import FPDF
from fpdf.fonts import FontFace

from services.scoring.honours import fonts as font_finder

MARGIN = 20  # mm
_HEADINGS = FontFace(emphasis="", fill_color=(235, 235, 235))  # one CJK face: no bold to ask for


def document(title: str, found: font_finder.Fonts | None = None, margin: int = MARGIN) -> FPDF:
    """A new document with its first page; `cjk_font_missing` (503) without a CJK font."""
    found = found or font_finder.find()
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_margins(margin, margin, margin)
    pdf.set_auto_page_break(True, margin)
    pdf.set_title(title)
    pdf.set_creator("微心愿平台")
    pdf.add_font("cjk", fname=found.main.path, collection_font_number=found.main.index)
    names = []
    for n, extra in enumerate(found.fallbacks):
        names.append(f"fallback{n}")
        pdf.add_font(names[-1], fname=extra.path, collection_font_number=extra.index)
    pdf.set_fallback_fonts(names)
    pdf.add_page()
    return pdf


def heading(pdf: FPDF, title: str, subtitle: str | None = None) -> None:
    pdf.set_font("cjk", size=20)
    pdf.multi_cell(pdf.epw, 12, title, align="C", new_x="LMARGIN", new_y="NEXT")
    if subtitle:
        pdf.set_font("cjk", size=12)
        pdf.cell(pdf.epw, 9, subtitle, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)


def paragraph(pdf: FPDF, text: str, size: int = 13, indent: bool = True) -> None:
    pdf.set_font("cjk", size=size)
    pdf.multi_cell(pdf.epw, 8, ("\u3000\u3000" if indent else "") + text,
                   new_x="LMARGIN", new_y="NEXT")


def table(pdf: FPDF, headers: list[str], rows: list[list[str]], widths: tuple) -> None:
    pdf.set_font("cjk", size=10)
    with pdf.table(col_widths=widths, text_align="LEFT", line_height=7,
                   first_row_as_headings=True, headings_style=_HEADINGS) as grid:
        for cells in [headers, *rows]:
            row = grid.row()
            for cell in cells:
                row.cell(cell)


def signature(pdf: FPDF, issuer: str, dated: str) -> None:
    pdf.ln(14)
    pdf.set_font("cjk", size=13)
    pdf.cell(pdf.epw, 9, issuer, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(pdf.epw, 9, dated, align="R", new_x="LMARGIN", new_y="NEXT")
