"""Statistics for ordinal ratings: rank tests, multiple-comparison correction, bootstrap intervals, suppression."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy.special import ndtr, stdtr, stdtrit

from toolkit.analysis.frames import frame, series


def mann_whitney_grouped(df: pd.DataFrame, key: str | list[str], group: str, value: str) -> pd.DataFrame:
    """Two-sided Mann-Whitney U per key, comparing rows with group True against group False.

    Normal approximation with tie correction and continuity correction, as scipy's asymptotic method; vectorised
    across keys because an analysis runs hundreds of these per rerun.
    Returns one row per key with n_a, n_b, mean_a, mean_b, u, p (p is NaN where a side is empty or all values tie).
    """
    keys = [key] if isinstance(key, str) else list(key)
    d = frame(df[[*keys, group, value]]).dropna(subset=[value]).copy()
    d[value] = d[value].astype(float)
    d["_rank"] = d.groupby(keys, sort=False)[value].rank(method="average")
    ties = frame(series(d.groupby([*keys, value], sort=False).size()).reset_index(name="t"))
    ties["t3"] = ties["t"] ** 3 - ties["t"]
    tie_sum = series(ties.groupby(keys, sort=False)["t3"].sum())
    g = (
        d.groupby([*keys, group], sort=False)
        .agg(n=(value, "size"), mean=(value, "mean"), r=("_rank", "sum"))
        .reset_index()
    )
    a = g[g[group]].set_index(keys)
    b = g[~g[group]].set_index(keys)
    out = pd.DataFrame(index=a.index.union(b.index))
    out["n_a"] = a["n"].reindex(out.index).fillna(0).astype(int)
    out["n_b"] = b["n"].reindex(out.index).fillna(0).astype(int)
    out["mean_a"] = a["mean"].reindex(out.index)
    out["mean_b"] = b["mean"].reindex(out.index)
    n1, n2 = out["n_a"].to_numpy(float), out["n_b"].to_numpy(float)
    n = n1 + n2
    u = a["r"].reindex(out.index).to_numpy(float) - n1 * (n1 + 1) / 2
    ts = tie_sum.reindex(out.index).fillna(0).to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        var = n1 * n2 / 12 * ((n + 1) - ts / (n * (n - 1)))
        mu = n1 * n2 / 2
        z = (np.abs(u - mu) - 0.5) / np.sqrt(var)
        p = np.where((n1 > 0) & (n2 > 0) & (var > 0), np.minimum(1.0, 2 * ndtr(-z)), np.nan)
    out["u"] = u
    out["p"] = p
    return out.reset_index()


def bh_adjust(p: np.ndarray | pd.Series) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (false discovery rate); NaNs stay NaN and are not counted."""
    p = np.asarray(p, dtype=float)
    q = np.full_like(p, np.nan)
    ok = ~np.isnan(p)
    m = int(ok.sum())
    if m == 0:
        return q
    order = np.argsort(p[ok])
    ranked = p[ok][order] * m / np.arange(1, m + 1)
    adjusted = np.minimum.accumulate(ranked[::-1])[::-1]
    vals = np.empty(m)
    vals[order] = np.minimum(adjusted, 1.0)
    q[ok] = vals
    return q


def bootstrap_diff(
    a: np.ndarray, b: np.ndarray, *, reps: int = 1000, seed: int = 0, level: float = 0.95
) -> tuple[float, float, float]:
    """Mean of b minus mean of a, with a percentile bootstrap interval resampling each sample independently."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    if len(a) == 0 or len(b) == 0:
        return float("nan"), float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    ma = a[rng.integers(0, len(a), (reps, len(a)))].mean(axis=1)
    mb = b[rng.integers(0, len(b), (reps, len(b)))].mean(axis=1)
    lo, hi = np.quantile(mb - ma, [(1 - level) / 2, 1 - (1 - level) / 2])
    return float(b.mean() - a.mean()), float(lo), float(hi)


def balanced_mean(groups: Sequence[np.ndarray]) -> float:
    """The mean of the groups' means: each group (a level) counts equally (toolkit.analysis.scores.balanced_means)."""
    return float(np.mean([np.asarray(g, float).mean() for g in groups])) if groups else float("nan")


def bootstrap_balanced_diff(
    before: Sequence[np.ndarray], after: Sequence[np.ndarray], *, reps: int = 1000, seed: int = 0, level: float = 0.95
) -> tuple[float, float, float]:
    """Balanced mean of `after` minus that of `before`, with a percentile bootstrap interval.

    Each group of each side is resampled on its own (a stratified bootstrap: the groups are the levels the headline
    weights equally), so every resample keeps the headline's weighting. One group a side is bootstrap_diff.
    """
    if not before or not after or any(len(g) == 0 for g in (*before, *after)):
        return float("nan"), float("nan"), float("nan")
    rng = np.random.default_rng(seed)

    def resampled(groups: Sequence[np.ndarray]) -> np.ndarray:
        arrays = [np.asarray(g, float) for g in groups]
        return np.mean([x[rng.integers(0, len(x), (reps, len(x)))].mean(axis=1) for x in arrays], axis=0)

    mb = resampled(before)
    ma = resampled(after)
    lo, hi = np.quantile(ma - mb, [(1 - level) / 2, 1 - (1 - level) / 2])
    return balanced_mean(after) - balanced_mean(before), float(lo), float(hi)


def balanced_welch_p(before: Sequence[np.ndarray], after: Sequence[np.ndarray]) -> float:
    """Two-sided p-value for the difference of two balanced means (each the mean of its groups' means).

    Welch's test generalised: the variance of a balanced mean over L groups is the sum of s_g^2 / (n_g L^2), and the
    degrees of freedom Satterthwaite's over every group of both sides. With one group a side it is welch_p.
    A group of one person adds no variance and no degrees of freedom. NaN when no group has two people.
    """
    parts: list[tuple[float, int]] = []  # (variance share, n) per group
    for groups in (before, after):
        big_l = len(groups)
        for g in groups:
            x = np.asarray(g, float)
            if len(x) >= 2:
                parts.append((float(x.var(ddof=1)) / (len(x) * big_l**2), len(x)))
    if not parts or not before or not after:
        return float("nan")
    d = balanced_mean(after) - balanced_mean(before)
    v = sum(p for p, _n in parts)
    if v == 0:
        return 1.0 if abs(d) < 1e-12 else 0.0
    df = v**2 / sum(p**2 / (n - 1) for p, n in parts if p > 0)
    return float(2 * stdtr(df, -abs(d) / np.sqrt(v)))


def bootstrap_did(
    cells: Mapping[str, np.ndarray], *, reps: int = 1000, seed: int = 0, level: float = 0.95
) -> tuple[float, float, float]:
    """Difference in differences (treat_after - treat_before) - (comp_after - comp_before), with a bootstrap interval."""
    names = ("treat_before", "treat_after", "comp_before", "comp_after")
    arrays = [np.asarray(cells[k], float) for k in names]
    if any(len(x) == 0 for x in arrays):
        return float("nan"), float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    boots = [x[rng.integers(0, len(x), (reps, len(x)))].mean(axis=1) for x in arrays]
    did = (boots[1] - boots[0]) - (boots[3] - boots[2])
    point = (arrays[1].mean() - arrays[0].mean()) - (arrays[3].mean() - arrays[2].mean())
    lo, hi = np.quantile(did, [(1 - level) / 2, 1 - (1 - level) / 2])
    return float(point), float(lo), float(hi)


def cluster_t_diff(
    treated: np.ndarray, comparison: np.ndarray, *, level: float = 0.95
) -> tuple[float, float, float, int]:
    """Mean of the treated clusters' values minus the comparison clusters', with a t interval over clusters.

    Each value is one cluster's own figure (an area's change between cycles, or its mean after). The clusters are
    the units, so the interval counts areas, not respondents: the Donald-Lang two-step (aggregate to the cluster,
    then a t test with G - 2 degrees of freedom). The variance is pooled over both sides, which lets one treated area
    against several comparison areas still have an interval (a Welch interval would need two on each side).
    Why not a bootstrap over areas: with two areas a side a percentile bootstrap has only a handful of distinct
    resamples and its interval is far too narrow; a wild cluster bootstrap is known to fail when treated clusters
    are few. The t interval is exact when the cluster figures are normal with one spread; with few clusters it
    leans on that. Returns (difference, low, high, degrees of freedom); NaNs when there are not 3 clusters in all
    with at least one on each side.
    """
    t, c = np.asarray(treated, float), np.asarray(comparison, float)
    df = len(t) + len(c) - 2
    if len(t) == 0 or len(c) == 0 or df < 1:
        return float("nan"), float("nan"), float("nan"), max(df, 0)
    point = float(t.mean() - c.mean())
    pooled = (((t - t.mean()) ** 2).sum() + ((c - c.mean()) ** 2).sum()) / df
    se = float(np.sqrt(pooled * (1 / len(t) + 1 / len(c))))
    half = float(stdtrit(df, 1 - (1 - level) / 2)) * se
    return point, point - half, point + half, df


def welch_diff(a: np.ndarray, b: np.ndarray, *, level: float = 0.95) -> tuple[float, float, float]:
    """Mean of a minus mean of b with a Welch t interval (unequal spreads; Satterthwaite's degrees of freedom)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    if len(a) < 2 or len(b) < 2:
        return float("nan"), float("nan"), float("nan")
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    point = float(a.mean() - b.mean())
    if va + vb == 0:
        return point, point, point
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    half = float(stdtrit(df, 1 - (1 - level) / 2)) * float(np.sqrt(va + vb))
    return point, point - half, point + half


def welch_p(a: np.ndarray, b: np.ndarray) -> float:
    """Two-sided p-value of Welch's t test of the two means (1 where both samples are constant and equal)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    if len(a) < 2 or len(b) < 2:
        return float("nan")
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    d = a.mean() - b.mean()
    if va + vb == 0:
        return 1.0 if d == 0 else 0.0
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    return float(2 * stdtr(df, -abs(d) / np.sqrt(va + vb)))
