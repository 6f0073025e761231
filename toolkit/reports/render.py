"""A report to a file in any of its formats: PDF, Word, or Markdown (zipped with its figures for a download)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from toolkit.reports.blocks import Report
from toolkit.reports.errors import REPORT_A_FAULT, ReportError
from toolkit.reports.markdown import render_markdown
from toolkit.reports.pdf import render_pdf
from toolkit.reports.word import render_docx

FORMATS = ("pdf", "docx", "md")
MIME = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "application/zip",
}


def slug(text: str) -> str:
    """A file-name-safe version of a name."""
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_") or "report"


def render(report: Report, fmt: str) -> bytes:
    """The report as one file's bytes: PDF, DOCX, or for Markdown a zip of report.md and its figures.

    A renderer that fails (a table reportlab cannot lay out, say) raises ReportError naming the format and why.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r}; use one of {', '.join(FORMATS)}")
    try:
        return _render(report, fmt)
    except ReportError:
        raise
    except Exception as exc:  # a renderer's own fault, whatever its type: said in words, with its cause kept
        why = " ".join(str(exc).split())[:200]
        raise ReportError(
            f"the {fmt.upper()} file could not be laid out ({type(exc).__name__}: {why}). {REPORT_A_FAULT}"
        ) from exc


def _render(report: Report, fmt: str) -> bytes:
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
