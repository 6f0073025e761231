"""Perception gaps: where levels, or one agency and the rest, see the partnership differently."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from toolkit.analysis.config import Config
from toolkit.analysis.frames import col, frame, rows, series
from toolkit.analysis.results import Gap
from toolkit.analysis.scores import hidden_groups, round2
from toolkit.analysis.stats import bh_adjust, mann_whitney_grouped

LEVEL_PAIRS = (("strategic", "frontline"), ("managerial", "frontline"))
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
    """Perception gaps: strategic and managerial against frontline, and each agency against the rest, per stage, C and item.

    Mann-Whitney U on respondent scores, Benjamini-Hochberg across every comparison made; both sides need at least
    min_group_size respondents or the comparison is not made.
    """
    s = rows(scores, col(scores, "kind").isin(["stage", "c", "item"]))
    frames: list[pd.DataFrame] = []
    comparisons: list[tuple[str, str, str]] = []
    for a, b in LEVEL_PAIRS:
        sub = rows(s, col(s, "level").isin([a, b]))
        frames.append(sub.assign(_cmp=len(comparisons), _g=sub["level"] == a))
        comparisons.append(("level", a, b))
    for agency in sorted(col(s, "agency").unique()):
        frames.append(s.assign(_cmp=len(comparisons), _g=s["agency"] == agency))
        comparisons.append(("agency", agency, "others"))
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
        (gk, kd, fw, m, a) not in hidden and (gk == "agency" or (gk, kd, fw, m, b) not in hidden)
        for gk, kd, fw, m, a, b in zip(
            allg["gap_kind"], allg["kind"], allg["framework"], allg["measure"], allg["a"], allg["b"], strict=True
        )
    ]
    allg = rows(allg, np.asarray(keep, dtype=bool)).copy()
    allg["q"] = bh_adjust(col(allg, "p").to_numpy())
    allg["difference"] = col(allg, "mean_a") - col(allg, "mean_b")
    allg["significant"] = col(allg, "q") < cfg.alpha
    allg["_abs"] = col(allg, "difference").abs()
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
