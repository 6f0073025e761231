"""The cycle table: every area's value on every measure of one cycle, from one grouped query over stored ratings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from typing import cast as cast_

import numpy as np
import pandas as pd
from sqlalchemy import Float, case, cast, func, select
from sqlalchemy.orm import Session

from toolkit.analysis.area import without_repeats
from toolkit.analysis.benchmark.measures import KEYS, STAGE_KEYS
from toolkit.analysis.suppression import WITHHELD, unit_frame
from toolkit.core import ids
from toolkit.core.frameworks import Catalogue
from toolkit.store.areas import CycleRef
from toolkit.store.models import Area, Cycle, Rating, RatingHistory, Respondent
from toolkit.store.ratings import ratings_frame


@dataclass
class CycleTable:
    """Every area's value on every measure of one cycle (areas x KEYS; NaN where missing or suppressed)."""

    cycle: str
    values: pd.DataFrame
    n: pd.DataFrame
    suppressed: pd.DataFrame
    respondents: pd.Series
    min_group_size: int = 3

    @property
    def areas(self) -> list[str]:
        return [str(a) for a in self.values.index]


def _measure_codes(cat: Catalogue) -> tuple[list[str], dict[str, dict[str, int]]]:
    """Measure names (stages, then C's) and, per framework, item id -> measure code."""
    measures = [*ids.STAGES, *ids.C_IDS]
    code = {m: k for k, m in enumerate(measures)}
    by_fw: dict[str, dict[str, int]] = {"opm": {}, "twelve_cs": {}}
    for fw_id in by_fw:
        if fw_id not in cat.frameworks:
            continue
        for it in cat.get(fw_id).items:
            m = it.stage if fw_id == "opm" else (it.cs[0] if it.cs else None)
            if m in code:
                by_fw[fw_id][it.id] = code[m]
    return measures, by_fw


def cast_series(x: Any) -> pd.Series:
    """A grouped aggregate that is a Series (the stubs allow more)."""
    return cast_(pd.Series, x)


def repeated(cycle: str, *, session: Session, min_n: int) -> set[int]:
    """Respondent ids of the cycle its areas' analyses withhold as repeats of the previous cycle's records.

    A cheap signature (level, agency, number and sum of answers) finds the areas that may repeat records; only
    those areas' two cycles are read in full and compared as the analysis compares them.
    """
    sig = (Respondent.level, Respondent.agency, func.count(Rating.id), func.sum(func.coalesce(Rating.score, -1)))
    cycles = session.execute(select(Cycle.area_id, Cycle.name, Cycle.id)).all()
    by_area: dict[int, list[tuple[str, int]]] = {}
    for area_id, name, cid in cycles:
        by_area.setdefault(area_id, []).append((name, cid))
    out: set[int] = set()
    for area_id, names in by_area.items():
        names.sort()
        k = next((j for j, (n, _c) in enumerate(names) if n == cycle), -1)
        if k <= 0:
            continue
        now, before = names[k][1], names[k - 1][1]

        def sigs(cid: int) -> set[tuple]:
            q = select(*sig).join(Rating, Rating.respondent_id == Respondent.id).where(Respondent.cycle_id == cid)
            return {tuple(r) for r in session.execute(q.group_by(Respondent.id, *sig[:2])).all()}

        if not sigs(now) & sigs(before):
            continue
        area = session.get(Area, area_id)
        name = area.name if area is not None else ""
        ref_now, ref_before = CycleRef(area_id, now, name, cycle), CycleRef(area_id, before, name, names[k - 1][0])
        kept = set(
            without_repeats(
                ratings_frame(ref_now, session=session, with_comments=False),
                ratings_frame(ref_before, session=session, with_comments=False),
                min_n,
            )["respondent"]
        )
        q = select(Respondent.id, Respondent.pseudonym).where(Respondent.cycle_id == now)
        out |= {rid for rid, p in session.execute(q) if p not in kept}
    return out


def level_measure_stats(
    cycle: str, *, session: Session, cat: Catalogue, min_n: int = 3
) -> tuple[pd.DataFrame, pd.Series]:
    """(stats, respondents) of every area in the cycle: per area, level, agency and measure the mean of respondent
    means and n; respondents: per area the respondents its figures may count (toolkit.analysis.suppression)."""
    # The item -> stage/C mapping goes into the SQL as a CASE, so each respondent's mean per measure is made in the
    # database and only about 16 rows per area and level come back, not one per rating. respondents counts everyone
    # in the cycle per area.
    measures, by_fw = _measure_codes(cat)
    skip = repeated(cycle, session=session, min_n=min_n)
    counts = session.execute(
        select(Area.name, Respondent.level, Respondent.agency, func.count(Respondent.id))
        .join(Cycle, Cycle.area_id == Area.id)
        .join(Respondent, Respondent.cycle_id == Cycle.id)
        .where(Cycle.name == cycle, Respondent.id.not_in(skip))
        .group_by(Area.name, Respondent.level, Respondent.agency)
    ).all()
    cells = pd.DataFrame(counts, columns=["area", "level", "agency", "n"])
    cells["role"] = unit_frame(cells, ["area"], "level", "agency", "n", min_n) if len(cells) else []
    areas = sorted({a for a, *_ in counts})
    kept_cells: Any = cells[cells["role"] != WITHHELD]
    respondents = cast_series(kept_cells.groupby("area")["n"].sum().reindex(areas, fill_value=0).astype(int))
    whens = [(Rating.framework == fw, case(m, value=Rating.item)) for fw, m in by_fw.items() if m]
    if not whens or respondents.empty:
        return pd.DataFrame(columns=["area", "level", "agency", "measure", "mean", "n"]), respondents
    code = case(*whens).label("m")
    # Ratings found through the respondent index (an IN list of the cycle's respondents), not a scan of the table.
    in_cycle = (
        select(Respondent.id)
        .join(Cycle, Cycle.id == Respondent.cycle_id)
        .where(Cycle.name == cycle, Respondent.id.not_in(skip))
    )
    person = (
        select(Rating.respondent_id.label("rid"), code, cast(func.avg(Rating.score), Float).label("score"))
        .where(Rating.respondent_id.in_(in_cycle.scalar_subquery()), Rating.framework.in_(list(by_fw)))
        .group_by(Rating.respondent_id, "m")
        .subquery()
    )
    stmt = (
        select(Area.name, Respondent.level, Respondent.agency, person.c.m, func.avg(person.c.score), func.count())
        .join(Respondent, Respondent.id == person.c.rid)
        .join(Cycle, Cycle.id == Respondent.cycle_id)
        .join(Area, Area.id == Cycle.area_id)
        .where(person.c.m.is_not(None), person.c.score.is_not(None))
        .group_by(Area.name, Respondent.level, Respondent.agency, person.c.m)
    )
    stats = pd.DataFrame(session.execute(stmt).all(), columns=["area", "level", "agency", "m", "mean", "n"])
    stats["measure"] = np.asarray(measures, dtype=object)[stats["m"].astype(int).to_numpy()]
    stats["mean"] = stats["mean"].astype(float)
    stats["n"] = stats["n"].astype(int)
    return stats.loc[:, ["area", "level", "agency", "measure", "mean", "n"]], respondents


def table_from_stats(stats: pd.DataFrame, respondents: pd.Series, cycle: str, min_group_size: int) -> CycleTable:
    """The cycle table from per area, level and measure stats (mean of respondent scores, n): pure and vectorised."""
    min_n = min_group_size
    areas = sorted(respondents.index)
    values = pd.DataFrame(np.nan, index=pd.Index(areas, name="area"), columns=KEYS)
    n = values.copy()
    supp = pd.DataFrame(False, index=values.index, columns=KEYS)
    resp = respondents.reindex(areas, fill_value=0).astype(int)
    if stats.empty:
        return CycleTable(cycle, values, n, supp, resp, min_n)
    # The unit rule per area and measure over agency x level cells (toolkit.analysis.suppression), as in the area's
    # own analysis: a withheld cell is in no figure; a level is the sum of its kept cells, so it is shown whole.
    cells = stats if "agency" in stats else stats.assign(agency="")
    cells = cells.assign(wsum=cells["mean"] * cells["n"]).reset_index(drop=True)
    cells["role"] = unit_frame(cells, ["area", "measure"], "level", "agency", "n", min_n)
    kept: Any = cells.assign(
        n=cells["n"].where(cells["role"] != WITHHELD, 0), wsum=cells["wsum"].where(cells["role"] != WITHHELD, 0)
    )
    lv = kept.groupby(["area", "measure", "level"], sort=False)[["n", "wsum"]].sum().reset_index()
    lv["mean"] = lv["wsum"] / lv["n"].where(lv["n"] > 0)
    lv["hide"] = lv["n"] == 0
    # Headline stage and C values: the shown levels weighted equally (the plain mean if none is shown).
    head = lv.groupby(["area", "measure"], sort=False).agg(n=("n", "sum"), wsum=("wsum", "sum"))
    head["plain"] = head["wsum"] / head["n"]
    head["balanced"] = lv.loc[~lv["hide"]].groupby(["area", "measure"], sort=False)["mean"].mean().reindex(head.index)
    head["balanced"] = head["balanced"].fillna(head["plain"])
    head = head.reset_index()
    head["key"] = np.where(head["measure"].isin(ids.STAGES), "stage:", "c:") + head["measure"]
    # A headline stands on its kept cells alone: hidden when they are too few (none kept: every cell withheld).
    small = head["n"] < min_n
    _put(values, head.loc[~small], "balanced")
    _put(n, head.loc[~small], "n")
    _put(supp, head.loc[small].assign(flag=True), "flag")
    # Stage x level cells: the same shown levels.
    cells = lv.loc[lv["measure"].isin(ids.STAGES)].copy()
    cells["key"] = "level:" + cells["measure"] + ":" + cells["level"]
    _put(values, cells.loc[~cells["hide"]], "mean")
    _put(n, cells.loc[~cells["hide"]], "n")
    _put(supp, cells.loc[cells["hide"]].assign(flag=True), "flag")
    # Overall: the mean of the four stage values, only when all four are shown; n is the fewest behind any stage.
    stage_vals = values[STAGE_KEYS]
    shown = stage_vals.notna().all(axis=1)
    values["overall"] = stage_vals.mean(axis=1).where(shown)
    n["overall"] = n[STAGE_KEYS].min(axis=1).where(shown)
    supp["overall"] = supp[STAGE_KEYS].any(axis=1)
    return CycleTable(cycle, values.round(2), n, supp.astype(bool), resp, min_n)


def _put(frame: pd.DataFrame, rows: pd.DataFrame, col: str) -> None:
    """Write rows (area, key, col) into a wide areas x keys frame."""
    if rows.empty:
        return
    wide = rows.pivot_table(index="area", columns="key", values=col, aggfunc="first")
    frame.update(
        wide.reindex(index=frame.index.intersection(wide.index), columns=frame.columns.intersection(wide.columns))
    )


def cycle_table(cycle: str, *, session: Session, cat: Catalogue, min_group_size: int) -> CycleTable:
    """Every area's values for one cycle, from one grouped query and pandas group-bys."""
    stats, respondents = level_measure_stats(cycle, session=session, cat=cat, min_n=min_group_size)
    return table_from_stats(stats, respondents, cycle, min_group_size)


def data_version(*, session: Session) -> str:
    """A cheap token that changes when any rating, respondent, cycle or area is added, changed or removed."""
    row = session.execute(
        select(
            select(func.max(Rating.id)).scalar_subquery(),
            select(func.max(RatingHistory.id)).scalar_subquery(),
            select(func.count(Respondent.id)).scalar_subquery(),
            select(func.max(Respondent.id)).scalar_subquery(),
            select(func.count(Cycle.id)).scalar_subquery(),
            select(func.max(Cycle.id)).scalar_subquery(),
            select(func.count(Area.id)).scalar_subquery(),
        )
    ).one()
    return ":".join(str(x) for x in row)


# Marks a demo (fictional) partnership among the tags, so that peers of real areas never include one.
DEMO_TAG = "demo"


def area_tags(*, session: Session) -> dict[str, dict]:
    """Every area's tags (nation, type, police and health footprint...), with `demo` on the demo partnerships."""
    rows = session.execute(select(Area.name, Area.tags, Area.fictional))
    return {name: {**(tags or {}), **({DEMO_TAG: True} if fictional else {})} for name, tags, fictional in rows}


def cycles_in_use(*, session: Session) -> list[str]:
    """Every cycle name that any area has, in order."""
    return sorted(session.scalars(select(Cycle.name).distinct()))
