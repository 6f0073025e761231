"""toolkit.analysis.evaluation: the two designs of issue 17 (after only as Social Engine's, difference in differences
with a pre-trend check), balance, caveats, and `python -m toolkit evaluate` as a user runs it."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from tests.test_change import cohort, rate
from tests.test_cli_analyse import run, strict_json
from toolkit.analysis.config import Config
from toolkit.analysis.evaluation import REFERENCE, Evaluation, GroupSpec, evaluate_frames


@pytest.fixture(scope="module")
def cat():
    from toolkit.core.frameworks import load_catalogue

    return load_catalogue()


def trained_education(lift: float):
    return lambda g: np.where(g["agency"] == "education", 3.0 + lift, 3.0)


EDU, REST = GroupSpec.parse("agency:education"), GroupSpec.parse("agency:local_authority,police,health")


def test_group_specs_parse_and_refuse_what_they_cannot_mean() -> None:
    assert GroupSpec.parse("area:North, West") == GroupSpec(by="area", values=["North", "West"])
    assert GroupSpec.parse("level:frontline").label() == "level frontline"
    for bad in ("frontline", "respondent:r1", "area:", "agency:,"):
        with pytest.raises(ValueError, match="area:NAME"):
            GroupSpec.parse(bad)


def test_after_only_finds_a_planted_difference_with_its_interval(cat) -> None:
    after = rate(cat, cohort(16, "a"), trained_education(0.8), seed=11)
    ev = evaluate_frames(after, cat, Config(), treatment=EDU, comparison=REST, cycles=("2026", None, None))
    p = ev.post
    assert (p.n_treatment, p.n_comparison) == (12, 36)  # education is every fourth person of 48
    assert p.unit == "respondent" and "Welch" in p.interval
    assert p.significant and 0 < p.ci_low < 0.8 * 0.8 < p.ci_high
    assert p.difference == pytest.approx(p.mean_treatment - p.mean_comparison, abs=0.011)
    assert ev.did is None and ev.pre_trend is None
    assert ev.caveats[0].startswith("After only")
    text = " ".join(ev.caveats)
    assert "Self-selection" in text and "helpline" in text
    # the Social Engine figures travel with every result, with their source
    assert (REFERENCE.n_treatment, REFERENCE.n_comparison, REFERENCE.difference) == (165, 984, 0.37)
    assert (REFERENCE.ci_low, REFERENCE.ci_high) == (0.18, 0.57) and REFERENCE.source.report == "social_engine2021"
    assert Evaluation.model_validate_json(ev.model_dump_json()) == ev


def test_no_difference_rarely_looks_significant_after_only(cat) -> None:
    hits = 0
    for k in range(40):
        after = rate(cat, cohort(8, "a"), 3.2, seed=500 + k)
        hits += evaluate_frames(after, cat, Config(), treatment=EDU, comparison=REST).post.significant
    assert hits <= 5  # about 2 of 40 at 95%


def test_difference_in_differences_and_a_pre_trend_caught(cat) -> None:
    pre = rate(cat, cohort(16, "p"), 3.0, seed=1)
    before = rate(cat, cohort(16, "b"), trained_education(0.6), seed=2)  # education was already pulling ahead
    after = rate(cat, cohort(16, "a"), trained_education(1.2), seed=3)
    ev = evaluate_frames(
        after,
        cat,
        Config(),
        treatment=EDU,
        comparison=REST,
        cycles=("2026", "2025", "2024"),
        before=before,
        pre=pre,
    )
    assert ev.did is not None and ev.did.significant and ev.did.ci_low < 0.6 < ev.did.ci_high
    assert ev.pre_trend is not None and ev.pre_trend.significant
    assert "already moving apart between 2024 and 2025" in ev.pre_trend_verdict
    assert not ev.caveats[0].startswith("After only")
    (row,) = [b for b in ev.balance if b.characteristic == "score_before"]
    assert row.value == "2025" and row.treatment > row.comparison
    # parallel trends before: the check says so, and weakly
    flat = evaluate_frames(
        after,
        cat,
        Config(),
        treatment=EDU,
        comparison=REST,
        cycles=("2026", "2025", "2024"),
        before=rate(cat, cohort(16, "b"), 3.0, seed=4),
        pre=pre,
    )
    assert flat.pre_trend is not None and not flat.pre_trend.significant
    assert flat.pre_trend_verdict.startswith("No clear difference") and "weak reassurance" in flat.pre_trend_verdict


def test_balance_shows_make_up_but_never_a_small_count(cat) -> None:
    after = rate(cat, cohort(16, "a"), 3.0, seed=5)
    after = after[~((after["agency"] == "education") & (after["level"] == "frontline"))]
    extra = rate(cat, cohort(1, "z").assign(agency="education", level="frontline").head(2), 3.0, seed=6)
    ev = evaluate_frames(pd.concat([after, extra]), cat, Config(), treatment=EDU, comparison=REST)
    by = {(b.characteristic, b.value): b for b in ev.balance}
    assert not any(c == "agency" for c, _ in by)  # groups chosen by agency: their agencies differ by design
    front = by[("level", "frontline")]
    assert front.treatment is None and front.std_difference is None and not front.flagged  # 2 of them: hidden
    assert by[("level", "strategic")].treatment == pytest.approx(4 / 10, abs=0.01)
    assert by[("level", "strategic")].comparison == pytest.approx(1 / 3, abs=0.01)


def test_groups_that_share_people_are_refused(cat) -> None:
    after = rate(cat, cohort(6, "a"), 3.0, seed=7)
    with pytest.raises(ValueError, match="overlap"):
        evaluate_frames(after, cat, Config(), treatment=EDU, comparison=GroupSpec.parse("level:frontline,managerial"))


def test_too_small_a_group_shows_nothing_of_itself(cat) -> None:
    after = rate(cat, cohort(6, "a"), 3.0, seed=8)
    ev = evaluate_frames(after, cat, Config(min_group_size=5), treatment=EDU, comparison=REST)
    assert ev.post.n_treatment is None and ev.post.mean_treatment is None and ev.post.difference is None
    assert "at least 5" in ev.post.note and ev.post.n_comparison == 15


def test_evaluate_command_prints_one_json_document(db_url: str) -> None:
    from toolkit.training.demo import load_demo

    load_demo(areas=4, cycles=("2024", "2025", "2026"))
    names = sorted(json.loads(run(db_url, "areas", "--json").stdout), key=lambda a: a["area"])
    a, b, c, d = (x["area"] for x in names[:4])
    out = run(
        db_url,
        "evaluate",
        "--treatment",
        f"area:{a},{b}",
        "--comparison",
        f"area:{c},{d}",
        "--before",
        "2025",
        "--after",
        "2026",
        "--json",
    )
    assert out.returncode == 0, out.stderr
    ev = Evaluation.model_validate(strict_json(out.stdout))
    assert ev.post.unit == "area" and ev.did is not None and ev.did.unit == "area"
    assert ev.pre == "2024" and ev.pre_trend is not None and ev.pre_trend_verdict
    assert ev.did.reliable is False and "4 areas" in ev.did.note
    assert any("synthetic" in x for x in ev.caveats)
    text = run(db_url, "evaluate", "--treatment", f"area:{a}", "--comparison", f"area:{b}", "--after", "2026")
    assert text.returncode == 0 and "Social Engine" in text.stdout and "165" in text.stdout
    bad = run(
        db_url, "evaluate", "--treatment", "level:frontline", "--comparison", "level:strategic", "--after", "2026"
    )
    assert bad.returncode != 0 and "--area" in bad.stderr and "Traceback" not in bad.stderr
