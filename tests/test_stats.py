"""toolkit.analysis.stats: the rank test, the multiple-comparison correction, bootstrap intervals and small-group suppression."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import false_discovery_control, mannwhitneyu

from toolkit.analysis.stats import bh_adjust, bootstrap_did, bootstrap_diff, mann_whitney_grouped
from toolkit.analysis.suppression import suppressed_keys

ordinal = st.lists(st.integers(1, 5), min_size=1, max_size=40)


def _frame(samples: dict[str, tuple[list[int], list[int]]]) -> pd.DataFrame:
    rows = [
        {"key": k, "g": side == 0, "v": v}
        for k, pair in samples.items()
        for side, values in enumerate(pair)
        for v in values
    ]
    return pd.DataFrame(rows)


# ---- Mann-Whitney ---------------------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(a=ordinal, b=ordinal)
def test_mann_whitney_matches_scipy_asymptotic(a: list[int], b: list[int]) -> None:
    out = mann_whitney_grouped(_frame({"x": (a, b)}), "key", "g", "v").iloc[0]
    assert (out["n_a"], out["n_b"]) == (len(a), len(b))
    assert out["mean_a"] == pytest.approx(np.mean(a))
    assert out["mean_b"] == pytest.approx(np.mean(b))
    ref = mannwhitneyu(a, b, method="asymptotic", alternative="two-sided", use_continuity=True)
    assert out["u"] == pytest.approx(ref.statistic)
    if len(set(a) | set(b)) == 1:  # every value ties: no variance, documented as NaN (scipy says 1.0)
        assert np.isnan(out["p"])
    else:
        assert out["p"] == pytest.approx(ref.pvalue, rel=1e-9, abs=1e-12)


@settings(max_examples=50, deadline=None)
@given(pairs=st.lists(st.tuples(ordinal, ordinal), min_size=2, max_size=6))
def test_mann_whitney_keys_are_independent(pairs: list[tuple[list[int], list[int]]]) -> None:
    """Many comparisons in one call give each the p-value it would have alone (ranks are per key)."""
    samples = {f"k{i}": p for i, p in enumerate(pairs)}
    together = mann_whitney_grouped(_frame(samples), "key", "g", "v").set_index("key")
    for k, pair in samples.items():
        alone = mann_whitney_grouped(_frame({k: pair}), "key", "g", "v").set_index("key").loc[k]
        got = together.loc[k]
        assert got["u"] == pytest.approx(alone["u"])
        assert (np.isnan(got["p"]) and np.isnan(alone["p"])) or got["p"] == pytest.approx(alone["p"])


def test_mann_whitney_one_side_missing_gives_no_p() -> None:
    df = _frame({"x": ([1, 2, 3], [])})
    out = mann_whitney_grouped(df, "key", "g", "v").iloc[0]
    assert out["n_b"] == 0
    assert np.isnan(out["p"])


def test_mann_whitney_ignores_dont_know() -> None:
    df = pd.DataFrame(
        {"key": "x", "g": [True] * 4 + [False] * 4, "v": pd.array([1, 2, None, 1, 4, None, 5, 5], "Int64")}
    )
    out = mann_whitney_grouped(df, "key", "g", "v").iloc[0]
    assert (out["n_a"], out["n_b"]) == (3, 3)
    assert out["p"] == pytest.approx(mannwhitneyu([1, 2, 1], [4, 5, 5], method="asymptotic").pvalue)


def test_mann_whitney_finds_a_clear_difference() -> None:
    rng = np.random.default_rng(1)
    a = np.clip(np.rint(rng.normal(4.2, 0.7, 25)), 1, 5)
    b = np.clip(np.rint(rng.normal(2.3, 0.7, 25)), 1, 5)
    out = mann_whitney_grouped(_frame({"x": (list(a), list(b))}), "key", "g", "v").iloc[0]
    assert out["p"] < 1e-6


# ---- Benjamini-Hochberg ---------------------------------------------------------------------------------------


def _bh_reference(p: list[float]) -> list[float]:
    """Textbook BH, quadratic: q_i = min over p_j >= p_i of p_j * m / rank_j, capped at 1."""
    m = len(p)
    order = sorted(range(m), key=lambda i: p[i])
    rank = {i: r + 1 for r, i in enumerate(order)}
    return [min(1.0, min(p[j] * m / rank[j] for j in range(m) if p[j] >= p[i])) for i in range(m)]


pvalues = st.lists(st.floats(0, 1, allow_nan=False), min_size=1, max_size=60)


@settings(max_examples=200, deadline=None)
@given(p=pvalues)
def test_bh_matches_reference_and_scipy(p: list[float]) -> None:
    q = bh_adjust(np.array(p))
    assert q == pytest.approx(_bh_reference(p), abs=1e-12)
    assert q == pytest.approx(false_discovery_control(p, method="bh"), abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(p=pvalues)
def test_bh_is_monotone_and_never_below_p(p: list[float]) -> None:
    arr = np.array(p)
    q = bh_adjust(arr)
    order = np.argsort(arr, kind="stable")
    assert np.all(np.diff(q[order]) >= -1e-15)
    assert np.all(q >= arr - 1e-15)
    assert np.all(q <= 1.0)


@settings(max_examples=100, deadline=None)
@given(p=pvalues, holes=st.lists(st.booleans(), min_size=60, max_size=60))
def test_bh_leaves_nans_out(p: list[float], holes: list[bool]) -> None:
    with_nan = np.array([np.nan if h else x for x, h in zip(p, holes, strict=False)])
    q = bh_adjust(with_nan)
    ok = ~np.isnan(with_nan)
    assert np.array_equal(np.isnan(q), ~ok)
    if ok.any():
        assert q[ok] == pytest.approx(_bh_reference(list(with_nan[ok])), abs=1e-12)


def test_bh_known_values() -> None:
    assert bh_adjust([0.01, 0.04, 0.03, 0.2]) == pytest.approx([0.04, 0.04 * 4 / 3, 0.04 * 4 / 3, 0.2])
    assert bh_adjust(np.array([])).size == 0


# ---- bootstrap ------------------------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(a=st.lists(st.integers(1, 5), min_size=2, max_size=50), b=st.lists(st.integers(1, 5), min_size=2, max_size=50))
def test_bootstrap_interval_contains_the_point_estimate(a: list[int], b: list[int]) -> None:
    point, lo, hi = bootstrap_diff(np.array(a), np.array(b), reps=400, seed=3)
    assert point == pytest.approx(np.mean(b) - np.mean(a))
    assert lo <= point + 1e-9 and point - 1e-9 <= hi


def test_bootstrap_interval_shrinks_with_n() -> None:
    rng = np.random.default_rng(5)
    widths = []
    for n in (10, 40, 160, 640):
        a = rng.integers(1, 6, n)
        b = rng.integers(2, 6, n)
        _, lo, hi = bootstrap_diff(a, b, reps=1000, seed=0)
        widths.append(hi - lo)
    assert all(w2 < w1 for w1, w2 in itertools.pairwise(widths)), widths
    assert widths[-1] < widths[0] / 4  # roughly 1/sqrt(n): 64 times the data, an eighth of the width


def test_bootstrap_is_reproducible_and_seeded() -> None:
    rng = np.random.default_rng(0)
    a, b = rng.normal(3, 1, 30), rng.normal(3.5, 1, 30)
    assert bootstrap_diff(a, b, seed=11) == bootstrap_diff(a, b, seed=11)
    assert bootstrap_diff(a, b, seed=11)[1:] != bootstrap_diff(a, b, seed=12)[1:]


def test_bootstrap_empty_side_is_nan() -> None:
    assert all(np.isnan(x) for x in bootstrap_diff(np.array([]), np.array([1, 2])))


def test_bootstrap_did_point_and_interval() -> None:
    rng = np.random.default_rng(2)
    cells = {
        "treat_before": rng.normal(3.0, 0.5, 60),
        "treat_after": rng.normal(3.8, 0.5, 60),
        "comp_before": rng.normal(3.0, 0.5, 60),
        "comp_after": rng.normal(3.1, 0.5, 60),
    }
    point, lo, hi = bootstrap_did(cells, reps=2000, seed=0)
    expected = (cells["treat_after"].mean() - cells["treat_before"].mean()) - (
        cells["comp_after"].mean() - cells["comp_before"].mean()
    )
    assert point == pytest.approx(expected)
    assert 0 < lo <= point <= hi
    assert lo < 0.7 < hi
    assert all(np.isnan(x) for x in bootstrap_did({**cells, "comp_after": np.array([])}))


# ---- suppression ----------------------------------------------------------------------------------------------


@settings(max_examples=500, deadline=None)
@given(
    counts=st.dictionaries(st.sampled_from(list("abcdefgh")), st.integers(0, 12), min_size=1, max_size=8),
    min_n=st.integers(2, 6),
)
def test_suppressed_keys_properties(counts: dict[str, int], min_n: int) -> None:
    hidden = suppressed_keys(counts, min_n)
    present = {k for k, n in counts.items() if n > 0}
    shown = present - hidden
    # every group under the threshold is hidden, and empty groups are not "hidden" (they reveal nothing)
    assert {k for k in present if counts[k] < min_n} <= hidden
    assert hidden <= present
    # never a single hidden group beside shown ones: it could be worked out from the total by subtraction
    assert not (len(hidden) == 1 and shown)
    # no more hidden than needed: at most one large group is hidden, and only to protect a single small one
    large_hidden = {k for k in hidden if counts[k] >= min_n}
    assert len(large_hidden) <= 1
    if large_hidden:
        assert len(hidden - large_hidden) == 1
        (big,) = large_hidden
        assert counts[big] == min(counts[k] for k in present - (hidden - large_hidden))
    if all(counts[k] >= min_n for k in present):
        assert hidden == set()


def test_suppressed_keys_examples() -> None:
    assert suppressed_keys({"a": 2, "b": 10, "c": 5}, 3) == {"a", "c"}
    assert suppressed_keys({"a": 2, "b": 1, "c": 5}, 3) == {"a", "b"}
    assert suppressed_keys({"a": 2}, 3) == {"a"}
    assert suppressed_keys({"a": 2, "b": 0}, 3) == {"a"}
    assert suppressed_keys({"a": 4, "b": 4}, 5) == {"a", "b"}
