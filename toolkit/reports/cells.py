"""How results read in a report's tables: numbers, means with their n, and suppressed cells."""

from __future__ import annotations

from sqlalchemy.orm import Session

from toolkit.analysis.area import without_repeats
from toolkit.analysis.results import Cell
from toolkit.analysis.suppression import WITHHELD, unit_roles
from toolkit.core import ids
from toolkit.reports.blocks import Table
from toolkit.store.areas import previous_cycle, resolve_cycle
from toolkit.store.ratings import ratings_frame, respondents_frame


def num(x: float | None, digits: int = 1) -> str:
    """A number to the given digits, or a dash when there is none."""
    return "-" if x is None else f"{x:.{digits}f}"


def cell(cell: dict | Cell, min_n: int) -> str:
    """A mean with its n, or why there is none (too few people, no answers); an analysis cell or an APEASE one."""
    if isinstance(cell, Cell):
        cell = cell.model_dump()
    if cell.get("suppressed"):
        return f"fewer than {min_n}"
    if cell.get("mean") is None:
        return "no answers"
    return f"{cell['mean']:.1f} (n={cell['n']})"


def respondents_table(area: str, cycle: str, *, session: Session, min_n: int) -> Table:
    """Respondents by agency and level as the figures count them (toolkit.analysis.suppression's unit rule).

    A cell under min_n reads 'fewer than N'; the level totals and the number in all count only the respondents the
    figures stand on, so no total gives a small cell away (a level left out entirely reads 'fewer than N' too).
    """
    ref = resolve_cycle(area, cycle, session=session)
    people = respondents_frame(ref, session=session)
    prev = previous_cycle(ref, session=session)
    if prev is not None:  # records the analysis withholds as repeats of last cycle's are not counted either
        answered = ratings_frame(ref, session=session, with_comments=False)
        kept = without_repeats(answered, ratings_frame(prev, session=session, with_comments=False), min_n)
        gone = set(answered["respondent"]) - set(kept["respondent"])
        people = people[~people["respondent"].isin(list(gone))]
    counts = {(a, lv): 0 for a in sorted(set(people["agency"]), key=ids.AGENCIES.index) for lv in ids.LEVELS}
    for (a, lv), n in people.groupby(["agency", "level"]).size().to_dict().items():
        counts[(str(a), str(lv))] = int(n)
    roles = unit_roles({(lv, a): n for (a, lv), n in counts.items()}, min_n)
    small = f"fewer than {min_n}"
    rows = []
    for a in dict.fromkeys(k[0] for k in counts):
        rows.append(
            [ids.AGENCY_NAMES.get(a, a)]
            + [small if 0 < counts[(a, lv)] < min_n else str(counts[(a, lv)]) for lv in ids.LEVELS]
        )
    totals = {
        lv: sum(n for (a, l2), n in counts.items() if l2 == lv and roles.get((lv, a)) != WITHHELD) for lv in ids.LEVELS
    }
    left_out = {lv for (lv, _a), r in roles.items() if r == WITHHELD}
    rows.append(
        ["All agencies"] + [small if totals[lv] == 0 and lv in left_out else str(totals[lv]) for lv in ids.LEVELS]
    )
    note = f"{sum(totals.values())} respondents in the figures." + (
        f" Cells under {min_n} people are not shown; where a level's small cells together are still fewer than"
        f" {min_n}, they are left out of every figure and of the totals."
        if any(0 < n < min_n for n in counts.values())
        else ""
    )
    return Table(["Agency", *(ids.LEVEL_NAMES[lv] for lv in ids.LEVELS)], rows, note, [2, 1, 1, 1])
