"""Difference in differences between an intervention group and a comparison group, over two cycles."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from toolkit.analysis.config import Config
from toolkit.analysis.frames import col, frame, rows, series
from toolkit.analysis.results import Did
from toolkit.analysis.scores import respondent_scores, round2
from toolkit.analysis.stats import bootstrap_did, cluster_t_diff
from toolkit.core.frameworks import Catalogue

Selector = Callable[[pd.DataFrame], pd.Series]
# Below this many areas in all, an area-level interval leans on the areas' changes being roughly normal with one
# spread: it is shown, marked not reliable, with the reason. A convention of the toolkit, not a cited figure.
FEW_AREAS = 10
CELLS = ("treat_before", "treat_after", "comp_before", "comp_after")


def group_selector(by: str, values: list[str]) -> Selector:
    """Rows whose `by` column (area, agency or level) is one of values: the user's choice of group."""
    if by not in ("area", "agency", "level"):
        raise ValueError(f"groups are chosen by area, agency or level, not {by!r}")
    return lambda df: col(df, by).isin(values)


def measure_scores(df: pd.DataFrame, cat: Catalogue, kind: str, measure: str | None) -> pd.DataFrame:
    """One score per respondent for a stage, C or item (measure None: their mean over every answer), with area."""
    if "area" in df:  # pseudonyms are unique only within an area, so qualify them
        df = df.assign(respondent=df["area"] + "\x1f" + df["respondent"])
    s = respondent_scores(df, cat)
    if measure is None:
        items = rows(s, s["kind"] == "item")
        s = frame(series(items.groupby(["respondent", "level", "agency"])["score"].mean()).reset_index())
    else:
        s = rows(s, (s["kind"] == kind) & (s["measure"] == measure))
    if "area" in df:
        s = s.merge(frame(df.drop_duplicates("respondent")[["respondent", "area"]]), on="respondent")
    return s


def _area_changes(before: pd.DataFrame, after: pd.DataFrame) -> pd.Series:
    """Each area's mean after minus its mean before, for the areas with respondents in both cycles."""
    mb = series(before.groupby("area")["score"].mean())
    ma = series(after.groupby("area")["score"].mean())
    return (ma - mb).dropna()


def difference_in_differences(
    before: pd.DataFrame,
    after: pd.DataFrame,
    cat: Catalogue,
    cfg: Config,
    *,
    treated: Selector,
    comparison: Selector,
    kind: str = "stage",
    measure: str | None = None,
    reps: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> Did:
    """How much more the intervention group changed than the comparison group, with a 95% interval.

    `before`/`after` are ratings tables (with an `area` column when the data span areas); `kind` and `measure`
    pick a stage, a C, an item, or (measure None) the respondent's mean over every answer.

    What counts as independent decides the interval. When the data span more than one area, people in one area
    share its events (a new helpline, a reorganisation), so the area is the unit: each area's change between the
    cycles, the treatment areas' average change less the comparison areas', each area counting once, with a t
    interval over areas (toolkit.analysis.stats.cluster_t_diff says why not a bootstrap). Resampling respondents
    there (as before issue 17) ignores that sharing and gives an interval far too narrow when there are two areas
    a side. Within one area (groups are agencies or levels) the respondents are the units and are resampled, a
    percentile bootstrap of the four cells.
    """
    cells: dict[str, pd.DataFrame] = {}
    for when, df in (("before", before), ("after", after)):
        s = measure_scores(df, cat, kind, measure)
        cells[f"treat_{when}"] = rows(s, treated(s))
        cells[f"comp_{when}"] = rows(s, comparison(s))
    ns = {k: len(cells[k]) for k in CELLS}
    shown = {k: n == 0 or n >= cfg.min_group_size for k, n in ns.items()}  # a smaller group shows no numbers
    means = {k: round2(cells[k]["score"].mean()) if ns[k] and shown[k] else None for k in CELLS}
    base = Did(kind=kind, measure=measure, n={k: n if shown[k] else None for k, n in ns.items()}, means=means)
    if min(ns.values()) < cfg.min_group_size:
        return base.model_copy(
            update={"note": f"Each group needs at least {cfg.min_group_size} respondents in both cycles."}
        )
    areas = set().union(*(set(c["area"]) for c in cells.values())) if "area" in cells["treat_after"] else set()
    if len(areas) > 1:
        dt = _area_changes(cells["treat_before"], cells["treat_after"])
        dc = _area_changes(cells["comp_before"], cells["comp_after"])
        did, lo, hi, df = cluster_t_diff(dt.to_numpy(), dc.to_numpy(), level=level)
        g = len(dt) + len(dc)
        out = base.model_copy(
            update={
                "unit": "area",
                "interval": f"t interval over areas ({df} degrees of freedom): each area's change counts once",
                "areas_treatment": sorted(map(str, dt.index)),
                "areas_comparison": sorted(map(str, dc.index)),
                "df": df,
            }
        )
        if np.isnan(did):
            return out.model_copy(
                update={
                    "reliable": False,
                    "note": "An interval over areas needs at least three areas with both cycles, one on each side "
                    f"at least; there are {len(dt)} treatment and {len(dc)} comparison areas.",
                }
            )
        caveat = (
            f"Only {g} areas in all ({len(dt)} treatment, {len(dc)} comparison): the interval is wide and rests on "
            "the areas' changes being roughly alike in spread and shape. Read it as indicative, not a verdict."
            if g < FEW_AREAS
            else ""
        )
        return out.model_copy(
            update={
                "did": round2(did),
                "ci_low": round2(lo),
                "ci_high": round2(hi),
                "significant": bool(lo > 0 or hi < 0),
                "reliable": g >= FEW_AREAS,
                "note": caveat,
            }
        )
    arrays = {k: cells[k]["score"].to_numpy() for k in CELLS}
    did, lo, hi = bootstrap_did(arrays, reps=reps, seed=seed, level=level)
    return base.model_copy(
        update={
            "did": round2(did),
            "ci_low": round2(lo),
            "ci_high": round2(hi),
            "significant": bool(lo > 0 or hi < 0),
            "interval": f"percentile bootstrap over respondents ({reps} resamples)",
        }
    )
