"""APEASE appraisal: aggregation (unit and property tests) and persistence of shortlist, scores and decisions."""

from __future__ import annotations

import statistics
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from toolkit.core import ids
from toolkit.interventions.apease import aggregate, comparison, comparison_text, criterion_stats, latest
from toolkit.store.areas import get_or_create_area, get_or_create_cycle, resolve_cycle
from toolkit.store.plans import (
    apease_scores,
    decisions,
    record_apease,
    record_decision,
    shortlist,
    shortlist_add,
    shortlist_remove,
)


def row(iv, criterion, rater, score, when=None):
    return {"intervention": iv, "criterion": criterion, "rater": rater, "score": score, "when": when}


# ---- unit tests --------------------------------------------------------------------------------


def test_criterion_stats_mean_spread_n_and_dont_know() -> None:
    s = criterion_stats([4, 5, None, 3])
    assert s["mean"] == 4.0 and s["n"] == 3 and s["dont_know"] == 1
    assert s["sd"] == 1.0 and (s["min"], s["max"]) == (3, 5)
    assert not s["concern"] and s["why"] == ""


def test_low_mean_and_a_split_room_are_concerns() -> None:
    low = criterion_stats([2, 3, 2])
    assert low["concern"] and "below 3" in low["why"]
    split = criterion_stats([1, 5, 5, 5])
    assert split["mean"] == 4.0 and split["concern"] and "split (1 to 5" in split["why"]
    assert not criterion_stats([3, 4]).get("concern")


def test_no_scores_and_only_dont_know() -> None:
    assert criterion_stats([]) | {} == {**criterion_stats([]), "n": 0, "mean": None, "concern": False}
    dk = criterion_stats([None, None])
    assert dk["mean"] is None and dk["dont_know"] == 2 and "don't know" in dk["why"]


def test_a_raters_latest_score_counts() -> None:
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    rows = [row("a", "equity", "r1", 1, t0 + timedelta(hours=1)), row("a", "equity", "r1", 5, t0)]
    assert [r["score"] for r in latest(rows)] == [1]
    assert [r["score"] for r in latest([row("a", "equity", "r1", 1), row("a", "equity", "r1", 4)])] == [4]


def test_aggregate_per_intervention_with_overall_and_concerns() -> None:
    rows = [row("a", c, r, s) for r, s in (("r1", 4), ("r2", 5)) for c in ids.APEASE]
    rows += [row("b", c, "r1", 2 if c == "affordability" else 4) for c in ids.APEASE]
    rows.append(row("b", "equity", "r2", None))
    agg = aggregate(rows)
    assert agg["a"]["overall"] == 4.5 and agg["a"]["concerns"] == [] and agg["a"]["raters"] == 2
    assert agg["b"]["concerns"] == ["affordability"]
    assert agg["b"]["criteria"]["equity"] | {} == {**agg["b"]["criteria"]["equity"], "n": 1, "dont_know": 1}
    table = comparison(agg, names={"a": "Idea A"})
    assert list(table.columns) == ["Idea A", "b"]
    assert list(table.index) == [*ids.APEASE, "overall", "concerns"]
    assert table.loc["affordability", "b"] == 2.0 and table.loc["concerns", "b"] == 1
    text = comparison_text(agg)
    assert "⚠" in text.loc["affordability", "b"] and text.loc["concerns", "b"] == "affordability"
    assert "1 don't know" in text.loc["equity", "b"]


def test_comparison_of_nothing_is_an_empty_table() -> None:
    assert comparison({}).empty and comparison_text({}).empty


# ---- property tests ----------------------------------------------------------------------------

scores = st.lists(st.one_of(st.none(), st.integers(1, 5)), max_size=30)


@given(scores)
def test_stats_are_bounded_and_counted(xs) -> None:
    s = criterion_stats(xs)
    assert s["n"] + s["dont_know"] == len(xs)
    if s["n"]:
        assert s["min"] <= s["mean"] <= s["max"]
        assert s["sd"] >= 0
        known = [x for x in xs if x is not None]
        assert s["mean"] == pytest.approx(statistics.mean(known), abs=0.006)
        split = s["n"] > 1 and (statistics.stdev(known) >= 1.2 or max(known) - min(known) >= 3)
        assert s["concern"] == (statistics.mean(known) < 3 or split)
    else:
        assert s["mean"] is None and not s["concern"]


@given(st.integers(1, 5), st.integers(1, 20))
def test_a_unanimous_room_is_never_split(score, n) -> None:
    s = criterion_stats([score] * n)
    assert s["sd"] == 0 and s["concern"] == (score < 3)


rows_strategy = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "c"]),
        st.sampled_from(ids.APEASE),
        st.sampled_from(["r1", "r2", "r3", "r4"]),
        st.one_of(st.none(), st.integers(1, 5)),
    ),
    max_size=60,
)


@given(rows_strategy, st.randoms())
def test_aggregate_is_order_free_once_each_rater_has_one_score(raw, rnd) -> None:
    rows = latest([row(*r) for r in raw])
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    assert aggregate(rows) == aggregate(shuffled)
    agg = aggregate(rows)
    for iv, a in agg.items():
        total = sum(s["n"] + s["dont_know"] for s in a["criteria"].values())
        assert total == sum(1 for r in rows if r["intervention"] == iv)
        assert set(a["concerns"]) <= set(ids.APEASE)
        means = [s["mean"] for s in a["criteria"].values() if s["mean"] is not None]
        if means:
            assert min(means) - 0.01 <= a["overall"] <= max(means) + 0.01


@given(rows_strategy)
def test_an_earlier_score_from_the_same_rater_changes_nothing(raw) -> None:
    t = datetime(2026, 5, 1, tzinfo=UTC)
    rows = [{**r, "when": t} for r in latest([row(*r) for r in raw])]
    earlier = [{**r, "score": 1, "when": t - timedelta(days=1)} for r in rows]
    assert aggregate(earlier + rows) == aggregate(rows)


# ---- persistence (reruns on PostgreSQL) ----------------------------------------------------------


@pytest.fixture
def cycle(session):
    area = get_or_create_area("Testshire", session=session)
    get_or_create_cycle(area, "2026", session=session)
    return resolve_cycle("Testshire", "2026", session=session)


def test_shortlist_round_trip(session, cycle, catalogue) -> None:
    ref = cycle
    first, second = catalogue.interventions[0].id, catalogue.interventions[1].id
    shortlist_add(ref, second, session=session, cat=catalogue)
    shortlist_add(ref, first, session=session, cat=catalogue)
    shortlist_add(ref, second, session=session, cat=catalogue)
    assert shortlist(ref, session=session) == [second, first]
    shortlist_remove(ref, second, session=session)
    assert shortlist(ref, session=session) == [first]
    with pytest.raises(ValueError, match="no intervention"):
        shortlist_add(ref, "not_an_intervention", session=session, cat=catalogue)


def test_scores_round_trip_and_a_changed_score_replaces_the_old(session, cycle, catalogue) -> None:
    ref = cycle
    iv = catalogue.interventions[0].id
    shortlist_add(ref, iv, session=session, cat=catalogue)
    record_apease(ref, iv, "affordability", "r1", 2, "costly in staff time", session=session, cat=catalogue)
    record_apease(ref, iv, "affordability", "Facilitator Fay", None, session=session, cat=catalogue)
    record_apease(ref, iv, "affordability", "r1", 4, "cheaper than we thought", session=session, cat=catalogue)
    record_apease(ref, iv, "equity", "r1", 5, session=session, cat=catalogue)
    rows = apease_scores(ref, session=session)
    assert len(rows) == 3
    r1 = next(r for r in rows if r["rater"] == "r1" and r["criterion"] == "affordability")
    assert r1["score"] == 4 and r1["note"] == "cheaper than we thought" and r1["when"] is not None
    agg = aggregate(rows)[iv]["criteria"]["affordability"]
    assert (agg["mean"], agg["n"], agg["dont_know"]) == (4.0, 1, 1)


@pytest.mark.parametrize(
    "criterion, score, message",
    [("cost", 3, "criterion"), ("equity", 6, "whole number from 1 to 5"), ("equity", 0, "whole number")],
)
def test_bad_scores_are_refused(session, cycle, catalogue, criterion, score, message) -> None:
    ref = cycle
    iv = catalogue.interventions[0].id
    shortlist_add(ref, iv, session=session, cat=catalogue)
    with pytest.raises(ValueError, match=message):
        record_apease(ref, iv, criterion, "r1", score, session=session, cat=catalogue)


def test_scoring_needs_the_shortlist(session, cycle, catalogue) -> None:
    ref = cycle
    with pytest.raises(ValueError, match="shortlist it first"):
        record_apease(ref, catalogue.interventions[0].id, "equity", "r1", 3, session=session, cat=catalogue)


def test_decisions_round_trip_latest_wins(session, cycle, catalogue) -> None:
    ref = cycle
    iv, other = catalogue.interventions[0].id, catalogue.interventions[2].id
    record_decision(ref, iv, False, "too costly", session=session, by="Board", cat=catalogue)
    record_decision(
        ref, iv, True, "cheap after all; strongest on effectiveness", session=session, by="Board", cat=catalogue
    )
    record_decision(ref, other, False, "side effects", session=session, cat=catalogue)
    d = decisions(ref, session=session)
    assert d[iv]["selected"] is True and d[iv]["rationale"].startswith("cheap") and d[iv]["by"] == "Board"
    assert d[other]["selected"] is False and d[iv]["when"] is not None
