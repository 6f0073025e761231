"""Trainer mode logic: demo loading and reset, explain panels with sources, exercises and their feedback, slides."""

from __future__ import annotations

import pytest

from tests.published import counted_in
from toolkit.analysis.area import analyse
from toolkit.analysis.config import Config
from toolkit.core import ids
from toolkit.interventions.suggest import suggest
from toolkit.store.areas import get_or_create_area, list_areas, resolve_cycle
from toolkit.store.assumptions import assumption_register, save_assumption
from toolkit.store.db import session_scope
from toolkit.training import trainer as training
from toolkit.training.demo import DEMO_NOTICE, STORIES

ASHVALE = STORIES[0].name


@pytest.fixture
def ashvale(db_url, catalogue) -> dict:
    with session_scope() as s:
        assert training.ensure_demo_area(ASHVALE, session=s, cat=catalogue)
        return analyse(ASHVALE, training.EXERCISE_CYCLE, session=s, cat=catalogue, cfg=Config())


def test_a_demo_partnership_is_loaded_once_with_its_story(ashvale, catalogue) -> None:
    with session_scope() as s:
        assert not training.ensure_demo_area(ASHVALE, session=s, cat=catalogue)
        (area,) = list_areas(session=s)
    assert area.area == ASHVALE and area.fictional and [c.cycle for c in area.cycles] == ["2025", "2026"]
    with session_scope() as s:
        everyone, published = counted_in(ASHVALE, training.EXERCISE_CYCLE, session=s)
    # the story's people all answered; the analysis counts those outside withheld small groups
    assert everyone == STORIES[0].respondents and ashvale.respondents == published


def test_reset_deletes_what_was_done_and_reloads(ashvale, catalogue) -> None:
    with session_scope() as s:
        save_assumption(resolve_cycle(ASHVALE, "2026", session=s), "reform_pitched_right", "fails", "edit", session=s)
        assert training.reset_demo_area(ASHVALE, session=s, cat=catalogue) > 0
    with session_scope() as s:
        assert assumption_register(resolve_cycle(ASHVALE, "2026", session=s), session=s) == {}
        assert training.demo_loaded(ASHVALE, session=s)


def test_reset_refuses_what_is_not_a_demo(db_url, catalogue) -> None:
    with session_scope() as s:
        get_or_create_area(ASHVALE, session=s, fictional=False)
        with pytest.raises(ValueError, match="not marked as a fictional"):
            training.reset_demo_area(ASHVALE, session=s, cat=catalogue)
        with pytest.raises(KeyError):
            training.reset_demo_area("Northshire", session=s, cat=catalogue)


def test_the_stage_exercise_answers_with_the_journey_priority(ashvale, catalogue) -> None:
    ex = training.stage_exercise(ashvale, catalogue)
    assert ex.answer == ashvale.opm.priority_stage == "communicate"  # Ashvale's story: it stalls at Communicate
    assert [o.key for o in ex.options] == list(ids.STAGES)
    assert set(ex.notes) == set(ids.STAGES) and "below 3" in ex.notes["communicate"]
    right = training.check(ex, "communicate")
    assert right.agrees and right.toolkit_answer == "Communicate" and right.reasoning[0] == ashvale.opm.priority_reason
    wrong = training.check(ex, "commit")
    assert not wrong.agrees and "somewhere else" in wrong.headline and wrong.about_yours == ex.notes["commit"]
    assert not training.check(ex, None).agrees


def test_the_intervention_exercise_mixes_suggestions_with_misfits(ashvale, catalogue) -> None:
    ex = training.intervention_exercise(ashvale, catalogue, top=3, distractors=3, seed=1)
    top = [f.id for f in suggest(ashvale, catalogue, top=3)]
    assert list(ex.accepted) == top and ex.answer == top[0]
    keys = [o.key for o in ex.options]
    assert len(keys) == len(set(keys)) == 6 and set(top) <= set(keys)
    misfits = [k for k in keys if k not in top]
    by_id = {iv.id: iv for iv in catalogue.interventions}
    assert all("communicate" not in by_id[k].stages for k in misfits)
    assert training.check(ex, top[1]).agrees
    fb = training.check(ex, misfits[0])
    assert not fb.agrees and "not where this partnership's journey stalls" in fb.about_yours
    assert ex == training.intervention_exercise(ashvale, catalogue, top=3, distractors=3, seed=1)  # reproducible


def test_explain_covers_everything_with_a_source(ashvale, catalogue) -> None:
    expected = {
        "Stages": 4,
        "Levels": 3,
        "The 12 C's": 12,
        "Theory of Change boxes": len(catalogue.toc.nodes),
        "Assumptions": len(catalogue.toc.assumptions),
        "Interventions": len(catalogue.interventions),
    }
    for kind, n in expected.items():
        entries = training.explain(kind, catalogue, ashvale)
        assert len(entries) == n, kind
        assert all(e.title and e.text and ", " in e.source for e in entries), kind
    stage = training.explain("Stages", catalogue, ashvale)[2]
    assert stage.key == "communicate" and stage.here.startswith("Mean here: ")
    weak = [e for e in training.explain("Theory of Change boxes", catalogue, ashvale) if "weak" in e.here]
    assert weak and all("Status here" in e.here for e in weak)
    with pytest.raises(ValueError):
        training.explain("Nothing", catalogue)


def test_slides_tell_the_story_one_thing_per_screen(ashvale, catalogue) -> None:
    deck = training.slides(ashvale, catalogue, ASHVALE)
    assert deck[0].title == ASHVALE and DEMO_NOTICE in deck[0].lines
    assert [s.title for s in deck].index("The toolkit's answer: Communicate") == 4
    assert all(s.title and s.lines for s in deck) and len(deck) == 8
