"""The one suppression rule: its vectorised form hides exactly what the per-breakdown form hides, and no total
published beside a breakdown lets a hidden group be recovered by subtraction."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.analysis.suppression import suppressed_cells, suppressed_frame, suppressed_keys

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
