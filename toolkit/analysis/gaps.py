"""Perception gaps: where levels, agencies, or one agency and the rest, see the partnership differently."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pandas as pd

from toolkit.analysis.config import Config
from toolkit.analysis.frames import col, frame, rows, series
from toolkit.analysis.results import Gap
from toolkit.analysis.scores import hidden_groups, round2
from toolkit.analysis.stats import bh_adjust, mann_whitney_grouped

LEVEL_PAIRS = (("strategic", "managerial"), ("strategic", "frontline"), ("managerial", "frontline"))  # every pair
MEASURE = ["kind", "framework", "measure"]


def _hidden(scores: pd.DataFrame, min_n: int) -> set[tuple[Any, ...]]:
    """(level|agency, kind, framework, measure, group) of every group a breakdown of that measure suppresses."""
    hidden: set[tuple[Any, ...]] = set()
    for by in ("level", "agency"):
        counts = frame(series(scores.groupby([*MEASURE, by], sort=False).size()).reset_index(name="size"))
        shown = rows(counts, hidden_groups(counts, MEASURE, by, min_n))
        hidden |= {(by, *row) for row in zip(*(shown[k] for k in [*MEASURE, by]), strict=True)}
    return hidden


def _p(p: float) -> float | None:
    """A p-value as published: two decimals, or two significant figures below 0.01."""
    return None if pd.isna(p) else round2(p) if p >= 0.01 else float(f"{p:.1e}")


def gaps(scores: pd.DataFrame, cfg: Config) -> list[Gap]:
    """Perception gaps per stage, C and item: every pair of levels, every pair of agencies, each agency against the rest.

    Mann-Whitney U on respondent scores, Benjamini-Hochberg within each family of comparisons (level pairs on
    stages, on C's, on statements; agency comparisons likewise), across all its pairs and measures; both sides need at least min_group_size respondents or the comparison is not made. Beside
    each test its ordinal effect size, Cliff's delta: how often a person of the first group rates higher than one
    of the second, less how often lower (-1 to 1; the rank test tests whether it is zero). The mean difference is
    kept for reading on the scale.
    """
    s = rows(scores, col(scores, "kind").isin(["stage", "c", "item"]))
    frames: list[pd.DataFrame] = []
    comparisons: list[tuple[str, str, str]] = []
    for a, b in LEVEL_PAIRS:
        sub = rows(s, col(s, "level").isin([a, b]))
        frames.append(sub.assign(_cmp=len(comparisons), _g=sub["level"] == a))
        comparisons.append(("level", a, b))
    agencies = sorted(a for a in col(s, "agency").unique() if a)  # "" marks pooled small groups: no agency
    for agency in agencies:
        frames.append(s.assign(_cmp=len(comparisons), _g=s["agency"] == agency))
        comparisons.append(("agency", agency, "others"))
    for a, b in itertools.combinations(agencies, 2):
        sub = rows(s, col(s, "agency").isin([a, b]))
        frames.append(sub.assign(_cmp=len(comparisons), _g=sub["agency"] == a))
        comparisons.append(("agency", a, b))
    if not frames:
        return []
    allg = mann_whitney_grouped(pd.concat(frames, ignore_index=True), ["_cmp", *MEASURE], "_g", "score")
    cmp = pd.DataFrame(comparisons, columns=pd.Index(["gap_kind", "a", "b"]))
    allg = allg.join(cmp, on="_cmp")
    allg = rows(allg, (allg["n_a"] >= cfg.min_group_size) & (allg["n_b"] >= cfg.min_group_size))
    # A group that the breakdowns hide to protect a smaller one (secondary suppression) is not compared either:
    # its mean beside the shown total would give the small group's away by subtraction.
    hidden = _hidden(s, cfg.min_group_size)
    keep = [
        (gk, kd, fw, m, a) not in hidden and (b == "others" or (gk, kd, fw, m, b) not in hidden)
        for gk, kd, fw, m, a, b in zip(
            allg["gap_kind"], allg["kind"], allg["framework"], allg["measure"], allg["a"], allg["b"], strict=True
        )
    ]
    allg = rows(allg, np.asarray(keep, dtype=bool)).copy()
    # Benjamini-Hochberg within each declared family: level or agency comparisons, on stages, on C's or on
    # statements. One correction over all ~2,500 tests at once buried a complete separation on a stage (Cliff's
    # delta 1.0, n 7 against 20, p 0.0001) under exploratory agency-by-statement tests; each family answers one
    # question the page asks, and the method text says so.
    allg["q"] = np.nan
    for _, idx in allg.groupby(["gap_kind", "kind"]).groups.items():
        allg.loc[idx, "q"] = bh_adjust(allg.loc[idx, "p"].to_numpy())
    allg["difference"] = col(allg, "mean_a") - col(allg, "mean_b")
    allg["significant"] = col(allg, "q") < cfg.alpha
    # Cliff's delta from U: U counts the pairs where the first is higher, plus half the ties
    allg["delta"] = 2 * col(allg, "u") / (col(allg, "n_a") * col(allg, "n_b")) - 1
    allg["_abs"] = col(allg, "delta").abs()
    allg = allg.sort_values(by=["significant", "_abs"], ascending=[False, False])
    return [
        Gap(
            kind=g["gap_kind"],
            between=[g["a"], g["b"]],
            framework=g["framework"],
            item=g["measure"] if g["kind"] == "item" else None,
            stage=g["measure"] if g["kind"] == "stage" else None,
            c=g["measure"] if g["kind"] == "c" else None,
            difference=round(float(g["difference"]), 2),
            cliffs_delta=round(float(g["delta"]), 2),
            mean_a=round2(g["mean_a"]),
            mean_b=round2(g["mean_b"]),
            n_a=int(g["n_a"]),
            n_b=int(g["n_b"]),
            p=_p(g["p"]),
            q=float(f"{g['q']:.2g}") if not pd.isna(g["q"]) else None,
            significant=bool(g["significant"]),
        )
        for g in allg.to_dict("records")
    ]
