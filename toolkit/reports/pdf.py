"""A report as an A4 PDF (reportlab): a contents list with page numbers, headings in the outline, page numbers on
every page, the demo notice on every page when it applies."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Frame,
    Image,
    KeepTogether,
    ListFlowable,
    ListItem,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Paragraph as P
from reportlab.platypus import Table as T
from reportlab.platypus.tableofcontents import TableOfContents

from toolkit.reports.blocks import DEMO_HEADER, Bullets, Figure, Paragraph, Report, Table

# Image streams are written as binary, not ASCII85 text: reportlab's pure-Python encoder took about a third of the
# time of a report.
rl_config.useA85 = 0
MM = 2.8346  # points per millimetre
MARGIN = 16 * MM
# Characters the PDF's built-in Helvetica cannot draw, and plain stand-ins.
_PDF_CHARS = str.maketrans({"→": "->", "≥": ">=", "≤": "<=", "−": "-", "•": "-", "✓": "yes", "✗": "no"})


def _pdf_styles():
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
    st = _pdf_styles()
    buf = io.BytesIO()

    class Doc(BaseDocTemplate):
        def afterFlowable(self, flowable):
            if isinstance(flowable, _Heading):
                self.canv.bookmarkPage(flowable.key)
                self.canv.addOutlineEntry(flowable.getPlainText(), flowable.key, level=flowable.level - 1)
                self.notify("TOCEntry", (flowable.level - 1, flowable.getPlainText(), self.page, flowable.key))

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
    if len(report.sections) > 2:  # a contents list (page numbers filled on the second pass of multiBuild)
        contents = TableOfContents()
        contents.levelStyles = [
            ParagraphStyle("toc1", parent=st["body"], fontSize=9.5, leading=12, leftIndent=0),
            ParagraphStyle("toc2", parent=st["body"], fontSize=8.5, leading=11, leftIndent=12),
        ]
        story += [P("Contents", st["h2"]), contents, Spacer(1, 6)]
    for k, sec in enumerate(report.sections):
        head = _Heading(_p(sec.heading), st["h1" if sec.level == 1 else "h2"], f"s{k}", sec.level)
        first, *rest = [_pdf_block(b, st, width) for b in sec.blocks] or [Spacer(1, 1)]
        if isinstance(first, _Group):  # a heading stays with the start of its section
            first, rest = first[0], [_Group(first[1:]), *rest]
        # Nested KeepTogethers always break the page in reportlab, so the inner one's content is lifted out.
        keep = [head, *(_inside(first) if isinstance(first, KeepTogether) else [first])]
        if isinstance(sec.blocks[0], Paragraph) and rest:  # a lead paragraph is kept with what it introduces
            second = rest.pop(0)
            if isinstance(second, _Group):  # a long table splits across pages by itself
                rest.insert(0, second)
            else:
                keep += _inside(second) if isinstance(second, KeepTogether) else [second]
        story += [CondPageBreak(150), KeepTogether(keep)]  # no heading stranded at the foot of a page
        story += _flatten(rest)
    _build(doc, story)
    return buf.getvalue()


class _DraftCanvas(Canvas):
    """A canvas that lays pages out but draws no image: the passes that only count pages for the contents list."""

    def drawImage(self, *args, **kwargs):
        return (0, 0)

    def drawInlineImage(self, *args, **kwargs):
        return (0, 0)


def _build(doc: BaseDocTemplate, story: list) -> None:
    """Lay the report out until the contents list's page numbers settle, drawing no image, then once for real.

    reportlab's own multiBuild draws (and compresses) every figure on every pass; the layout does not depend on
    the pixels, so only the last pass needs them.
    """
    indexing = [f for f in story if f.isIndexing()]
    if indexing:
        edits: list[tuple] = []  # what a pass changed on the flowables (postponed, kept with next), undone after it
        doc._indexingFlowables = indexing  # pyright: ignore[reportAttributeAccessIssue]  # what _allSatisfied reads
        doc._multiBuildEdits = edits.append  # pyright: ignore[reportAttributeAccessIssue]
        for _ in range(6):
            for fl in indexing:
                fl.beforeBuild()
            doc._doSave = 0  # pyright: ignore[reportAttributeAccessIssue]  # a draft is never written out
            doc.build(story[:], canvasmaker=_DraftCanvas)
            for fl in indexing:
                fl.afterBuild()
            while edits:
                fn, *args = edits.pop(0)
                fn(*args)
            if doc._allSatisfied():  # pyright: ignore[reportAttributeAccessIssue]
                break
        for fl in indexing:
            fl.beforeBuild()
        doc._doSave = 1  # pyright: ignore[reportAttributeAccessIssue]
    doc.build(story[:])
    if indexing:
        del doc._multiBuildEdits  # pyright: ignore[reportAttributeAccessIssue]


def _pdf_block(b, st: dict, width: float):
    if isinstance(b, Paragraph):
        return P(_p(b.text), st.get(b.style, st["body"]))
    if isinstance(b, Bullets):
        return ListFlowable(
            [ListItem(P(_p(x), st["body"]), leftIndent=12) for x in b.items],  # pyright: ignore[reportArgumentType]  # the stubs leave out ListItem
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


class _Heading(P):
    """A section heading, entered in the PDF's outline (its bookmarks) under its key and level."""

    def __init__(self, text: str, style: ParagraphStyle, key: str, level: int) -> None:
        super().__init__(text, style)
        self.key, self.level = key, level


def _inside(keep: KeepTogether) -> list:
    """The flowables a KeepTogether holds."""
    return list(keep._content)  # pyright: ignore[reportAttributeAccessIssue]  # the stubs leave out _content


class _Group(list):
    """Several flowables that may break across pages (a long table)."""


def _flatten(story: list) -> list:
    out = []
    for x in story:
        out += x if isinstance(x, _Group) else [x]
    return out
