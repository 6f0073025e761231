"""toolkit.analysis.change: change between cycles with bootstrap intervals, and difference in differences between groups."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from toolkit.analysis.change import change_between
from toolkit.analysis.config import Config, item_table
from toolkit.analysis.did import difference_in_differences, group_selector
from toolkit.core import ids


@pytest.fixture(scope="module")
def cat():
    from toolkit.core.frameworks import load_catalogue

    return load_catalogue()


def cohort(n_per_level: int, prefix: str, area: str | None = None) -> pd.DataFrame:
    agencies = ("local_authority", "police", "health", "education")
    rows = [
        {"respondent": f"{prefix}{lv[:1]}{k:02d}", "agency": agencies[k % 4], "level": lv}
        for lv in ids.LEVELS
        for k in range(n_per_level)
    ]
    df = pd.DataFrame(rows)
    if area is not None:
        df.insert(0, "area", area)
    return df


def rate(cat, who: pd.DataFrame, mean, seed: int, sd: float = 0.8) -> pd.DataFrame:
    """Every respondent rates every item: round(mean(grid) + noise), clipped to 1-5; mean may be a function of the grid."""
    grid = who.merge(item_table(cat)[["framework", "item", "stage", "c"]], how="cross")
    m = mean(grid) if callable(mean) else np.full(len(grid), float(mean))
    rng = np.random.default_rng(seed)
    person = grid["respondent"].map({r: rng.normal(0, 0.3) for r in who["respondent"]}).to_numpy()
    v = np.clip(np.rint(m + person + rng.normal(0, sd, len(grid))), 1, 5)
    out = grid[[*who.columns, "framework", "item"]].copy()
    out["score"] = pd.array(v, dtype="Float64").astype("Int64")
    return out


def on_stage(stage: str, shift: float, base: float = 3.0):
    return lambda g: np.where(g["stage"] == stage, base + shift, base)


def _measure(rows: list[dict], kind: str, measure: str) -> dict:
    (found,) = [r for r in rows if r.kind == kind and r.measure == measure]
    return found


# ---- change between cycles ------------------------------------------------------------------------------------


def test_a_real_improvement_has_an_interval_above_zero(cat) -> None:
    before = rate(cat, cohort(10, "a"), 3.0, seed=1)
    after = rate(cat, cohort(10, "b"), on_stage("communicate", 0.8), seed=2)
    rows = change_between(before, after, cat, Config())
    comm = _measure(rows, "stage", "communicate")
    assert comm.significant is True
    assert 0 < comm.ci_low <= comm.difference <= comm.ci_high
    assert 0.5 < comm.difference < 1.1
    assert comm.difference == pytest.approx(comm.after - comm.before, abs=0.011)
    assert (comm.n_before, comm.n_after) == (30, 30)
    assert comm.label == "Communicate"
    for stage in ("consider", "create", "commit"):
        row = _measure(rows, "stage", stage)
        assert row.ci_low <= 0 <= row.ci_high and not row.significant, row
    # most communicate items improve significantly too; the stages and C's come before the items
    comm_items = set(item_table(cat).query("stage == 'communicate'")["item"])
    item_rows = [r for r in rows if r.kind == "item" and r.measure in comm_items]
    assert sum(r.significant and r.difference > 0 for r in item_rows) >= len(item_rows) // 2
    kinds = [r.kind for r in rows]
    assert kinds[:4] == ["stage"] * 4 and kinds[4:16] == ["c"] * 12


def test_the_same_ratings_twice_show_no_change(cat) -> None:
    ratings = rate(cat, cohort(8, "a"), 3.4, seed=3)
    rows = change_between(ratings, ratings, cat, Config())
    assert len(rows) == 4 + 12 + len(item_table(cat))
    for r in rows:
        assert r.difference == 0.0
        assert r.ci_low <= 0 <= r.ci_high
        assert r.significant is False


def test_no_real_change_rarely_looks_significant(cat) -> None:
    """Two samples from the same population, twelve times over: the 95% intervals nearly always include zero."""
    covered, significant, total = 0, 0, 0
    for seed in range(0, 120, 10):
        before = rate(cat, cohort(10, "a"), 3.2, seed=seed)
        after = rate(cat, cohort(10, "b"), 3.2, seed=seed + 1)
        rows = change_between(before, after, cat, Config(), reps=500)
        covered += sum(r.ci_low <= 0 <= r.ci_high for r in rows if r.kind == "stage")
        significant += sum(r.significant for r in rows)
        total += len(rows)
    assert covered >= 0.85 * 12 * 4
    assert significant / total < 0.01  # corrected across the measures: not the 5% an uncorrected test would give


def test_a_stable_area_shows_no_clear_change_at_the_stated_false_discovery_rate(cat) -> None:
    """Simulated null data over 40 fixed seeds: with nothing changed, BH at 5% over ~160 measures leaves about one
    sample in twenty with any clear change at all (uncorrected, nearly every sample would show several)."""
    with_any, raw_any = 0, 0
    for seed in range(40):
        before = rate(cat, cohort(6, "a"), 3.2, seed=5000 + 2 * seed)
        after = rate(cat, cohort(6, "b"), 3.2, seed=5001 + 2 * seed)
        rows = change_between(before, after, cat, Config(), reps=50)
        with_any += any(r.significant for r in rows)
        raw_any += sum(r.p is not None and r.p < 0.05 for r in rows) >= 3
        assert all(r.q is None or r.p is None or r.q >= r.p for r in rows)
    assert with_any <= 5, f"{with_any} of 40 null samples showed a clear change"
    assert raw_any >= 30  # uncorrected, most samples would hand the room three or more "changes"


def test_change_leaves_out_measures_under_the_threshold(cat) -> None:
    # 3 respondents at each level, each alone of their agency there: pooled into a group of 3 per level (a lone
    # respondent of each level, as before issue 14, is left out of every figure now)
    before = rate(cat, cohort(3, "a"), 3.0, seed=1)
    after = rate(cat, cohort(4, "b"), 4.0, seed=2)
    assert change_between(before, after, cat, Config(min_group_size=3))
    assert change_between(before, after, cat, Config(min_group_size=4)) == []
    # don't know answers count as absent, not as a score
    blank = before.assign(score=pd.array([pd.NA] * len(before), dtype="Int64"))
    assert change_between(blank, after, cat, Config()) == []


def test_change_is_reproducible(cat) -> None:
    before = rate(cat, cohort(6, "a"), 3.0, seed=1)
    after = rate(cat, cohort(6, "b"), 3.3, seed=2)
    assert change_between(before, after, cat, Config()) == change_between(before, after, cat, Config())


# ---- difference in differences --------------------------------------------------------------------------------


def _areas(cat, treated_shift: float, comparison_shift: float, seed: int):
    """Four areas, two cycles: A and B trained (treated), C and D not; everyone drifts by comparison_shift."""
    before, after = [], []
    for k, area in enumerate("ABCD"):
        shift = treated_shift if area in "AB" else comparison_shift
        before.append(rate(cat, cohort(5, "x", area), 3.0, seed=seed + k))
        after.append(rate(cat, cohort(5, "y", area), 3.0 + shift, seed=seed + 10 + k))
    return pd.concat(before, ignore_index=True), pd.concat(after, ignore_index=True)


def _expected_rating(mean: float, sd: float = float(np.hypot(0.3, 0.8))) -> float:
    """The expected value of round(mean + noise) clipped to 1-5, as `rate` draws it (person and answer noise)."""
    edges = np.array([-np.inf, 1.5, 2.5, 3.5, 4.5, np.inf])
    return float((np.diff(norm.cdf((edges - mean) / sd)) * np.arange(1, 6)).sum())


def test_did_recovers_an_injected_treatment_effect_between_areas(cat) -> None:
    """As the Social Engine evaluation: trained areas improve by 0.9, untrained ones by 0.2, two areas a side.

    The true effect on the 1-5 scale is a little under 0.7 (rounding and the ceiling at 5); computed exactly, it
    must lie inside the 95% interval at about the nominal rate over 100 independent samples (fixed seeds, so the
    verdict is the same on every run). Respondents resampled (before issue 17) held it in about 3 of 4.
    """
    truth = _expected_rating(3.9) - _expected_rating(3.2)
    covered, significant = 0, 0
    for k in range(100):
        before, after = _areas(cat, 0.9, 0.2, seed=1000 + 20 * k)  # 20 apart: no two samples share a draw
        res = difference_in_differences(
            before,
            after,
            cat,
            Config(),
            treated=group_selector("area", ["A", "B"]),
            comparison=group_selector("area", ["C", "D"]),
            kind="stage",
            measure="commit",
        )
        assert res.n == {"treat_before": 30, "comp_before": 30, "treat_after": 30, "comp_after": 30}
        assert res.unit == "area" and res.df == 2
        assert (res.areas_treatment, res.areas_comparison) == (["A", "B"], ["C", "D"])
        assert res.ci_low <= res.did <= res.ci_high
        m = res.means  # equal areas: each area counting once is the pooled difference of the four means
        assert res.did == pytest.approx(
            (m["treat_after"] - m["treat_before"]) - (m["comp_after"] - m["comp_before"]), abs=0.02
        )
        # four areas: shown, and said not to be reliable
        assert res.reliable is False and "4 areas" in res.note
        covered += res.ci_low < truth < res.ci_high
        significant += res.significant
    assert covered >= 90, f"the 95% interval held the true effect {truth:.2f} in only {covered} of 100 samples"
    # with two areas a side the interval is wide (2 degrees of freedom), yet a 0.7 effect mostly shows
    assert significant >= 50, significant


def test_did_over_areas_needs_three_areas(cat) -> None:
    before, after = _areas(cat, 0.9, 0.2, seed=7)
    res = difference_in_differences(
        before,
        after,
        cat,
        Config(),
        treated=group_selector("area", ["A"]),
        comparison=group_selector("area", ["C"]),
        measure=None,
    )
    assert res.unit == "area" and res.did is None and res.ci_low is None and res.significant is False
    assert res.reliable is False and "three areas" in res.note
    assert res.means["treat_after"] is not None  # the groups' own figures still show


def test_did_is_about_zero_without_a_treatment_effect(cat) -> None:
    before, after = _areas(cat, 0.3, 0.3, seed=200)
    res = difference_in_differences(
        before,
        after,
        cat,
        Config(),
        treated=group_selector("area", ["A", "B"]),
        comparison=group_selector("area", ["C", "D"]),
        measure=None,
    )
    assert res.ci_low <= 0 <= res.ci_high
    assert res.significant is False
    assert abs(res.did) < 0.25


def test_did_pseudonyms_are_qualified_by_area(cat) -> None:
    """Each area numbers its respondents from the start: the same pseudonym in two areas is two people."""
    before, after = _areas(cat, 0.5, 0.0, seed=300)
    assert before.groupby("respondent")["area"].nunique().max() == 4
    res = difference_in_differences(
        before,
        after,
        cat,
        Config(),
        treated=group_selector("area", ["A"]),
        comparison=group_selector("area", ["B", "C", "D"]),
        kind="c",
        measure="c03_competence",
    )
    assert res.n["treat_before"] == 15 and res.n["comp_before"] == 45


def test_did_by_level_and_by_agency(cat) -> None:
    """Groups chosen by level (trained frontline staff) or by agency (trained schools)."""
    who_before, who_after = cohort(12, "a"), cohort(12, "b")

    def trained(column: str, value: str):
        return lambda g: np.where(g[column] == value, 3.9, 3.1)

    before = rate(cat, who_before, 3.0, seed=1)
    for column, value, other in (
        ("level", "frontline", ["strategic", "managerial"]),
        ("agency", "education", ["local_authority", "police", "health"]),
    ):
        after = rate(cat, who_after, trained(column, value), seed=2)
        res = difference_in_differences(
            before,
            after,
            cat,
            Config(),
            treated=group_selector(column, [value]),
            comparison=group_selector(column, other),
            measure=None,
        )
        assert res.significant and res.ci_low < 0.8 < res.ci_high, (column, res)
        none = difference_in_differences(
            before,
            rate(cat, who_after, 3.1, seed=3),
            cat,
            Config(),
            treated=group_selector(column, [value]),
            comparison=group_selector(column, other),
            measure=None,
        )
        assert none.ci_low <= 0 <= none.ci_high, (column, none)


def test_did_needs_enough_respondents_in_every_cell(cat) -> None:
    before, after = _areas(cat, 0.5, 0.0, seed=400)
    after = after[after["area"] != "A"]  # only area B's 15 respondents are left in the trained group afterwards
    res = difference_in_differences(
        before,
        after,
        cat,
        Config(min_group_size=20),
        treated=group_selector("area", ["A", "B"]),
        comparison=group_selector("area", ["C", "D"]),
        measure=None,
    )
    assert res.did is None and res.ci_low is None and res.significant is False
    assert "20" in res.note
    # a group under the anonymity threshold shows neither its mean nor its size; the others still show theirs
    assert res.means["treat_after"] is None and res.n["treat_after"] is None
    assert res.n["comp_after"] == 30 and res.means["comp_after"] is not None


def test_did_never_shows_a_pair_of_respondents(cat) -> None:
    before, after = _areas(cat, 0.5, 0.0, seed=500)
    pair = after[(after["area"] == "A") & after["respondent"].isin(["ys00", "ys01"])]
    res = difference_in_differences(
        before,
        pair.assign(score=pair["score"].fillna(1)),
        cat,
        Config(),
        treated=group_selector("area", ["A"]),
        comparison=group_selector("area", ["C", "D"]),
        measure=None,
    )
    assert res.n["treat_after"] is None and res.means["treat_after"] is None
    assert res.did is None


def test_groups_are_chosen_by_area_agency_or_level_only() -> None:
    for by in ("area", "agency", "level"):
        group_selector(by, ["x"])
    with pytest.raises(ValueError, match="area, agency or level"):
        group_selector("respondent", ["r001"])
