"""APEASE appraisal of a shortlist: per intervention and criterion mean, spread and n, concerns, side by side."""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd

from toolkit.core import ids

CONCERN_BELOW = 3.0  # a criterion's mean below this is a concern (3 = acceptable on apease.yaml's scale)
SPLIT_SD = 1.2  # raters this far apart (SD) ...
SPLIT_RANGE = 3  # ... or this far between lowest and highest are very split


def latest(rows: Iterable[dict]) -> list[dict]:
    """One score per intervention, criterion and rater: the latest by `when` (or the last given when undated)."""
    keep: dict[tuple, tuple[int, dict]] = {}
    for k, r in enumerate(rows):
        key = (r["intervention"], r["criterion"], r["rater"])
        old = keep.get(key)
        newer = old is None or r.get("when") is None or old[1].get("when") is None or r["when"] >= old[1]["when"]
        if newer:
            keep[key] = (k, r)
    return [r for _, r in sorted(keep.values(), key=lambda x: x[0])]


def criterion_stats(scores: list[int | None]) -> dict:
    """Mean, SD, min, max, n and don't-know count of one criterion's scores, with whether it is a concern and why."""
    known = [s for s in scores if s is not None]
    n, dk = len(known), len(scores) - len(known)
    if not n:
        return {
            "mean": None,
            "sd": None,
            "min": None,
            "max": None,
            "n": 0,
            "dont_know": dk,
            "concern": False,
            "why": "no scores yet" if not dk else "every rater answered don't know",
        }
    mean = sum(known) / n
    sd = math.sqrt(sum((s - mean) ** 2 for s in known) / (n - 1)) if n > 1 else 0.0
    lo, hi = min(known), max(known)
    why = []
    if mean < CONCERN_BELOW:
        why.append(f"mean {mean:.1f} is below {CONCERN_BELOW:g}")
    if n > 1 and (sd >= SPLIT_SD or hi - lo >= SPLIT_RANGE):
        why.append(f"raters are split ({lo} to {hi}, SD {sd:.1f})")
    return {
        "mean": round(mean, 2),
        "sd": round(sd, 2),
        "min": lo,
        "max": hi,
        "n": n,
        "dont_know": dk,
        "concern": bool(why),
        "why": "; ".join(why),
    }


def aggregate(rows: Iterable[dict], criteria: tuple[str, ...] = ids.APEASE) -> dict[str, dict]:
    """Per intervention: each criterion's stats, the overall mean of criterion means, raters and concerns.

    `rows` are {"intervention", "criterion", "rater", "score" (None = don't know), optional "when"}; a rater's
    latest score counts.
    """
    by: dict[str, dict[str, list]] = {}
    raters: dict[str, set] = {}
    for r in latest(rows):
        by.setdefault(r["intervention"], {c: [] for c in criteria}).setdefault(r["criterion"], []).append(r["score"])
        raters.setdefault(r["intervention"], set()).add(r["rater"])
    out = {}
    for iv, per in by.items():
        stats = {c: criterion_stats(per.get(c, [])) for c in criteria}
        means = [s["mean"] for s in stats.values() if s["mean"] is not None]
        out[iv] = {
            "criteria": stats,
            "overall": round(sum(means) / len(means), 2) if means else None,
            "raters": len(raters[iv]),
            "concerns": [c for c in criteria if stats[c]["concern"]],
        }
    return out


def comparison(agg: dict[str, dict], names: dict[str, str] | None = None) -> pd.DataFrame:
    """Side by side: one row per criterion (then overall and concerns), one column per intervention (means)."""
    names = names or {}
    crits = list(next(iter(agg.values()))["criteria"]) if agg else list(ids.APEASE)
    cols = {}
    for iv, a in agg.items():
        col = {c: a["criteria"][c]["mean"] for c in crits}
        col["overall"] = a["overall"]
        col["concerns"] = len(a["concerns"])
        cols[names.get(iv, iv)] = col
    return pd.DataFrame(cols, index=[*crits, "overall", "concerns"])


def comparison_text(agg: dict[str, dict], names: dict[str, str] | None = None) -> pd.DataFrame:
    """The side-by-side table for reading: 'mean (SD, min-max, n)' with a flag on criteria of concern."""
    names = names or {}
    crits = list(next(iter(agg.values()))["criteria"]) if agg else list(ids.APEASE)

    def cell(s: dict) -> str:
        if s["mean"] is None:
            return f"- (don't know {s['dont_know']})" if s["dont_know"] else "-"
        flag = " ⚠" if s["concern"] else ""
        dk = f", {s['dont_know']} don't know" if s["dont_know"] else ""
        return f"{s['mean']:.1f} (SD {s['sd']:.1f}, {s['min']}-{s['max']}, n={s['n']}{dk}){flag}"

    cols = {
        names.get(iv, iv): [cell(a["criteria"][c]) for c in crits]
        + ["-" if a["overall"] is None else f"{a['overall']:.1f}", ", ".join(a["concerns"]) or "none"]
        for iv, a in agg.items()
    }
    return pd.DataFrame(cols, index=[*crits, "overall", "concerns"])
