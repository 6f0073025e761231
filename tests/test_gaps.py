"""Perception gaps (issue 17): every level pair, agency against agency as well as against the rest, one correction
over all of them, and Cliff's delta beside each test; the chart draws what the test tests."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tests.test_analysis import _gap, craft, even_team, noisy
from toolkit.analysis.area import analyse_frame
from toolkit.analysis.config import Config
from toolkit.charts.results import gap_table, gaps_chart

FOUR = ("local_authority", "police", "health", "education")


@pytest.fixture(scope="module")
def cat():
    from toolkit.core.frameworks import load_catalogue

    return load_catalogue()


@pytest.fixture(scope="module")
def team(cat):
    """Managers rate 1.5 above everyone else; police rate 1.5 below health; the rest alike."""
    who = even_team(16, agencies=FOUR)

    def score(g):
        m = 3.0 + np.where(g["level"] == "managerial", 1.5, 0.0)
        m = m + np.where(g["agency"] == "police", -0.75, 0.0) + np.where(g["agency"] == "health", 0.75, 0.0)
        return np.clip(np.rint(noisy(g, m, seed=9, sd=0.5)), 1, 5)

    return analyse_frame(craft(cat, who, score), cat, Config())


def test_every_pair_of_levels_is_tested(team) -> None:
    pairs = {tuple(g.between) for g in team.gaps if g.kind == "level"}
    assert pairs == {("strategic", "managerial"), ("strategic", "frontline"), ("managerial", "frontline")}
    sm = _gap(team, "strategic", "managerial", stage="commit")  # the pair missing before issue 17
    assert sm is not None and sm.significant and sm.difference < -1 and sm.cliffs_delta < -0.5
    sf = _gap(team, "strategic", "frontline", stage="commit")
    assert sf is not None and not sf.significant and abs(sf.cliffs_delta) < 0.3


def test_agencies_are_compared_pairwise_under_one_correction(team) -> None:
    ph = _gap(team, "health", "police", stage="create")  # sorted ids: health before police
    assert ph is not None and ph.kind == "agency" and ph.significant and ph.cliffs_delta > 0.5
    la_edu = _gap(team, "education", "local_authority", stage="create")
    assert la_edu is not None and not la_edu.significant
    # q is one Benjamini-Hochberg over every comparison of every kind: never below its raw p
    assert all(g.q is None or g.p is None or g.q >= g.p - 1e-12 for g in team.gaps)


def test_cliffs_delta_agrees_with_counting_pairs(cat) -> None:
    who = even_team(6, agencies=("local_authority", "police"))
    rng = np.random.default_rng(3)
    ratings = craft(cat, who, lambda g: rng.integers(1, 6, len(g)).astype(float), frameworks=("opm",))
    result = analyse_frame(ratings, cat, Config())
    from toolkit.analysis.scores import respondent_scores

    s = respondent_scores(ratings, cat)
    for g in [g for g in result.gaps if g.item is not None][:20]:
        col = "level" if g.kind == "level" else "agency"
        sub = s[(s["kind"] == "item") & (s["measure"] == g.item)]
        a = sub[sub[col] == g.between[0]]["score"].to_numpy()
        b = (sub[sub[col] != g.between[0]] if g.between[1] == "others" else sub[sub[col] == g.between[1]])["score"]
        expected = np.sign(a[:, None] - b.to_numpy()[None, :]).mean()
        assert g.cliffs_delta == pytest.approx(expected, abs=0.006), g


def test_the_chart_draws_the_effect_size_the_test_is_on(team) -> None:
    spec = json.dumps(gaps_chart(team.gaps).to_dict(validate=False))
    assert "Cliff's delta" in spec and '"field": "delta"' in spec
    table = gap_table(team.gaps)
    assert "Cliff's delta" in table.columns
    assert table["Cliff's delta"].abs().max() <= 1
