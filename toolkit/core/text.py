"""Text made safe for where it goes: spreadsheet cells (no formulas), stored values (no control characters), Markdown."""

from __future__ import annotations

import math
import re

# Spreadsheets run a cell that starts with one of these as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Characters that an .xlsx cell (XML 1.0) or a PostgreSQL text value cannot hold.
CONTROL_CHARS = r"[\x00-\x08\x0b\x0c\x0e-\x1f]"
CONTROL = re.compile(CONTROL_CHARS)


def neutralise(text: str) -> str:
    """Make text safe in a spreadsheet cell by prefixing an apostrophe; reversed exactly by `restore`."""
    if text and (
        text[0] in FORMULA_TRIGGERS or (text[0] == "'" and len(text) > 1 and text[1] in (*FORMULA_TRIGGERS, "'"))
    ):
        return "'" + text
    return text


def restore(text: str) -> str:
    """Undo `neutralise` (a cell read back from an exported file)."""
    if len(text) > 1 and text[0] == "'" and text[1] in (*FORMULA_TRIGGERS, "'"):
        return text[1:]
    return text


def md_text(text: object) -> str:
    """Text safe in Markdown: no raw HTML, no live link or image (a name typed as [x](url)), no accidental table breaks."""
    out = str(text).replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
    return out.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def md_cell(value: object) -> str:
    """A Markdown table cell: as md_text, on one line, with the column bar escaped; a missing value is empty."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return md_text(value).replace("|", "\\|").replace("\r", " ").replace("\n", " ")
