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
