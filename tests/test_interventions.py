"""Suggested interventions: scenarios over the real framework files, reasons, filters, diversity and the CLI."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from toolkit.analysis.area import analyse_frame
from toolkit.analysis.config import Config
from toolkit.core import ids
from toolkit.interventions.suggest import STRONG, diversify, suggest
from toolkit.interventions.suggestion import Suggestion

AGENCIES = ("local_authority", "police", "health", "education", "voluntary_community")
CFG = Config()


def ratings(cat, score, *, per_cell: int = 3, noise: float = 0.4, seed: int = 0, levels=ids.LEVELS) -> pd.DataFrame:
    """A ratings table over every rated item: score(level, agency, item) plus noise, rounded to the 1-5 scale."""
    rng = np.random.default_rng(seed)
    rows = []
    k = 0
    for lv in levels:
        for ag in AGENCIES:
            for _ in range(per_cell):
                k += 1
                for fw in cat.rated:
                    for it in fw.items:
                        s = score(lv, ag, fw.id, it) + rng.normal(0, noise)
                        rows.append((f"r{k:03d}", ag, lv, fw.id, it.id, int(np.clip(np.rint(s), 1, 5))))
    df = pd.DataFrame(rows, columns=["respondent", "agency", "level", "framework", "item", "score"])
    df["score"] = df["score"].astype("Int64")
    return df


def analysed(cat, score, **kw) -> dict:
    return analyse_frame(ratings(cat, score, **kw), cat, CFG, area="Testshire", cycle="2026")


def by_barrier(cat, *prefixes: str) -> set[str]:
    """The library's interventions for one of Kantar's problem statements, named by their barrier."""
    return {iv.id for iv in cat.interventions if iv.barrier.startswith(prefixes)}


def targeting(cat, nodes: set[str]) -> set[str]:
    return {iv.id for iv in cat.interventions if nodes & set(iv.toc_nodes)}


@pytest.fixture(scope="module")
def frontline_communicate(catalogue) -> dict:
    """Frontline staff rate Communicate low; managers middling; leaders and every other stage fine."""
    shift = {"frontline": -2.0, "managerial": -0.7, "strategic": 0.0}
    return analysed(catalogue, lambda lv, ag, fw, it: 4.0 + (shift[lv] if it.stage == "communicate" else 0.0))


@pytest.fixture(scope="module")
def information_sharing(catalogue) -> dict:
    sharing = {"int_information_sharing", "in_agreed_policies"}
    return analysed(catalogue, lambda lv, ag, fw, it: 1.8 if sharing & set(it.toc_nodes) else 4.0)


@pytest.fixture(scope="module")
def wider_organisations(catalogue) -> dict:
    wider = {"ult_wider_collaboration", "out_cross_agency_engagement"}

    def score(lv, ag, fw, it):
        s = 1.8 if wider & set(it.toc_nodes) else 4.0
        return s - (1.0 if ag in ("education", "voluntary_community") else 0.0)

    return analysed(catalogue, score)


@pytest.fixture(scope="module")
def strong(catalogue) -> dict:
    """Strong throughout, with communication planning a little behind the rest."""
    return analysed(catalogue, lambda lv, ag, fw, it: 3.4 if "in_communication_assessment" in it.toc_nodes else 4.4)


def test_weak_frontline_communicate_puts_within_agency_communication_on_top(catalogue, frontline_communicate) -> None:
    a = frontline_communicate
    assert a.opm.priority_stage == "communicate"
    within = by_barrier(catalogue, "Effective within-agency communication", "Frontline communication")
    assert len(within) >= 8
    top = [s.id for s in suggest(a, catalogue, top=5)]
    assert top[0] in within
    assert len(set(top[:3]) & within) >= 2, top
    first = suggest(a, catalogue, top=1)[0]
    assert any(r.startswith("Frontline Communicate") and "the lowest cell" in r for r in first.reasons)


def test_weak_information_sharing_puts_information_sharing_on_top(catalogue, information_sharing) -> None:
    sharing = by_barrier(catalogue, "Information sharing") | targeting(catalogue, {"int_information_sharing"})
    top = [s.id for s in suggest(information_sharing, catalogue, top=5)]
    # the evidence grade weighs in: a reviewed practice on information sharing may rank above an interviewed idea
    assert top[0] in sharing
    assert len(set(top[:3]) & sharing) >= 2, top
    assert any(
        "Information shared efficiently and consistently" in r
        for r in suggest(information_sharing, catalogue)[0].reasons
    )


def test_weak_engagement_of_wider_organisations_brings_up_the_wider_organisation_ideas(
    catalogue, wider_organisations
) -> None:
    wider = by_barrier(catalogue, "Engagement of wider organisations")
    engaging = targeting(catalogue, {"ult_wider_collaboration", "out_cross_agency_engagement"})
    found = suggest(wider_organisations, catalogue, top=5)
    top = [s.id for s in found]
    assert top[0] in engaging
    # the first three all work on wider organisations; Kantar's untested ideas may rank below practice seen on
    # inspection or reported by practitioners, since the evidence grade weighs in
    assert set(top[:3]) <= wider | engaging, top
    assert len(set(top) & engaging) >= 4, top
    reasons = [r for s in found for r in s.reasons]
    assert any(r.startswith(("Education at", "Voluntary and community at")) for r in reasons)


def test_a_uniformly_strong_area_gets_at_most_a_handful_each_with_a_reason(catalogue, strong) -> None:
    assert all((s.mean or 0) >= CFG.priority_threshold for s in strong.opm.by_stage.values())
    found = suggest(strong, catalogue)
    assert 1 <= len(found) <= 3
    for s in found:
        assert s.basis == "weakest_in_area" and "in_communication_assessment" in s.toc_nodes
        assert any("among the area's weakest" in r for r in s.reasons)
    assert len(suggest(strong, catalogue, top=10)) <= 3


def test_nothing_short_of_strong_means_no_suggestions(catalogue) -> None:
    assert suggest(analysed(catalogue, lambda lv, ag, fw, it: 4.4, noise=0.5), catalogue) == []
    assert suggest(analysed(catalogue, lambda lv, ag, fw, it: 4.6, noise=0.0), catalogue) == []


def _numbers(analysis: dict) -> set[str]:
    """Every figure the analysis shows, to one decimal place."""
    out: set[str] = set()

    def walk(x):
        if isinstance(x, dict):
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)
        elif isinstance(x, float):
            out.add(f"{x:.1f}")

    walk(analysis.model_dump(include={"opm", "twelve_cs", "items", "toc"}))
    return out


@pytest.mark.parametrize("scenario", ["frontline_communicate", "information_sharing", "wider_organisations", "strong"])
def test_every_reason_cites_a_real_number(catalogue, scenario, request) -> None:
    a = request.getfixturevalue(scenario)
    shown = _numbers(a)
    for s in suggest(a, catalogue):
        assert s.reasons
        for r in s.reasons:
            cited = re.findall(r"\d\.\d", r)
            assert cited and set(cited) <= shown, (s.id, r)


def test_suggestions_carry_the_contract_fields_best_first(catalogue, information_sharing) -> None:
    found = suggest(information_sharing, catalogue)
    keys = {
        "id",
        "title",
        "score",
        "reasons",
        "stages",
        "levels",
        "cs",
        "toc_nodes",
        "origin",
        "barrier",
        "description",
        "mechanism",
        "evidence",
        "evidence_grade",
        "effort_cost_basis",
        "source",
    }
    assert found and all(keys <= set(s.model_dump()) for s in found)
    scores = [s.score for s in found]
    assert scores == sorted(scores, reverse=True)
    assert len({s.id for s in found}) == len(found)
    dumped = [s.model_dump(mode="json") for s in found]
    assert json.loads(json.dumps(dumped)) == dumped
    assert [Suggestion.model_validate(d) for d in dumped] == found  # the JSON is the model, nothing lost


def test_filters(catalogue, frontline_communicate) -> None:
    a = frontline_communicate
    for s in suggest(a, catalogue, agency="police"):
        assert not s.agencies or "police" in s.agencies
    assert any(s.agencies for s in suggest(a, catalogue, agency="education"))
    for s in suggest(a, catalogue, level="strategic"):
        assert not s.levels or "strategic" in s.levels
    low = suggest(a, catalogue, max_effort="low", max_cost="low")
    assert low and all(s.effort in (None, "low") and s.cost in (None, "low") for s in low)
    assert len(low) < len(suggest(a, catalogue))
    assert len(suggest(a, catalogue, top=2)) == 2
    with pytest.raises(ValueError, match="agency"):
        suggest(a, catalogue, agency="fire_service")


def test_evidence_grade_is_on_every_suggestion_and_weighs_in_the_ranking(catalogue, information_sharing) -> None:
    from toolkit.core.schema import EVIDENCE_GRADES
    from toolkit.interventions import suggest as engine

    found = suggest(information_sharing, catalogue)
    assert found and all(s.evidence_grade in EVIDENCE_GRADES for s in found)
    assert all(s.effort_cost_basis == "toolkit_judgement" for s in found if s.effort or s.cost)
    weights = engine.GRADE_WEIGHTS
    assert weights["single_quasi_experiment"] > weights["three_interviews"] > weights["untested_idea"]
    # the same idea, graded higher, scores higher: the grade is part of the relevance
    first = found[0]
    iv = next(i for i in catalogue.interventions if i.id == first.id)
    stronger = {g: w for g, w in weights.items() if w > weights[iv.evidence_grade]}
    if stronger:
        assert first.relevance < first.relevance / weights[iv.evidence_grade] * max(stronger.values())
    assert "Evidence: " in engine.render_text(found, information_sharing)


def test_top_five_address_different_barriers(catalogue, information_sharing, frontline_communicate) -> None:
    for a in (information_sharing, frontline_communicate):
        top = suggest(a, catalogue, top=5)
        assert len({frozenset(s.toc_nodes) for s in top}) >= 3
        assert top[0].overlap == 0.0 and max(s.overlap for s in top[1:]) > 0


def test_diversify_prefers_a_different_idea_over_a_near_copy() -> None:
    def cand(id_, rel, nodes, ev):
        return {"id": id_, "relevance": rel, "_targets": {f"node:{n}" for n in nodes}, "_ev": ev}

    same = {("node", ("a",)): 1.0}
    picked = diversify(
        [cand("x", 1.0, "ab", same), cand("copy", 0.95, "ab", same), cand("other", 0.7, "cd", {("node", ("c",)): 0.7})],
        None,
    )
    assert [p["id"] for p in picked] == ["x", "other", "copy"]
    assert [p["score"] for p in picked] == sorted((p["score"] for p in picked), reverse=True)


def test_stages_after_the_priority_are_held_back_and_the_priority_boosted(catalogue) -> None:
    """Commit is weak too, but Communicate comes first in the journey: commit-only ideas wait."""

    def score(lv, ag, fw, it):
        return (
            4.0 - (2.0 if it.stage == "communicate" and lv == "frontline" else 0) - (1.4 if it.stage == "commit" else 0)
        )

    a = analysed(catalogue, score)
    assert a.opm.priority_stage == "communicate" and a.opm.by_stage["commit"].mean < 3
    found = suggest(a, catalogue)
    after = [s for s in found if s.stages and set(s.stages) <= {"commit"}]
    assert after
    for s in after:
        assert s.stage_factor < 1 and any(r.startswith("held back: it works on Commit 2.") for r in s.reasons)
    on = [s for s in found if "communicate" in s.stages]
    assert on and all(s.stage_factor > 1 for s in on)
    assert found[0].id in {s.id for s in on}


def test_suppressed_cells_never_drive_or_appear(catalogue) -> None:
    """Two strategic leaders rate Communicate 1: their cell is suppressed and must not show up anywhere."""
    df = ratings(catalogue, lambda lv, ag, fw, it: 4.2, noise=0.3)
    df = df[(df["level"] != "strategic") | df["respondent"].isin(["r001", "r002"])].copy()
    comm = {it.id for it in catalogue.opm.items if it.stage == "communicate"}
    low = (df["level"] == "strategic") & df["item"].isin(comm)
    df.loc[low, "score"] = 1
    a = analyse_frame(df, catalogue, CFG)
    assert a.opm.by_stage_level["communicate"]["strategic"].mean is None
    for s in suggest(a, catalogue):
        assert not any(r.startswith("Strategic ") for r in s.reasons)


def test_a_strong_area_is_judged_against_its_own_median_and_never_on_strong_results(catalogue, strong) -> None:
    for s in suggest(strong, catalogue):
        for r in s.reasons:
            if "among the area's weakest" in r:
                shown = float(re.findall(r"\d\.\d", r)[0])
                assert shown < STRONG


def test_suggest_cli_json_on_the_demo(db_url, capsys) -> None:
    from toolkit.cli.main import main
    from toolkit.training.demo import load_demo

    load_demo(areas=3)
    assert main(["suggest", "--area", "Ashvale (fictional)", "--cycle", "2026", "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert 1 <= len(found) <= 10
    assert {"id", "title", "score", "reasons", "stages", "levels", "cs", "toc_nodes"} <= set(found[0])
    assert "communicate" in found[0]["stages"]
    assert main(["suggest", "--area", "Corrowmere (fictional)", "--cycle", "2026", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) <= 3
    assert main(["suggest", "--area", "Ashvale (fictional)", "--cycle", "2026", "--top", "3"]) == 0
    text = capsys.readouterr().out
    assert "journey priority Communicate" in text and " 3. " in text and " 4. " not in text
    assert "      - Frontline Communicate" in text
    assert main(["suggest", "--area", "Nowhere", "--cycle", "2026"]) == 1
    assert "No area called" in capsys.readouterr().err
