"""Reports rendered to PDF (reportlab), Word .docx (python-docx) and Markdown, from one Report structure."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from toolkit.core.text import md_cell, md_text
from toolkit.reports.content import Bullets, Figure, Paragraph, Report, Table, build_report

__all__ = [
    "FORMATS",
    "Report",
    "build_report",
    "render",
    "render_docx",
    "render_markdown",
    "render_pdf",
    "write_report",
]

FORMATS = ("pdf", "docx", "md")
MIME = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "application/zip",
}
DEMO_HEADER = "SYNTHETIC DEMO DATA: a fictional partnership; no real people or ratings."
MM = 2.8346  # points per millimetre
MARGIN = 16 * MM
# Characters the PDF's built-in Helvetica cannot draw, and plain stand-ins.
_PDF_CHARS = str.maketrans({"→": "->", "≥": ">=", "≤": "<=", "−": "-", "•": "-", "✓": "yes", "✗": "no"})


def slug(text: str) -> str:
    """A file-name-safe version of a name."""
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_") or "report"


# ---- PDF ------------------------------------------------------------------------------------------------


def _pdf_styles():
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet

    ss = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("t", parent=ss["Title"], fontSize=20, leading=24, alignment=0),
        "subtitle": ParagraphStyle("st", parent=ss["Normal"], fontSize=10, textColor=colors.HexColor("#444444")),
        "h1": ParagraphStyle("h1", parent=ss["Heading1"], fontSize=15, leading=19, spaceBefore=10, spaceAfter=6),
        "h2": ParagraphStyle("h2", parent=ss["Heading2"], fontSize=12, leading=15),
        "body": ParagraphStyle("b", parent=ss["BodyText"], fontSize=9.5, leading=13),
        "note": ParagraphStyle(
            "n", parent=ss["BodyText"], fontSize=8.5, leading=11, textColor=colors.HexColor("#444444")
        ),
        "callout": ParagraphStyle(
            "c",
            parent=ss["BodyText"],
            fontSize=10.5,
            leading=14,
            backColor=colors.HexColor("#FFF4D6"),
            borderColor=colors.HexColor("#E69F00"),
            borderWidth=1,
            borderPadding=6,
            spaceBefore=6,
            spaceAfter=10,
        ),
        "cell": ParagraphStyle("cell", parent=ss["BodyText"], fontSize=8, leading=10),
        "head": ParagraphStyle("head", parent=ss["BodyText"], fontSize=8, leading=10, fontName="Helvetica-Bold"),
        "caption": ParagraphStyle("cap", parent=ss["Italic"], fontSize=8.5, leading=11),
    }


def _p(text: str) -> str:
    return escape(str(text).translate(_PDF_CHARS)).replace("\n", "<br/>")


def render_pdf(report: Report) -> bytes:
    """The report as an A4 PDF with headings in its outline, the demo notice on every page when it applies."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.platypus import BaseDocTemplate, CondPageBreak, Frame, KeepTogether, PageTemplate, Spacer
    from reportlab.platypus import Paragraph as P

    st = _pdf_styles()
    buf = io.BytesIO()

    class Doc(BaseDocTemplate):
        def afterFlowable(self, flowable):
            key = getattr(flowable, "_outline", None)
            if key:
                self.canv.bookmarkPage(key)
                self.canv.addOutlineEntry(flowable.getPlainText(), key, level=flowable._outline_level - 1)

    def page(canvas, d):
        pw, ph = canvas._pagesize
        canvas.saveState()
        canvas.setFont("Helvetica", 7.5)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawString(MARGIN, 8 * MM, f"{report.area} · {report.cycle}".translate(_PDF_CHARS))
        canvas.drawRightString(pw - MARGIN, 8 * MM, f"Page {d.page}")
        if report.notice:
            canvas.setFillColor(colors.HexColor("#8A5A00"))
            canvas.drawString(MARGIN, ph - 10 * MM, DEMO_HEADER)
        canvas.restoreState()

    def frame(size) -> Frame:
        return Frame(MARGIN, 16 * MM, size[0] - 2 * MARGIN, size[1] - 34 * MM, id="body")

    doc = Doc(buf, pagesize=A4, title=report.title, author="Safeguarding Partnership Toolkit", subject=report.subtitle)
    doc.addPageTemplates(
        [
            PageTemplate("portrait", [frame(A4)], onPage=page, pagesize=A4),
            PageTemplate("landscape", [frame(landscape(A4))], onPage=page, pagesize=landscape(A4)),
        ]
    )
    width = A4[0] - 2 * MARGIN - 12  # the frame pads 6 pt on each side
    story: list = [P(_p(report.title), st["title"]), P(_p(report.subtitle), st["subtitle"]), Spacer(1, 8)]
    if report.notice:
        story.append(P(_p(report.notice), st["callout"]))
    for k, sec in enumerate(report.sections):
        head = P(_p(sec.heading), st["h1" if sec.level == 1 else "h2"])
        head._outline, head._outline_level = f"s{k}", sec.level
        first, *rest = [_pdf_block(b, st, width) for b in sec.blocks] or [Spacer(1, 1)]
        if isinstance(first, _Group):  # a heading stays with the start of its section
            first, rest = first[0], [_Group(first[1:]), *rest]
        # Nested KeepTogethers always break the page in reportlab, so the inner one's content is lifted out.
        keep = [head, *(first._content if isinstance(first, KeepTogether) else [first])]
        if isinstance(sec.blocks[0], Paragraph) and rest:  # a lead paragraph is kept with what it introduces
            second = rest.pop(0)
            if isinstance(second, _Group):  # a long table splits across pages by itself
                rest.insert(0, second)
            else:
                keep += second._content if isinstance(second, KeepTogether) else [second]
        story += [CondPageBreak(150), KeepTogether(keep)]  # no heading stranded at the foot of a page
        story += _flatten(rest)
    doc.build(story)
    return buf.getvalue()


def _pdf_block(b, st: dict, width: float):
    from reportlab.lib import colors
    from reportlab.platypus import Image, KeepTogether, ListFlowable, ListItem, Spacer, TableStyle
    from reportlab.platypus import Paragraph as P
    from reportlab.platypus import Table as T

    if isinstance(b, Paragraph):
        return P(_p(b.text), st.get(b.style, st["body"]))
    if isinstance(b, Bullets):
        return ListFlowable(
            [ListItem(P(_p(x), st["body"]), leftIndent=12) for x in b.items],
            bulletType="bullet",
            start="•",
            leftIndent=12,
            bulletFontSize=8,
        )
    if isinstance(b, Table):
        rel = b.widths or [1] * len(b.columns)
        cols = [width * w / sum(rel) for w in rel]
        data = [[P(_p(c), st["head"]) for c in b.columns]] + [[P(_p(c), st["cell"]) for c in r] for r in b.rows]
        t = T(data, colWidths=cols, repeatRows=1)
        t.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDE7F0")),
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#F5F5F5")]),
                    ("TOPPADDING", (0, 0), (-1, -1), 2),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ]
            )
        )
        parts = [Spacer(1, 4), t]
        if b.caption:
            parts.append(P(_p(b.caption), st["note"]))
        parts.append(Spacer(1, 6))
        return KeepTogether(parts) if len(b.rows) < 8 else _Group(parts)
    if isinstance(b, Figure):
        from reportlab.lib.pagesizes import A4, landscape
        from reportlab.platypus import NextPageTemplate, PageBreak

        size = landscape(A4) if b.landscape else A4
        max_w, max_h = size[0] - 2 * MARGIN - 12, size[1] - 34 * MM - 60
        w = min(max_w, b.width / b.scale * 0.75)  # 0.75 pt per CSS pixel
        h = w * b.height / b.width
        if h > max_h:  # keep a tall figure on one page
            h, w = max_h, max_h * b.width / b.height
        img = Image(io.BytesIO(b.png), width=w, height=h)
        img.hAlign = "CENTER" if b.landscape else "LEFT"
        parts = [Spacer(1, 4), img, P(_p(b.caption), st["caption"]), Spacer(1, 8)]
        if b.landscape:  # a page of its own, turned sideways
            return _Group(
                [NextPageTemplate("landscape"), PageBreak(), *parts[:3], NextPageTemplate("portrait"), PageBreak()]
            )
        return KeepTogether(parts)
    raise TypeError(f"unknown block {type(b).__name__}")


class _Group(list):
    """Several flowables that may break across pages (a long table)."""


def _flatten(story: list) -> list:
    out = []
    for x in story:
        out += x if isinstance(x, _Group) else [x]
    return out


# ---- DOCX -----------------------------------------------------------------------------------------------


def render_docx(report: Report) -> bytes:
    """The report as a Word document: real headings, editable tables, figures with alt text."""
    from docx import Document
    from docx.shared import Inches, Mm, Pt, RGBColor

    doc = Document()
    doc.core_properties.title = report.title
    doc.core_properties.author = "Safeguarding Partnership Toolkit"
    doc.core_properties.subject = report.subtitle
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10.5)
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)  # A4
    sec.left_margin = sec.right_margin = Inches(0.8)
    usable = sec.page_width - sec.left_margin - sec.right_margin
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
    for s in report.sections:
        doc.add_heading(s.heading, level=s.level)
        for b in s.blocks:
            _docx_block(doc, b, usable)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _docx_callout(doc, text: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

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
    from docx.shared import Pt, RGBColor

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
        if b.landscape:  # a section of its own, turned sideways
            from docx.enum.section import WD_ORIENT, WD_SECTION

            pw, ph = doc.sections[-1].page_width, doc.sections[-1].page_height  # values: the object moves on
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
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    trpr = row._tr.get_or_add_trPr()
    e = OxmlElement("w:tblHeader")
    e.set(qn("w:val"), "true")
    trpr.append(e)


# ---- Markdown -------------------------------------------------------------------------------------------


def render_markdown(report: Report, figures_dir: str | None = None) -> tuple[str, dict[str, bytes]]:
    """The report as Markdown and its figures as {relative path: PNG}; without figures_dir they are left out, alt text kept."""
    lines = [f"# {md_text(report.title)}", "", f"*{md_text(report.subtitle)}*", ""]
    if report.notice:
        lines += [f"> **{md_text(report.notice)}**", ""]
    files: dict[str, bytes] = {}
    for s in report.sections:
        lines += [f"{'#' * (s.level + 1)} {md_text(s.heading)}", ""]
        for b in s.blocks:
            if isinstance(b, Paragraph):
                text = md_text(b.text)
                lines += [f"> {text}" if b.style == "callout" else f"*{text}*" if b.style == "note" else text, ""]
            elif isinstance(b, Bullets):
                lines += [f"- {md_text(x)}" for x in b.items] + [""]
            elif isinstance(b, Table):
                lines += [
                    "| " + " | ".join(md_cell(c) for c in b.columns) + " |",
                    "|" + "|".join("---" for _ in b.columns) + "|",
                ]
                lines += ["| " + " | ".join(md_cell(c) for c in r) + " |" for r in b.rows]
                lines += ["", f"*{md_text(b.caption)}*", ""] if b.caption else [""]
            elif isinstance(b, Figure):
                if figures_dir is not None:
                    rel = f"{figures_dir}/{b.name}.png"
                    files[rel] = b.png
                    lines += [f"![{md_cell(b.alt)}]({rel.replace(' ', '%20')})", "", f"*{md_text(b.caption)}*", ""]
                else:
                    lines += [f"*Figure left out: {md_text(b.caption)} {md_text(b.alt)}*", ""]
    return "\n".join(lines).rstrip() + "\n", files


# ---- files ----------------------------------------------------------------------------------------------


def render(report: Report, fmt: str) -> bytes:
    """The report as one file's bytes: PDF, DOCX, or for Markdown a zip of report.md and its figures."""
    if fmt == "pdf":
        return render_pdf(report)
    if fmt == "docx":
        return render_docx(report)
    if fmt == "md":
        text, files = render_markdown(report, "figures")
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr(f"{slug(report.area)}_{slug(report.cycle)}.md", text)
            for name, data in files.items():
                z.writestr(name, data)
        return buf.getvalue()
    raise ValueError(f"unknown report format {fmt!r}; use one of {', '.join(FORMATS)}")


def write_report(report: Report, fmt: str, path: Path) -> list[Path]:
    """Write the report; Markdown puts its figures in a sibling folder FILE_figures/. Returns the files written."""
    path = Path(path)
    if fmt == "md":
        folder = f"{path.stem}_figures"
        text, files = render_markdown(report, folder)
        written = [path]
        (path.parent / folder).mkdir(exist_ok=True)
        for rel, data in files.items():
            (path.parent / rel).write_bytes(data)
            written.append(path.parent / rel)
        path.write_text(text, encoding="utf-8")
        return written
    data = render(report, fmt)
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)
    return [path]
