"""A report's structure: sections of paragraphs, bullets, tables and figures, ready for any renderer."""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass, field

import altair as alt
import pandas as pd
import vl_convert as vlc

from toolkit.reports.errors import REPORT_A_FAULT, ReportError

DEMO_HEADER = "SYNTHETIC DEMO DATA: a fictional partnership; no real people or ratings."

Progress = Callable[[float, str], object]  # what it returns is ignored (a Streamlit bar returns itself)


@dataclass
class Paragraph:
    """A paragraph of plain text; style is body, note (small print) or callout (boxed)."""

    text: str
    style: str = "body"


@dataclass
class Bullets:
    """A bulleted list."""

    items: list[str]


@dataclass
class Table:
    """An editable table: column headings and rows of text, with a caption."""

    columns: list[str]
    rows: list[list[str]]
    caption: str = ""
    widths: list[float] | None = None  # relative column widths


@dataclass
class Figure:
    """A chart rendered to PNG, with alternative text for readers who cannot see it."""

    name: str
    png: bytes
    alt: str
    caption: str
    width: int
    height: int
    scale: float = 1.5  # pixels per CSS pixel of the chart
    landscape: bool = False  # a page of its own, turned sideways


Block = Paragraph | Bullets | Table | Figure


@dataclass
class Section:
    """A headed section of the report."""

    heading: str
    blocks: list[Block] = field(default_factory=list)
    level: int = 1


@dataclass
class Report:
    """A whole report, ready for any renderer."""

    title: str
    subtitle: str
    notice: str | None
    sections: list[Section]
    area: str
    cycle: str
    generated: str
    timings: dict[str, float] = field(default_factory=dict)

    def figures(self) -> list[Figure]:
        """Every figure, in order."""
        return [b for s in self.sections for b in s.blocks if isinstance(b, Figure)]

    def plain_text(self) -> str:
        """The report's words (headings, paragraphs, lists, tables, alt text), for searching and tests."""
        out = [self.title, self.subtitle, self.notice or ""]
        for s in self.sections:
            out.append(s.heading)
            for b in s.blocks:
                if isinstance(b, Paragraph):
                    out.append(b.text)
                elif isinstance(b, Bullets):
                    out += b.items
                elif isinstance(b, Table):
                    out += [b.caption, " | ".join(b.columns), *(" | ".join(r) for r in b.rows)]
                else:
                    out += [b.caption, b.alt]
        return "\n".join(out)


def chart_png(chart: alt.TopLevelMixin, scale: float = 1.5, name: str = "chart") -> tuple[bytes, int, int]:
    """An Altair chart as PNG bytes with its pixel size, rendered without a browser (vl-convert).

    Raises ReportError naming the chart when vl-convert cannot draw it (its own message is one line of Rust).
    """
    try:
        png = vlc.vegalite_to_png(chart.to_dict(), scale=scale)
    except ValueError as exc:
        why = " ".join(str(exc).split())[:200]
        raise ReportError(f"the figure {name!r} could not be drawn ({why}). {REPORT_A_FAULT}") from exc
    width, height = struct.unpack(">II", png[16:24])
    return png, width, height


def figure(
    name: str, chart: alt.TopLevelMixin, alt: str, caption: str, scale: float = 1.5, landscape: bool = False
) -> Figure:
    png, w, h = chart_png(chart, scale, name)
    return Figure(name, png, alt, caption, w, h, scale, landscape)


def report_tables(report: Report) -> dict[str, pd.DataFrame]:
    """Every table of a built report, by a short name (section and number), for CSV or XLSX."""
    out: dict[str, pd.DataFrame] = {}
    for s in report.sections:
        tables = [b for b in s.blocks if isinstance(b, Table)]
        for k, t in enumerate(tables, 1):
            name = s.heading if len(tables) == 1 else f"{s.heading} {k}"
            out[name] = pd.DataFrame(t.rows, columns=t.columns)
    return out
