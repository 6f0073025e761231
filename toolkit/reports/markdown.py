"""A report as Markdown, every piece of text escaped once (core/text.py), figures as files beside it."""

from __future__ import annotations

from toolkit.core.text import md_cell, md_text
from toolkit.reports.blocks import Bullets, Figure, Paragraph, Report, Table


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
