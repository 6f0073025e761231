"""AppTest: a selected intervention becomes a goal with steps, owners, messengers, dates and progress."""

from __future__ import annotations

import pytest

from tests.pages import ASHVALE, open_page, texts
from toolkit.store.areas import resolve_cycle
from toolkit.store.audit import entries
from toolkit.store.db import session_scope
from toolkit.store.plans import action_plan, record_decision, shortlist_add
from toolkit.training.demo import load_demo


@pytest.fixture
def selected(db_url, catalogue):
    load_demo(areas=1, catalogue=catalogue)
    iv = next(i for i in catalogue.interventions if i.origin == "shortlist")
    with session_scope() as s:
        shortlist_add(resolve_cycle(ASHVALE, "2026", session=s), iv.id, session=s, cat=catalogue)
        record_decision(
            resolve_cycle(ASHVALE, "2026", session=s), iv.id, True, "agreed at the board", session=s, cat=catalogue
        )
    return iv


def test_a_selected_intervention_becomes_a_goal_with_steps_and_progress(selected, catalogue) -> None:
    at = open_page("app_pages/action_plan.py", sel_area=ASHVALE, sel_cycle="2026")
    assert not at.exception
    assert selected.title in texts(at)
    at.button(key=f"plan_goal_{selected.id}").click().run()
    with session_scope() as s:
        goal = action_plan(resolve_cycle(ASHVALE, "2026", session=s), session=s)["goals"][0]
    assert goal["intervention"] == selected.id and goal["toc_nodes"] == list(selected.toc_nodes) and goal["items"]
    gid = goal["id"]
    messenger = catalogue.get("implementation_guidance").messengers[0]
    at.text_input(key=f"plan_text_{gid}").input("Brief every team manager")
    at.text_input(key=f"plan_owner_{gid}").input("Police")
    at.selectbox(key=f"plan_msgr_{gid}").select(messenger.id)
    at.button(key=f"plan_add_{gid}").click().run()
    assert not at.exception
    with session_scope() as s:
        step = action_plan(resolve_cycle(ASHVALE, "2026", session=s), session=s)["goals"][0]["steps"][0]
    assert (step["text"], step["owner"], step["messenger"], step["status"]) == (
        "Brief every team manager",
        "Police",
        messenger.id,
        "not_started",
    )
    assert "0 of 1 steps done" in texts(at)
    at.selectbox(key=f"plan_st_{step['id']}").select("done").run()
    assert "1 of 1 steps done (100%)" in texts(at)


def test_a_step_needs_text(selected) -> None:
    at = open_page("app_pages/action_plan.py", sel_area=ASHVALE, sel_cycle="2026")
    at.button(key=f"plan_goal_{selected.id}").click().run()
    with session_scope() as s:
        gid = action_plan(resolve_cycle(ASHVALE, "2026", session=s), session=s)["goals"][0]["id"]
    at.button(key=f"plan_add_{gid}").click().run()
    assert "Write what the step is" in texts(at)


def test_last_cycles_goals_are_carried_forward_once_from_the_page(selected) -> None:
    at = open_page("app_pages/action_plan.py", sel_area=ASHVALE, sel_cycle="2025")
    with session_scope() as s:
        earlier = resolve_cycle(ASHVALE, "2025", session=s)
        shortlist_add(earlier, selected.id, session=s)
        record_decision(earlier, selected.id, True, "agreed last year", session=s)
    at.run()
    at.button(key=f"plan_goal_{selected.id}").click().run()
    at = open_page("app_pages/action_plan.py", sel_area=ASHVALE, sel_cycle="2026")
    assert "Cycle 2025 has 1 goal not yet carried" in texts(at)
    at.button(key="plan_carry").click().run()
    assert not at.exception
    assert "Carried 1 goal forward from 2025." in texts(at)
    assert "carried from an earlier cycle" in texts(at)
    assert "not yet carried" not in texts(at)
    with session_scope() as s:
        goals = action_plan(resolve_cycle(ASHVALE, "2026", session=s), session=s)["goals"]
        assert [g["intervention"] for g in goals] == [selected.id]
        assert entries(session=s, action="plan_carried")[0].after == {"goals": 1}


def test_removing_a_goal_asks_first_and_says_what_will_go(selected) -> None:
    at = open_page("app_pages/action_plan.py", sel_area=ASHVALE, sel_cycle="2026")
    at.button(key=f"plan_goal_{selected.id}").click().run()
    with session_scope() as s:
        gid = action_plan(resolve_cycle(ASHVALE, "2026", session=s), session=s)["goals"][0]["id"]
    at.button(key=f"plan_drop_{gid}").click().run()
    assert "removes the goal" in texts(at) and "0 steps" in texts(at)
    with session_scope() as s:  # nothing has gone yet
        assert len(action_plan(resolve_cycle(ASHVALE, "2026", session=s), session=s)["goals"]) == 1
    at.button(key="plan_drop_yes").click().run()
    assert not at.exception
    with session_scope() as s:
        assert action_plan(resolve_cycle(ASHVALE, "2026", session=s), session=s)["goals"] == []
        assert entries(session=s, action="goal_removed")[0].before["title"] == selected.title
