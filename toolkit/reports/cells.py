"""How results read in a report's tables: numbers, means with their n, and suppressed cells."""

from __future__ import annotations

from sqlalchemy.orm import Session

from toolkit.analysis.results import Cell
from toolkit.analysis.suppression import suppressed_cells
from toolkit.core import ids
from toolkit.reports.blocks import Table
from toolkit.store.areas import resolve_cycle
from toolkit.store.ratings import respondents_frame


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
    """Respondents by agency and level, small groups (and those a total would reveal) shown as 'fewer than N'."""
    people = respondents_frame(resolve_cycle(area, cycle, session=session), session=session)
    counts = {(a, lv): 0 for a in sorted(set(people["agency"]), key=ids.AGENCIES.index) for lv in ids.LEVELS}
    for (a, lv), n in people.groupby(["agency", "level"]).size().to_dict().items():
        counts[(str(a), str(lv))] = int(n)
    hidden = suppressed_cells(counts, min_n)
    rows = []
    for a in dict.fromkeys(k[0] for k in counts):
        rows.append(
            [ids.AGENCY_NAMES.get(a, a)]
            + [f"fewer than {min_n}" if (a, lv) in hidden else str(counts[(a, lv)]) for lv in ids.LEVELS]
        )
    rows.append(["All agencies"] + [str(int((people["level"] == lv).to_numpy().sum())) for lv in ids.LEVELS])
    note = f"{len(people)} respondents in all." + (
        f" Cells under {min_n} people, and any cell a total would give away, are not shown." if hidden else ""
    )
    return Table(["Agency", *(ids.LEVEL_NAMES[lv] for lv in ids.LEVELS)], rows, note, [2, 1, 1, 1])
