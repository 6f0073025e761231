"""An area's figures across all its cycles, earliest first: each cycle's published headlines, nothing more.

Every figure is the one that cycle's own analysis publishes (toolkit.analysis.area.analyse, so the suppression
rules of toolkit.analysis.suppression hold: a hidden cell stays hidden here), in the cycles' order (start date:
toolkit.store.areas.ordered_cycles), never the order of their names.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy.orm import Session

from toolkit.analysis.area import analyse
from toolkit.analysis.config import Config
from toolkit.analysis.results import Cell, Result
from toolkit.core import ids
from toolkit.core.frameworks import Catalogue
from toolkit.store.areas import find_area, ordered_cycles, resolve_cycle


class CycleFigures(Result):
    """One cycle's published headlines (level-balanced, the plain mean beside each): stages, C's and C groups."""

    cycle: str
    starts_on: date
    respondents: int
    dont_know: int
    by_stage: dict[str, Cell]
    twelve_cs: dict[str, Cell]
    twelve_cs_groups: dict[str, Cell]
    priority_stage: str | None


class AreaHistory(Result):
    """An area's figures across its cycles, earliest first (what `history --json` prints)."""

    area: str
    min_group_size: int
    cycles: list[CycleFigures]


def area_history(
    area: str, *, session: Session, cat: Catalogue, cfg: Config | None = None, until: str | None = None
) -> AreaHistory:
    """Each cycle of the area, in order, with the figures its analysis publishes; `until`: stop at that cycle.

    NotFound (saying which) for an unknown area, or an `until` that is not one of its cycles.
    """
    cfg = cfg or Config.from_settings()
    a = find_area(area, session=session)
    cycles = ordered_cycles(a.id, session=session)
    if until is not None:
        ref = resolve_cycle(area, until, session=session)  # NotFound, listing the cycles, if it is not one
        cycles = cycles[: [c.id for c in cycles].index(ref.cycle_id) + 1]
    out = []
    for c in cycles:
        r = analyse(a.name, c.name, session=session, cat=cat, cfg=cfg, with_change=False)
        out.append(
            CycleFigures(
                cycle=c.name,
                starts_on=c.starts_on,
                respondents=r.respondents,
                dont_know=r.dont_know,
                by_stage=r.opm.by_stage,
                twelve_cs=r.twelve_cs,
                twelve_cs_groups=r.twelve_cs_groups,
                priority_stage=r.opm.priority_stage,
            )
        )
    return AreaHistory(area=a.name, min_group_size=cfg.min_group_size, cycles=out)


def _shown(c: Cell, min_n: int) -> str:
    """A headline as a table shows it: the level-balanced mean with the plain mean and n, or why there is none."""
    if c.suppressed:
        return f"fewer than {min_n}"
    if c.mean is None:
        return "no answers"
    plain = f"plain {c.plain_mean:.2f}, " if c.plain_mean is not None else ""
    return f"{c.mean:.2f} ({plain}n={c.n})"


def history_table(h: AreaHistory, cat: Catalogue) -> pd.DataFrame:
    """One row per measure (stages, then C's), one column per cycle earliest first: what the history view shows."""
    head = {c.cycle: c for c in h.cycles}
    rows = [
        {
            "Measure": f"Stage: {ids.STAGE_NAMES[st]}",
            **{k: _shown(c.by_stage[st], h.min_group_size) for k, c in head.items()},
        }
        for st in ids.STAGES
    ]
    rows += [
        {
            "Measure": f"C: {cat.constructs[cid].name}",
            **{k: _shown(c.twelve_cs[cid], h.min_group_size) for k, c in head.items()},
        }
        for cid in ids.C_IDS
    ]
    rows.insert(0, {"Measure": "Respondents in the figures", **{k: str(c.respondents) for k, c in head.items()}})
    rows.insert(0, {"Measure": "Starts", **{k: c.starts_on.isoformat() for k, c in head.items()}})
    return pd.DataFrame(rows)
