"""Cycle start dates: the one order of an area's cycles (contracts section 3), parsed and defaulted in one place
(the store's side, ordered_cycles and set_cycle_start, is in toolkit.store.areas).

A cycle's start date is set when it is created (given, or `default_start`: the year its name begins with, else the
day it was created) and may be edited (toolkit.store.areas.set_cycle_start). Cycles sort by start date; two that start the same day
sort by name read as a person reads it ("Round 9" before "Round 10"), then by when they were made.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

YEAR = re.compile(r"^\s*((?:19|20)\d\d)(?!\d)")
EXAMPLE = "2026-04-01"


class BadDate(ValueError):
    """A start date that is not a date; the message says what was given and how to write it."""


def parse_start(value: object) -> date:
    """A start date from a date, or text in the form YYYY-MM-DD; BadDate, saying why, for anything else."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    if not text:
        raise BadDate(f"the cycle start date is blank; give it as YYYY-MM-DD, for example {EXAMPLE}")
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise BadDate(f"the cycle start date {text[:40]!r} is not in the form YYYY-MM-DD (for example {EXAMPLE})")
    try:
        when = date.fromisoformat(text)
    except ValueError:
        raise BadDate(f"the cycle start date {text!r} is not a day of the calendar (check the month and day)") from None
    if not 1900 <= when.year <= 2999:
        raise BadDate(f"the cycle start date {text!r} is out of range: give a year from 1900 to 2999")
    return when


def default_start(name: str, made: datetime | date | None = None) -> date:
    """A new cycle's start when none is given: 1 January of the year its name begins with ("2026", "2026-baseline"),
    else the day it is made (so cycles named by round follow the order they were created in)."""
    m = YEAR.match(name or "")
    if m:
        return date(int(m.group(1)), 1, 1)
    made = made or datetime.now(UTC)
    return made.date() if isinstance(made, datetime) else made


def name_key(name: str) -> tuple:
    """A name as a person orders it: runs of digits compare as numbers ("Round 9" < "Round 10")."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p.casefold()) for p in re.findall(r"\d+|\D+", name))


def cycle_key(starts_on: date | None, name: str, cycle_id: int = 0) -> tuple:
    """The sort key of a cycle: start date, then name as read, then creation (id)."""
    return (starts_on or date.max, name_key(name), cycle_id)
