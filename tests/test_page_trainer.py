"""AppTest: trainer mode loads a demo story, explains with sources, reveals the toolkit's answers, resets, presents."""

from __future__ import annotations

import pytest

from tests.pages import open_page, texts
from toolkit.store.areas import list_areas, resolve_cycle
from toolkit.store.assumptions import save_assumption
from toolkit.store.db import session_scope
from toolkit.training.demo import STORIES

ASHVALE, DUNMARSH = STORIES[0].name, STORIES[3].name


@pytest.fixture
def at(db_url, catalogue):
    """The trainer page on an empty database (it loads the demo partnership it needs)."""
    return open_page("app_pages/trainer.py", timeout=120)


def test_the_first_story_is_loaded_and_told(at) -> None:
    assert not at.exception
    shown = texts(at)
    assert "Trainer mode" in shown and STORIES[0].summary in shown
    assert "synthetic" in shown
    with session_scope() as s:
        assert [a.area for a in list_areas(session=s)] == [ASHVALE]
    assert at.radio(key="trainer_stage_answer").value is None
    assert at.button(key="trainer_reveal_stage").disabled


def test_answering_reveals_the_toolkits_answer_and_reasoning(at) -> None:
    at.radio(key="trainer_stage_answer").set_value("consider").run()
    at.button(key="trainer_reveal_stage").click().run()
    assert not at.exception
    shown = texts(at)
    assert "The toolkit's answer:** Communicate" in shown
    assert "The toolkit would start somewhere else." in shown
    assert "first stage where the journey stalls" in shown
    at.radio(key="trainer_stage_answer").set_value("communicate").run()
    assert "You agree with the toolkit." in texts(at)


def test_the_intervention_exercise_reveals_the_suggestions(at, catalogue) -> None:
    from toolkit.analysis.area import analyse
    from toolkit.training.trainer import intervention_exercise

    with session_scope() as s:
        ex = intervention_exercise(analyse(ASHVALE, "2026", session=s, cat=catalogue), catalogue)
    assert len(at.radio(key="trainer_iv_answer").options) == len(ex.options) >= 4
    wrong = next(o.key for o in ex.options if o.key not in ex.accepted)
    at.radio(key="trainer_iv_answer").set_value(wrong).run()
    at.button(key="trainer_reveal_iv").click().run()
    assert not at.exception
    shown = texts(at)
    assert "The toolkit would not shortlist that here." in shown
    assert f"The toolkit's answer:** {ex.options[[o.key for o in ex.options].index(ex.answer)].label}" in shown
    assert "1. " + ex.reasoning[0][3:] in shown
    at.radio(key="trainer_iv_answer").set_value(ex.answer).run()
    assert "You agree with the toolkit." in texts(at)


def test_explain_panels_cite_their_source(at) -> None:
    for kind in ("Stages", "Levels", "The 12 C's", "Theory of Change boxes", "Assumptions", "Interventions"):
        at.segmented_control(key="trainer_explain_kind").set_value(kind).run()
        assert not at.exception, kind
        assert "Source: " in texts(at), kind


def test_another_story_is_loaded_on_demand(at) -> None:
    at.selectbox(key="trainer_story").set_value(DUNMARSH).run()
    assert not at.exception
    assert STORIES[3].summary in texts(at)
    with session_scope() as s:
        assert {a.area for a in list_areas(session=s)} == {ASHVALE, DUNMARSH}


def test_reset_restores_the_demo(at) -> None:
    with session_scope() as s:
        save_assumption(
            resolve_cycle(ASHVALE, "2026", session=s), "reform_pitched_right", "fails", "trainee's edit", session=s
        )
    at.button(key="trainer_reset").click().run()
    assert not at.exception
    assert "back to its demo data" in texts(at)
    from toolkit.store.assumptions import assumption_register

    with session_scope() as s:
        assert assumption_register(resolve_cycle(ASHVALE, "2026", session=s), session=s) == {}


def test_presentation_view_shows_one_screen_at_a_time(at) -> None:
    at.toggle(key="trainer_present").set_value(True).run()
    assert not at.exception
    assert f"# {ASHVALE}" in [m.value for m in at.markdown]
    at.button(key="trainer_next").click().run()
    assert "# Who answered" in [m.value for m in at.markdown]
    assert at.button(key="trainer_prev").disabled is False
