"""Scale quality (issue 17): Cronbach's alpha and item-rest correlations, checked against known cases."""

from __future__ import annotations

import numpy as np
import pytest

from tests.test_change import cohort, rate
from toolkit.analysis.reliability import cronbach_alpha, item_rest, scale_quality


def test_alpha_of_known_matrices() -> None:
    x = np.array([[1, 2, 3], [2, 3, 4], [3, 4, 5], [4, 5, 5]], float)
    k, v, t = 3, x.var(axis=0, ddof=1).sum(), x.sum(axis=1).var(ddof=1)
    assert cronbach_alpha(x) == pytest.approx(k / (k - 1) * (1 - v / t))
    rng = np.random.default_rng(0)
    assert abs(cronbach_alpha(rng.integers(1, 6, (2000, 6))) or 0) < 0.1  # unrelated items: about zero
    assert cronbach_alpha(x[:, :1]) is None and cronbach_alpha(np.ones((5, 3))) is None
    assert item_rest(x)[0] == pytest.approx(np.corrcoef(x[:, 0], x[:, 1] + x[:, 2])[0, 1])


def test_scale_quality_per_stage_and_c(cat) -> None:
    ratings = rate(cat, cohort(20, "a"), 3.0, seed=1)  # a person effect shared by every answer: consistent scales
    qs = scale_quality(ratings, cat, 3)
    assert {q.kind for q in qs} == {"stage", "c"}
    stages = [q for q in qs if q.kind == "stage"]
    assert len(stages) == 4 and all(q.n == 60 and q.alpha is not None for q in stages)
    assert all(-1 <= v <= 1 for q in qs for v in q.item_rest.values() if v is not None)
    few = scale_quality(ratings[ratings["respondent"].isin(["as00", "as01"])], cat, 3)
    assert all(q.alpha is None and not q.item_rest for q in few)


@pytest.fixture(scope="module")
def cat():
    from toolkit.core.frameworks import load_catalogue

    return load_catalogue()


def test_scale_quality_leaves_out_a_group_the_figures_leave_out(cat) -> None:
    """A lone respondent of their agency and level is in no figure, so not in the scale quality either."""
    import pandas as pd

    from toolkit.analysis.reliability import published_quality

    big = pd.DataFrame(
        [{"respondent": f"b{k:02d}", "agency": "police", "level": "frontline"} for k in range(12)]
        + [{"respondent": "lone", "agency": "other", "level": "strategic"}]
    )
    ratings = rate(cat, big, 3.0, seed=2)
    qs = {(q.kind, q.measure): q for q in published_quality(ratings, cat, 3)}
    assert qs[("stage", "consider")].n == 12  # the twelve police frontline, not the lone strategic respondent
    every = {(q.kind, q.measure): q for q in scale_quality(ratings, cat, 3)}
    assert every[("stage", "consider")].n == 13  # the check can fail: unfiltered, the lone one counts


def test_scale_quality_in_words() -> None:
    from toolkit.analysis.reliability import ScaleQuality, in_words

    def q(alpha, item_rest=None, note=""):
        return ScaleQuality(
            kind="c",
            measure="c01_clarity",
            n=10,
            n_items=3,
            alpha=alpha,
            item_rest=item_rest or {},
            unreliable=alpha is not None and alpha < 0.6,
            note=note,
        )

    assert "hang together well" in in_words(q(0.85))
    assert "acceptably" in in_words(q(0.72))
    assert "only loosely" in in_words(q(0.65))
    assert "too unreliable to rank on" in in_words(q(0.4))
    assert "1 statement goes against the rest" in in_words(q(0.85, {"a": 0.1, "b": 0.6}))
    assert in_words(q(None, note="fewer than 3 complete answers")) == "Not worked out: fewer than 3 complete answers."


def test_only_a_facilitator_or_administrator_of_the_area_may_see_scale_quality(db_url, cat) -> None:
    from toolkit.access.accounts import Identity, Member
    from toolkit.access.scope import AccessDenied
    from toolkit.analysis.config import Config
    from toolkit.analysis.reliability import scale_quality_of
    from toolkit.capture.ratings_import import import_table
    from toolkit.store.areas import resolve_cycle
    from toolkit.store.db import session_scope

    ratings = rate(cat, cohort(4, "a", area="Northshire"), 3.0, seed=3)
    ratings = ratings.assign(cycle="2026", comment="", score=ratings["score"].astype("string").fillna(""))
    with session_scope() as s:
        import_table(ratings, "test.csv", session=s, catalogue=cat)
    with session_scope() as s:
        aid = resolve_cycle("Northshire", "2026", session=s).area_id
    facilitator = Identity("f", "facilitator", (Member("facilitator", aid, "Northshire"),))
    scrutineer = Identity("s", "scrutineer", (Member("scrutineer", aid, "Northshire"),))
    elsewhere = Identity("g", "facilitator", (Member("facilitator", aid + 1, "Elsewhere"),))
    with session_scope() as s:
        qs = scale_quality_of(facilitator, "Northshire", "2026", session=s, cat=cat, cfg=Config())
        assert {q.kind for q in qs} == {"stage", "c"} and all(q.n == 12 for q in qs if q.kind == "stage")
        for who in (scrutineer, elsewhere, None):
            with pytest.raises(AccessDenied):
                scale_quality_of(who, "Northshire", "2026", session=s, cat=cat, cfg=Config())
