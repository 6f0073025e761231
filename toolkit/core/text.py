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


# Markdown's inline punctuation (emphasis, code, links, images, tables, strikethrough, maths) and the backslash.
_MD_INLINE = re.compile(r"([\\`*_\[\]|~$])")
# What starts a block at the start of a line: a heading, a list, a quote, a rule, a setext underline, a table.
_MD_LINE_START = re.compile(r"^([#+\-=]|\d{1,9}[.)])")  # (a > at the start is an entity: see below)
# Streamlit's directives (:red[...], :material/icon:) and emoji short codes: a colon before a letter.
_MD_DIRECTIVE = re.compile(r":(?=[A-Za-z])")
# Bare URLs and addresses that GitHub and Streamlit would link even after escaping (they look at the text after
# escapes are resolved): an invisible word joiner, U+2060, breaks the pattern and shows nothing.
_AUTOLINK = re.compile(r"(?i)(?<=www)(?=\.)|(?=://)|(?=@)")
WORD_JOINER = "\u2060"


def md_text(text: object) -> str:
    """Text shown as typed wherever Markdown renders it (pages, captions, labels, the Markdown report): on one line,
    with no heading, list, quote, link, image, autolink, raw HTML, formatting, maths or Streamlit directive.

    The one escape for a person's or a framework file's text: line breaks become spaces, Markdown punctuation is
    backslash-escaped, <, > and & become entities, and bare URLs and e-mail addresses get an invisible break.
    None is empty.
    """
    out = " ".join(("" if text is None else str(text)).split())
    out = _MD_INLINE.sub(r"\\\1", out)
    out = _MD_LINE_START.sub(lambda m: m[0][:-1] + "\\" + m[0][-1] if m[0][0].isdigit() else "\\" + m[0], out)
    out = _MD_DIRECTIVE.sub(r"\\:", out)
    out = out.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _AUTOLINK.sub(WORD_JOINER, out)


def md_cell(value: object) -> str:
    """A Markdown table cell: as md_text, on one line, with the column bar escaped; a missing value is empty."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return md_text(value)  # one line, the column bar escaped
