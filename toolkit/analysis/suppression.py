"""The one suppression rule: which groups a published breakdown hides so no small group can be read or subtracted.

Primary suppression hides every group of fewer than `min_n` respondents (and more than none: an empty group reveals
nothing). Secondary suppression hides one more group wherever a published total would otherwise let a single hidden
group be worked out by subtraction: on any line (a one-way breakdown, or a row or column of a two-way table) where
exactly one group is hidden, the smallest other group there is hidden too (ties broken by key). Every output that
shows counts or means by group (analysis, benchmark, workshop reveal, reports, exports) asks this module.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import TypeVar

import pandas as pd

K = TypeVar("K", bound=Hashable)


def _close_lines(counts: Mapping[K, int], lines: Iterable[list[K]], hidden: set[K]) -> set[K]:
    """Add a second group to every line with exactly one hidden, until no line has one alone."""
    lines = [[k for k in line if counts.get(k, 0) > 0] for line in lines]
    changed = True
    while changed:
        changed = False
        for line in lines:
            if len(line) > 1 and sum(k in hidden for k in line) == 1:
                hidden.add(min((counts[k], k) for k in line if k not in hidden)[1])  # type: ignore[type-var]
                changed = True
    return hidden


def primary(counts: Mapping[K, int], min_n: int) -> set[K]:
    """Groups too small to publish on their own: more than none, fewer than min_n."""
    return {k for k, n in counts.items() if 0 < n < min_n}


def suppressed_keys(counts: Mapping[K, int], min_n: int) -> set[K]:
    """Groups to hide in one breakdown whose total is shown: the small ones, plus a second when one alone would show."""
    return _close_lines(counts, [list(counts)], primary(counts, min_n))


def suppressed_cells(counts: Mapping[tuple[str, str], int], min_n: int) -> set[tuple[str, str]]:
    """Cells of a two-way table whose row and column totals are shown: small ones, and any a total would reveal."""
    keys = list(counts)
    lines = [[k for k in keys if k[axis] == v] for axis in (0, 1) for v in dict.fromkeys(k[axis] for k in keys)]
    return _close_lines(counts, lines, primary(counts, min_n))


def suppressed_rows(lines: Sequence[Hashable], groups: Sequence[K], counts: Sequence[int], min_n: int) -> list[bool]:
    """Many one-way breakdowns at once: row k is group groups[k] of breakdown lines[k] with counts[k] respondents.

    True where suppressed_keys hides that group in its breakdown; for tables (pandas, numpy) of many breakdowns.
    """
    by_line: dict[Hashable, dict[K, int]] = {}
    for line, g, n in zip(lines, groups, counts, strict=True):
        by_line.setdefault(line, {})[g] = int(n)
    hidden = {(line, g) for line, c in by_line.items() if min(c.values()) < min_n for g in suppressed_keys(c, min_n)}
    return [(line, g) in hidden for line, g in zip(lines, groups, strict=True)]


def suppressed_frame(frame: pd.DataFrame, line: list[str], group: str, count: str, min_n: int) -> pd.Series:
    """suppressed_keys over every breakdown of a long table at once (one row per line and group), vectorised.

    The same rule, for tables too large to walk group by group: True where that row's group is hidden in its line.
    """
    n = pd.Series(frame[count].to_numpy(dtype=int), index=frame.index)
    present = n > 0
    hidden = present & (n < min_n)
    keys = [frame[c] for c in line]
    hidden_in_line = pd.Series(hidden.groupby(keys, sort=False).transform("sum"), index=frame.index)
    present_in_line = pd.Series(present.groupby(keys, sort=False).transform("sum"), index=frame.index)
    alone = (hidden_in_line == 1) & (present_in_line > 1)
    # the second group of a line with one hidden: the smallest other present group, ties broken by key
    pick = frame.loc[alone & present & ~hidden, [*line, group, count]]
    second = pick.sort_values([count, group], kind="stable").drop_duplicates(subset=line, keep="first").index
    out = pd.Series(hidden.to_numpy(copy=True), index=frame.index)
    out.loc[second] = True
    return out
