"""The one check of a rating (framework, item, score, agency, level, comment), for every way ratings come in."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import cast

import pandas as pd

from toolkit.core import ids
from toolkit.core.frameworks import Catalogue
from toolkit.core.text import CONTROL_CHARS

MAX_COMMENT = 4000
CONTROL = re.compile(CONTROL_CHARS)  # the characters no comment or name may hold (a tab or line break is fine)
COLUMNS = ["area", "cycle", "respondent", "agency", "level", "framework", "item", "score", "comment"]
TEXT_COLUMNS = ["area", "cycle", "respondent", "comment"]
MAX_LENGTH = {"area": 200, "cycle": 100, "respondent": 100, "comment": MAX_COMMENT}
# Why a value is refused, the same words wherever it comes from (a table row, a form, a bundle record).
BLANK = "is blank; every row needs one"
HAS_CONTROL = "contains a control character (not a tab or line break); remove it"
NOT_A_STAMP = "is not a date and time; write it as ISO 8601, e.g. 2026-04-01T09:30:00"
SHOWN = 60  # characters of a value quoted in a message


NAME_COLUMNS = ("area", "cycle", "respondent")
ID_COLUMNS = ("agency", "level", "framework", "item")
# Bidirectional controls: they reorder what is shown, so "Ashby" can be made to read as another name.
BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def nfc(text: str) -> str:
    """Text in Unicode normal form NFC: "Zoë" typed as e and a combining diaeresis is the same name as "Zoë"."""
    return unicodedata.normalize("NFC", text)


def char_problem(text: str) -> str | None:
    """Why a name or id cannot hold one of its characters (a control character, a line break or tab, an invisible
    zero-width or format character, a bidirectional control, a lone surrogate), or None: the reason names it."""
    for ch in text:
        kind = unicodedata.category(ch)
        if ch in BIDI or kind in ("Cc", "Cf", "Cs", "Zl", "Zp"):
            name = unicodedata.name(ch, "")
            code = f"U+{ord(ch):04X}" + (f" {name}" if name else "")
            if ch in BIDI:
                return f"contains a bidirectional control ({code}) that changes the order text is shown in; remove it"
            if ch in "\t\n\r" or kind in ("Zl", "Zp"):
                return f"contains a line break or tab ({code}); a name or id is one line of text"
            if kind == "Cf":
                return f"contains an invisible character ({code}) that makes names look alike; remove it"
            if kind == "Cs":
                return f"contains a lone surrogate ({code}), which is not text; fix the file's encoding"
            return f"contains a control character ({code}); remove it"
    return None


def shown(value: object) -> str:
    """A value as quoted in a message: its repr, cut to a readable length."""
    text = repr(value)
    return text if len(text) <= SHOWN else text[: SHOWN - 3] + "..."


class RatingInvalid(ValueError):
    """A rating that cannot be saved; `field` names the value at fault and the message says why."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class RowError:
    """One bad value of a table of ratings: the file's row number (the header is row 1), the column, value, why."""

    row: int
    column: str
    value: str
    reason: str
    sheet: str = ""  # a workbook's sheet, when the file has sheets

    def __str__(self) -> str:
        shown = self.value if len(self.value) <= 60 else self.value[:57] + "..."
        where = (f"sheet {self.sheet!r}, " if self.sheet else "") + (f"row {self.row}, " if self.row else "")
        return (
            f"{where}column {self.column or '-'}: {shown!r} {self.reason}" if self.column else f"{where}{self.reason}"
        )


@dataclass(frozen=True)
class Rules:
    """What a rating may hold, read once from the catalogue: agencies, levels, each rated framework's items and scale."""

    items: dict[str, frozenset[str]]
    scales: dict[str, tuple[int, int]]
    agencies: tuple[str, ...] = ids.AGENCIES
    levels: tuple[str, ...] = ids.LEVELS


@lru_cache(maxsize=8)
def rules(cat: Catalogue) -> Rules:
    """The rules of a catalogue's rated frameworks (cached: a catalogue does not change once loaded)."""
    rated = {fw.id: fw for fw in cat.rated}
    scales = {fid: (cat.scale(fid).min, cat.scale(fid).max) for fid in rated}
    return Rules({fid: frozenset(fw.item_index) for fid, fw in rated.items()}, scales)


def name_problem(column: str, value: object) -> str | None:
    """Why `value` cannot be stored as an area, cycle or respondent name, or None (the rules of check_table's columns
    of that name, for a value that arrives alone: a form, a bundle). The length is counted in NFC."""
    if not isinstance(value, str):
        return f"must be text, not {type(value).__name__}"
    if not value.strip():
        return "is blank"
    if len(nfc(value)) > MAX_LENGTH[column]:
        return f"is {len(nfc(value))} characters long; the limit is {MAX_LENGTH[column]}"
    return char_problem(value)


def check_name(column: str, value: object) -> str:
    """The name to store (NFC), or RatingInvalid naming the field, the value and the reason."""
    if why := name_problem(column, value):
        raise RatingInvalid(column, f"{column} {shown(value)} {why}")
    return nfc(cast("str", value))


def check_text(field: str, value: object) -> None:
    """Raise RatingInvalid unless `value` is text without control characters (any free text kept with a rating)."""
    if not isinstance(value, str):
        raise RatingInvalid(field, f"{field} {shown(value)} is not text")
    if CONTROL.search(value):
        raise RatingInvalid(field, f"{field} {shown(value)} {HAS_CONTROL}")


def check_stamp(field: str, value: object) -> None:
    """Raise RatingInvalid unless `value` is blank (None) or an ISO 8601 date and time."""
    if value is None:
        return
    try:
        if not isinstance(value, str):
            raise ValueError
        datetime.fromisoformat(value)
    except ValueError:
        raise RatingInvalid(field, f"{field} {shown(value)} {NOT_A_STAMP}") from None


def check_score(score: object, lo: int, hi: int, field: str = "score") -> None:
    """Raise RatingInvalid unless `score` is blank (don't know) or a whole number from lo to hi; true is not 1."""
    if score is not None and (isinstance(score, bool) or not isinstance(score, int)):  # True is an int to Python
        raise RatingInvalid(field, f"{field} {shown(score)} is not a whole number from {lo} to {hi} (or blank)")
    if score is not None and not lo <= score <= hi:
        raise RatingInvalid(field, f"{field} {shown(score)} is outside {lo}-{hi}")


def check_rating(
    framework: object, item: object, score: object, agency: object, level: object, comment: object, *, cat: Catalogue
) -> None:
    """Raise RatingInvalid (naming the field and the reason) unless the rating is one a person could have given."""
    r = rules(cat)
    if not isinstance(agency, str) or agency not in r.agencies:
        raise RatingInvalid("agency", f"unknown agency {agency!r}")
    if not isinstance(level, str) or level not in r.levels:
        raise RatingInvalid("level", f"unknown level {level!r}")
    known = r.items.get(framework) if isinstance(framework, str) else None
    if known is None or not isinstance(item, str) or item not in known:
        raise RatingInvalid("item", f"unknown statement {framework}/{item}")
    check_score(score, *r.scales[str(framework)])
    if not isinstance(comment, str):
        raise RatingInvalid("comment", f"a comment is text, not {type(comment).__name__}")
    if len(comment) > MAX_COMMENT:
        raise RatingInvalid("comment", f"comment is longer than {MAX_COMMENT} characters")
    if CONTROL.search(comment):
        raise RatingInvalid("comment", f"comment {HAS_CONTROL}")


def check_table(df: pd.DataFrame, cat: Catalogue) -> tuple[pd.DataFrame, list[RowError]]:
    """The same rules over a whole table in the ratings-file columns, at once; returns the typed table and every error.

    Also what only a table can get wrong: blank or over-long names, a rating given twice, a respondent whose agency
    or level differs between rows. Scores arrive as text and leave as a nullable integer column.
    """
    r = rules(cat)
    errors: list[RowError] = []
    df = df.copy()

    def col_(name: str) -> pd.Series:
        return cast("pd.Series", df[name])  # the stubs type df[name] as a frame or a series

    for col in COLUMNS:
        df[col] = col_(col).astype(str).str.strip() if col != "comment" else col_(col).astype(str)

    def flag(mask: pd.Series, column: str, reason: str | pd.Series) -> None:
        for row in df.index[mask]:
            why = reason if isinstance(reason, str) else reason[row]
            errors.append(RowError(int(row), column, str(df.at[row, column]), str(why)))

    # Names and ids in NFC; a character no name or id may hold is refused, naming it (once per distinct value).
    odd: dict[str, pd.Series] = {}
    for col in (*NAME_COLUMNS, *ID_COLUMNS):
        distinct = {v: nfc(v) for v in pd.unique(col_(col))}
        df[col] = col_(col).map(distinct)
        odd[col] = col_(col).map({v: char_problem(v) for v in distinct.values()})
        flag(odd[col].notna(), col, odd[col])
    plain = {col: odd[col].isna() for col in ID_COLUMNS}  # an id with such a character is not also "unknown"
    for col in NAME_COLUMNS:
        flag(col_(col) == "", col, BLANK)
    for col, limit in MAX_LENGTH.items():
        flag(col_(col).str.len() > limit, col, f"is longer than {limit} characters")
    flag(col_("comment").str.contains(CONTROL_CHARS), "comment", HAS_CONTROL)
    agencies, levels = ", ".join(r.agencies), ", ".join(r.levels)
    flag(plain["agency"] & ~col_("agency").isin(r.agencies), "agency", f"is not an agency id; use one of {agencies}")
    flag(plain["level"] & ~col_("level").isin(r.levels), "level", f"is not a level id; use one of {levels}")
    flag(
        plain["framework"] & ~col_("framework").isin(list(r.items)),
        "framework",
        f"is not a rated framework; use one of {', '.join(r.items)}",
    )

    score_num = cast("pd.Series", pd.to_numeric(col_("score").where(col_("score") != ""), errors="coerce"))
    not_number = (col_("score") != "") & (score_num.isna() | (score_num % 1 != 0))
    flag(not_number, "score", "is not a whole number (leave it blank for don't know)")
    for fid, known in r.items.items():
        in_fw = col_("framework") == fid
        flag(in_fw & plain["item"] & ~col_("item").isin(list(known)), "item", f"is not an item of {fid}")
        lo, hi = r.scales[fid]
        flag(
            in_fw & ~not_number & score_num.notna() & ((score_num < lo) | (score_num > hi)),
            "score",
            f"is outside {fid}'s scale {lo}-{hi}",
        )

    key = ["area", "cycle", "respondent", "framework", "item"]
    dup = cast("pd.Series", df.duplicated(key, keep="first"))
    if dup.any():
        first = df[~dup].reset_index().set_index(key)["index"]
        firsts = pd.Series([first.get(tuple(df.loc[row, key])) for row in df.index[dup]], index=df.index[dup])
        flag(
            dup,
            "item",
            pd.Series(
                {row: f"is rated twice by this respondent (first at row {firsts[row]})" for row in firsts.index},
                dtype=object,
            ),
        )
    who = ["area", "cycle", "respondent"]
    for col in ("agency", "level"):
        firsts = df.groupby(who, sort=False)[col].transform("first")
        first_row = df.reset_index().groupby(who, sort=False)["index"].transform("first").set_axis(df.index)
        bad = col_(col) != firsts
        flag(
            bad,
            col,
            pd.Series(
                {
                    row: f"differs from this respondent's {col} {firsts[row]!r} at row {first_row[row]}"
                    for row in df.index[bad]
                },
                dtype=object,
            ),
        )

    df["score"] = score_num.where(~not_number & (score_num.abs() < 2**53)).astype("Int64")  # huge ones flagged above
    errors.sort(key=lambda e: (e.row, COLUMNS.index(e.column) if e.column in COLUMNS else 99))
    return df, errors
