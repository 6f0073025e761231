"""The 12 C's good practice and recommendations beside an area's own C scores (issue 17)."""

from __future__ import annotations

from tests.test_change import cohort, rate
from toolkit.analysis.area import analyse_frame
from toolkit.analysis.config import Config
from toolkit.analysis.guidance import twelve_cs_guidance
from toolkit.core.frameworks import load_catalogue


def test_each_c_has_its_score_practice_and_cited_recommendations() -> None:
    cat = load_catalogue()
    a = analyse_frame(rate(cat, cohort(4, "a"), 2.6, seed=4), cat, Config())
    rows = twelve_cs_guidance(a, cat, threshold=3.0)
    assert [g.c for g in rows] == [c.id for c in cat.twelve_cs.cs]
    for g, c in zip(rows, cat.twelve_cs.cs, strict=True):
        assert g.score == a.twelve_cs[c.id]  # the analysis's own figure, not a second computation
        assert g.weak == (g.score.mean is not None and g.score.mean < 3.0)
        assert g.good_practice == list(c.good_practice) and g.good_practice
        assert g.good_practice_cited.startswith("wales2022, 4.1")
        assert [r.id for r in g.recommendations] == [r.id for r in c.recommendations] and g.recommendations
        assert all(r.cited.startswith("wales2022, 4.1, ") for r in g.recommendations)
    assert any(g.weak for g in rows)  # rated about 2.6: under the threshold
    assert not any(g.weak for g in twelve_cs_guidance(a, cat, threshold=1.0))
