"""A report as a Word document (python-docx): a contents list, real headings, page numbers in the footer, editable
tables, figures with alt text."""

from __future__ import annotations

import io
from typing import cast

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Mm, Pt, RGBColor
from docx.styles.style import ParagraphStyle

from toolkit.reports.blocks import DEMO_HEADER, Bullets, Figure, Paragraph, Report, Table


def render_docx(report: Report) -> bytes:
    """The report as a Word document: real headings, editable tables, figures with alt text."""
    doc = Document()
    doc.core_properties.title = report.title
    doc.core_properties.author = "Safeguarding Partnership Toolkit"
    doc.core_properties.subject = report.subtitle
    normal = cast(ParagraphStyle, doc.styles["Normal"])
    normal.font.name = "Calibri"
    normal.font.size = Pt(10.5)
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)  # A4
    margin = Inches(0.8)
    sec.left_margin = sec.right_margin = margin
    usable = Mm(210) - 2 * margin
    if report.notice:
        hp = sec.header.paragraphs[0]
        run = hp.add_run(DEMO_HEADER)
        run.font.size = Pt(8)
        run.font.color.rgb = RGBColor(0x8A, 0x5A, 0x00)
    doc.add_heading(report.title, level=0)
    sub = doc.add_paragraph(report.subtitle)
    sub.runs[0].italic = True
    if report.notice:
        _docx_callout(doc, report.notice)
    _page_numbers(sec)
    if len(report.sections) > 2:
        _contents(doc, report)
    for s in report.sections:
        doc.add_heading(s.heading, level=s.level)
        for b in s.blocks:
            _docx_block(doc, b, usable)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _field_run(p, instruction: str, shown: str) -> None:
    """A Word field (PAGE, TOC...) in a paragraph, showing `shown` until Word updates it."""
    for kind, text in (("begin", None), ("instr", instruction), ("separate", None), ("text", shown), ("end", None)):
        run = p.add_run()
        if kind == "instr":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        elif kind == "text":
            run.text = text or ""
            continue
        else:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        run._r.append(el)


def _page_numbers(sec) -> None:
    """'Page N' at the foot of every page (a PAGE field, which every word processor fills in)."""
    p = sec.footer.paragraphs[0]
    p.alignment = 2  # right
    run = p.add_run("Page ")
    run.font.size = Pt(8)
    _field_run(p, "PAGE", "1")


def _contents(doc, report: Report) -> None:
    """A contents list: the section headings as a Word table-of-contents field (Word adds the page numbers when it
    updates fields on opening; until then, and in readers that do not, the headings are listed)."""
    title = doc.add_paragraph()
    r = title.add_run("Contents")
    r.bold = True
    r.font.size = Pt(12)
    heads = [s.heading for s in report.sections if s.level == 1]
    p = doc.add_paragraph()
    _field_run(p, 'TOC \\o "1-2" \\h \\z \\u', "; ".join(heads))
    settings = doc.settings.element
    upd = OxmlElement("w:updateFields")
    upd.set(qn("w:val"), "true")
    settings.append(upd)


def _docx_callout(doc, text: str) -> None:
    p = doc.add_paragraph()
    run = p.add_run(text)
    run.bold = True
    run.font.size = Pt(11)
    ppr = p._p.get_or_add_pPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:fill"), "FFF4D6")
    ppr.append(shd)
    borders = OxmlElement("w:pBdr")
    for side in ("top", "left", "bottom", "right"):
        e = OxmlElement(f"w:{side}")
        for k, v in (("val", "single"), ("sz", "8"), ("space", "4"), ("color", "E69F00")):
            e.set(qn(f"w:{k}"), v)
        borders.append(e)
    ppr.append(borders)


def _docx_block(doc, b, usable) -> None:
    if isinstance(b, Paragraph):
        if b.style == "callout":
            _docx_callout(doc, b.text)
            return
        p = doc.add_paragraph(b.text)
        if b.style == "note":
            for r in p.runs:
                r.font.size = Pt(9)
                r.font.color.rgb = RGBColor(0x44, 0x44, 0x44)
    elif isinstance(b, Bullets):
        for x in b.items:
            doc.add_paragraph(x, style="List Bullet")
    elif isinstance(b, Table):
        t = doc.add_table(rows=1, cols=len(b.columns))
        t.style = "Table Grid"
        t.autofit = False
        rel = b.widths or [1] * len(b.columns)
        widths = [int(usable * w / sum(rel)) for w in rel]
        for col, w in zip(t.columns, widths, strict=True):  # the grid is what LibreOffice and Word lay out by
            col.width = w
        for cell, text, w in zip(t.rows[0].cells, b.columns, widths, strict=True):
            cell.text = ""
            run = cell.paragraphs[0].add_run(text)
            run.bold = True
            cell.width = w
        _repeat_header(t.rows[0])
        for r in b.rows:
            cells = t.add_row().cells
            for cell, text, w in zip(cells, r, widths, strict=True):
                cell.text = str(text)
                cell.width = w
        for row in t.rows:
            for cell in row.cells:
                for p in cell.paragraphs:
                    for run in p.runs:
                        run.font.size = Pt(9)
        if b.caption:
            cap = doc.add_paragraph(b.caption)
            cap.runs[0].italic = True
            cap.runs[0].font.size = Pt(9)
        else:
            doc.add_paragraph()
    elif isinstance(b, Figure):
        w = min(usable, int(b.width / b.scale / 96 * 914400))  # 914400 EMU per inch
        pw, ph = doc.sections[-1].page_width, doc.sections[-1].page_height  # values: the object moves on
        if b.landscape:  # a section of its own, turned sideways
            side = doc.add_section(WD_SECTION.NEW_PAGE)
            side.orientation = WD_ORIENT.LANDSCAPE
            side.page_width, side.page_height = ph, pw
            room_w = side.page_width - side.left_margin - side.right_margin
            room_h = side.page_height - side.top_margin - side.bottom_margin - 914400 // 2
            w = int(min(room_w, room_h * b.width / b.height))
        pic = doc.add_picture(io.BytesIO(b.png), width=w)
        pic._inline.docPr.set("descr", b.alt)
        pic._inline.docPr.set("title", b.caption)
        cap = doc.add_paragraph(b.caption)
        cap.runs[0].italic = True
        if b.landscape:
            back = doc.add_section(WD_SECTION.NEW_PAGE)
            back.orientation = WD_ORIENT.PORTRAIT
            back.page_width, back.page_height = pw, ph
    else:
        raise TypeError(f"unknown block {type(b).__name__}")


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    e = OxmlElement("w:tblHeader")
    e.set(qn("w:val"), "true")
    trpr.append(e)
