"""The one suppression rule: its vectorised form hides exactly what the per-breakdown form hides, and no total
published beside a breakdown lets a hidden group be recovered by subtraction."""

from __future__ import annotations

import itertools

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.analysis.suppression import (
    POOLED,
    WITHHELD,
    coverage_withheld,
    residue_too_few,
    suppressed_cells,
    suppressed_frame,
    suppressed_keys,
    unit_frame,
    unit_roles,
)

LEVELS = ["frontline", "managerial", "strategic"]
breakdowns = st.dictionaries(
    st.tuples(st.sampled_from(["a1", "a2", "a3"]), st.sampled_from(["m1", "m2"])),
    st.fixed_dictionaries({lv: st.integers(0, 6) for lv in LEVELS}),
    min_size=1,
)


@settings(max_examples=200, deadline=None)
@given(breakdowns, st.integers(1, 5))
def test_the_vectorised_rule_is_the_same_rule(data: dict, min_n: int) -> None:
    rows = [{"area": a, "measure": m, "level": lv, "n": n} for (a, m), c in data.items() for lv, n in c.items()]
    frame = pd.DataFrame(rows).sample(frac=1, random_state=1).reset_index(drop=True)  # order must not matter
    got = suppressed_frame(frame, ["area", "measure"], "level", "n", min_n)
    expected = [row.level in suppressed_keys(data[(row.area, row.measure)], min_n) for row in frame.itertuples()]
    assert got.tolist() == expected


@settings(max_examples=200, deadline=None)
@given(st.fixed_dictionaries({lv: st.integers(0, 8) for lv in LEVELS}), st.integers(2, 5))
def test_a_total_and_the_shown_groups_never_give_away_one_hidden_group(counts: dict, min_n: int) -> None:
    hidden = suppressed_keys(counts, min_n)
    present_hidden = [k for k in hidden if counts[k] > 0]
    # the attacker knows the total (published only when it is itself at least min_n) and every shown group:
    # what is left is the sum of the hidden ones, which must never be one group alone
    if sum(counts.values()) >= min_n:
        assert len(present_hidden) != 1
    assert all(counts[k] >= min_n for k in counts if k not in hidden and counts[k] > 0)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(st.tuples(st.sampled_from("ABCD"), st.sampled_from(LEVELS)), st.integers(0, 7), min_size=1),
    st.integers(2, 4),
)
def test_no_row_or_column_of_a_two_way_table_has_one_hidden_cell(counts: dict, min_n: int) -> None:
    hidden = suppressed_cells(counts, min_n)
    for axis in (0, 1):
        for value in {k[axis] for k in counts}:
            line = [k for k in counts if k[axis] == value and counts[k] > 0]
            if len(line) > 1:
                assert sum(k in hidden for k in line) != 1, (axis, value)


def test_a_pool_is_made_only_when_no_cell_is_more_than_half_of_it() -> None:
    """A pair beside one person (2 + 1) is withheld, both cells: the pool's figure less the one person's answers
    would pin the pair (issue 14); 2 + 2 and 1 + 1 + 1 are pooled; the table form agrees with the one-area form."""
    counts = {("S", "la"): 1, ("S", "police"): 2, ("M", "la"): 2, ("M", "health"): 2, ("F", "a"): 1, ("F", "b"): 1}
    counts |= {("F", "c"): 1, ("F", "d"): 4}
    roles = unit_roles(counts, 3)
    assert roles[("S", "la")] == roles[("S", "police")] == WITHHELD
    assert roles[("M", "la")] == roles[("M", "health")] == POOLED
    assert {roles[("F", x)] for x in "abc"} == {POOLED} and roles[("F", "d")] == "own"
    frame = pd.DataFrame([{"m": "x", "level": lv, "agency": a, "n": n} for (lv, a), n in counts.items()])
    assert list(unit_frame(frame, ["m"], "level", "agency", "n", 3)) == [roles[k] for k in counts]


def leftovers(unmatched: int, patterns: dict[frozenset, int]) -> set[int]:
    """Every number of respondents some weighting of a composite's statements leaves, by brute force: the patterns
    cancelled together are any set in which no two differ in size and share a statement."""
    keys = list(patterns)
    out = set()
    for k in range(len(keys) + 1):
        for gone in itertools.combinations(keys, k):
            if any(len(a) != len(b) and a & b for a, b in itertools.combinations(gone, 2)):
                continue
            out.add(unmatched + sum(n for p, n in patterns.items() if p not in gone))
    return out


answer_patterns = st.dictionaries(
    st.frozensets(st.sampled_from(["s1", "s2", "s3", "s4"]), min_size=1), st.integers(1, 4), max_size=6
)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 4), answer_patterns, st.integers(1, 5))
def test_the_coverage_rule_finds_every_short_leftover(unmatched: int, patterns: dict, min_n: int) -> None:
    """residue_too_few is the brute-force search over which answer patterns a weighting cancels, done quickly."""
    short = any(0 < n < min_n for n in leftovers(unmatched, patterns))
    assert residue_too_few(unmatched, patterns, min_n) == short


def test_a_lone_skipper_beside_a_level_that_answered_alike_withholds_one_statement() -> None:
    """Eight answered a level's five statements, one skipped the fifth: the stage's figure less a fifth of each
    statement's leaves the skipper's mean over five. One statement goes (the one all nine are published on), not
    all five: then nine people's answers to it are in no statement figure and stay in every leftover."""
    five = frozenset({"s1", "s2", "s3", "s4", "s5"})
    members = [(five, five)] * 8 + [(five - {"s5"}, five - {"s5"})]
    out = coverage_withheld([(("stage", "opm", "consider"), members)], {}, 3)
    assert out == {("item", "opm", "s1")}


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.tuples(st.sampled_from(["strategic", "managerial", "frontline"]), st.sampled_from(["la", "po", "he", "ed"])),
        st.integers(0, 7),
    ),
    st.integers(2, 5),
)
def test_who_answered_never_shows_a_small_cell_nor_lets_the_total_give_one_away(counts, min_n) -> None:
    from toolkit.analysis.suppression import respondent_counts, unit_roles

    table = respondent_counts(counts, min_n)
    assert set(table) == {k for k, n in counts.items() if n > 0}
    assert all(n is None or n >= min_n for n in table.values())
    roles = unit_roles(counts, min_n)
    total = sum(n for k, n in counts.items() if n > 0 and roles[k] != WITHHELD)  # what the analysis publishes
    for level in ("strategic", "managerial", "frontline"):
        left = sum(n for (lv, _a), n in counts.items() if lv == level and roles.get((lv, _a)) == POOLED)
        shown = sum(n or 0 for (lv, _a), n in table.items() if lv == level)
        level_total = sum(n for (lv, a), n in counts.items() if lv == level and n > 0 and roles[(lv, a)] != WITHHELD)
        assert level_total - shown == left and (left == 0 or left >= min_n)  # whole pools only
    assert total - sum(n or 0 for n in table.values()) in {0} | set(range(min_n, 10**6))
