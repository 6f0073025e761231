"""Change between cycles, and intervention-versus-comparison groups (difference in differences)."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

import numpy as np
import pandas as pd

from toolkit.analysis.config import Config, item_table
from toolkit.analysis.frames import col, frame, rows, series
from toolkit.analysis.results import ChangeMeasure
from toolkit.analysis.scores import respondent_scores, round2
from toolkit.analysis.stats import bootstrap_did, bootstrap_diff
from toolkit.core import ids
from toolkit.core.frameworks import Catalogue


def change_between(
    before: pd.DataFrame, after: pd.DataFrame, cat: Catalogue, cfg: Config, *, reps: int = 1000, seed: int = 0
) -> list[ChangeMeasure]:
    """Per stage, C and item: mean after minus mean before, a bootstrap 95% interval, and whether it excludes zero.

    The two cycles are different samples of people, so each is resampled on its own. Measures with fewer than
    min_group_size respondents in either cycle are left out.
    """
    sb, sa = respondent_scores(before, cat), respondent_scores(after, cat)
    meta = item_table(cat)
    texts = dict(zip(zip(meta["framework"], meta["item"], strict=True), meta["text"], strict=True))
    order = {("stage", s): k for k, s in enumerate(ids.STAGES)} | {("c", c): 10 + k for k, c in enumerate(ids.C_IDS)}
    gb: dict[tuple[str, str, str], np.ndarray] = {
        cast(tuple[str, str, str], k): col(g, "score").to_numpy()
        for k, g in rows(sb, col(sb, "kind").isin(["stage", "c", "item"])).groupby(["kind", "framework", "measure"])
    }
    ga: dict[tuple[str, str, str], np.ndarray] = {
        cast(tuple[str, str, str], k): col(g, "score").to_numpy()
        for k, g in rows(sa, col(sa, "kind").isin(["stage", "c", "item"])).groupby(["kind", "framework", "measure"])
    }
    out = []
    for k, (key, a) in enumerate(sorted(ga.items())):
        b = gb.get(key)
        if b is None or len(a) < cfg.min_group_size or len(b) < cfg.min_group_size:
            continue
        kind, fw, measure = key
        diff, lo, hi = bootstrap_diff(b, a, reps=reps, seed=seed + k)
        label = (
            ids.STAGE_NAMES.get(measure)
            if kind == "stage"
            else cat.constructs[measure].name
            if kind == "c"
            else texts.get((fw, measure), measure)
        )
        out.append(
            ChangeMeasure(
                kind=kind,
                framework=fw,
                measure=measure,
                label=label,
                before=round2(b.mean()),
                after=round2(a.mean()),
                n_before=len(b),
                n_after=len(a),
                difference=round2(diff),
                ci_low=round2(lo),
                ci_high=round2(hi),
                significant=bool(lo > 0 or hi < 0),
            )
        )
    out.sort(key=lambda d: (order.get((d.kind, d.measure), 100), d.kind != "item", -abs(d.difference or 0)))
    return out


Selector = Callable[[pd.DataFrame], pd.Series]


def group_selector(by: str, values: list[str]) -> Selector:
    """Rows whose `by` column (area, agency or level) is one of values: the user's choice of group."""
    if by not in ("area", "agency", "level"):
        raise ValueError(f"groups are chosen by area, agency or level, not {by!r}")
    return lambda df: col(df, by).isin(values)


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
) -> dict:
    """How much more the intervention group changed than the comparison group, with a bootstrap interval.

    As the Social Engine evaluation compared trained school safeguarding leads with those not trained: each group's
    change between the cycles, and the difference between those changes. `before`/`after` are ratings tables (with an
    `area` column when groups are areas); `kind` and `measure` pick a stage, a C, an item, or (measure None) the
    respondent's mean over every answer.
    """

    def scores(df: pd.DataFrame) -> pd.DataFrame:
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

    cells = {}
    for when, df in (("before", before), ("after", after)):
        s = scores(df)
        cells[f"treat_{when}"] = s.loc[treated(s), "score"].to_numpy()
        cells[f"comp_{when}"] = s.loc[comparison(s), "score"].to_numpy()
    ns = {k: len(v) for k, v in cells.items()}
    shown = {k: n == 0 or n >= cfg.min_group_size for k, n in ns.items()}  # a smaller group shows no numbers
    result = {
        "kind": kind,
        "measure": measure,
        "n": {k: n if shown[k] else None for k, n in ns.items()},
        "means": {k: round2(np.mean(v)) if len(v) and shown[k] else None for k, v in cells.items()},
    }
    if min(ns.values()) < cfg.min_group_size:
        return {
            **result,
            "did": None,
            "ci_low": None,
            "ci_high": None,
            "significant": False,
            "note": f"Each group needs at least {cfg.min_group_size} respondents in both cycles.",
        }
    did, lo, hi = bootstrap_did(cells, reps=reps, seed=seed)
    return {
        **result,
        "did": round2(did),
        "ci_low": round2(lo),
        "ci_high": round2(hi),
        "significant": bool(lo > 0 or hi < 0),
        "note": "",
    }
