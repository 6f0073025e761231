"""The one check of a rating (framework, item, score, agency, level, comment), for every way ratings come in."""

from __future__ import annotations

import re
from dataclasses import dataclass
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

    def __str__(self) -> str:
        shown = self.value if len(self.value) <= 60 else self.value[:57] + "..."
        where = f"row {self.row}, " if self.row else ""
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
    lo, hi = r.scales[str(framework)]
    if score is not None and (isinstance(score, bool) or not isinstance(score, int)):  # True is an int to Python
        raise RatingInvalid("score", f"score {score!r} is not a whole number from {lo} to {hi} (or blank)")
    if score is not None and not lo <= score <= hi:
        raise RatingInvalid("score", f"score {score!r} is outside {lo}-{hi}")
    if not isinstance(comment, str):
        raise RatingInvalid("comment", f"a comment is text, not {type(comment).__name__}")
    if len(comment) > MAX_COMMENT:
        raise RatingInvalid("comment", f"comment is longer than {MAX_COMMENT} characters")
    if CONTROL.search(comment):
        raise RatingInvalid("comment", "comment contains a control character (not a tab or line break); remove it")


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

    for col in ("area", "cycle", "respondent"):
        flag(col_(col) == "", col, "is blank; every row needs one")
    for col, limit in MAX_LENGTH.items():
        flag(col_(col).str.len() > limit, col, f"is longer than {limit} characters")
    for col in TEXT_COLUMNS:
        flag(
            col_(col).str.contains(CONTROL_CHARS),
            col,
            "contains a control character (not a tab or line break); remove it",
        )
    flag(~col_("agency").isin(r.agencies), "agency", f"is not an agency id; use one of {', '.join(r.agencies)}")
    flag(~col_("level").isin(r.levels), "level", f"is not a level id; use one of {', '.join(r.levels)}")
    flag(
        ~col_("framework").isin(list(r.items)),
        "framework",
        f"is not a rated framework; use one of {', '.join(r.items)}",
    )

    score_num = cast("pd.Series", pd.to_numeric(col_("score").where(col_("score") != ""), errors="coerce"))
    not_number = (col_("score") != "") & (score_num.isna() | (score_num % 1 != 0))
    flag(not_number, "score", "is not a whole number (leave it blank for don't know)")
    for fid, known in r.items.items():
        in_fw = col_("framework") == fid
        flag(in_fw & ~col_("item").isin(list(known)), "item", f"is not an item of {fid}")
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
