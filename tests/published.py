"""The respondents a published figure may stand on, worked out by hand from the rule in docs/disclosure-control.md."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable


def counted(people: Iterable[tuple[str, str]], min_n: int = 3) -> int:
    """People (agency, level) outside withheld cells: a cell under min_n counts only if its level's small cells reach it."""
    cells = Counter(people)
    small = Counter()
    for (_agency, level), n in cells.items():
        if n < min_n:
            small[level] += n
    return sum(n for (_agency, level), n in cells.items() if n >= min_n or small[level] >= min_n)


def counted_in(area: str, cycle: str, session) -> tuple[int, int]:
    """(everyone who answered, those a figure may stand on) for a stored area and cycle."""
    from toolkit.store.areas import resolve_cycle  # tests only; kept out of the pure counter above
    from toolkit.store.ratings import ratings_frame

    people = ratings_frame(resolve_cycle(area, cycle, session=session), session=session).drop_duplicates("respondent")
    return len(people), counted(zip(people["agency"], people["level"], strict=True))
