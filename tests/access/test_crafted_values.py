"""A crafted client can send any text for a selectbox, radio or segmented control (issue 13, finding 9). On every
page outside Benchmark, Account and Workshop (tests/access/test_scope.py has those): a value the page did not offer
is refused with a message, or put back to one it offers, and nothing is written."""

from __future__ import annotations

from datetime import date

import pytest

from tests.access.world import forge
from tests.bad_input.helpers import db_state
from tests.pages import ASHVALE, open_page, texts
from tests.test_page_scrutiny import button, scrutiny_page
from toolkit import workshops as ws
from toolkit.store.areas import resolve_cycle
from toolkit.store.db import session_scope
from toolkit.store.plans import action_plan, add_goal, add_step, record_decision, shortlist_add
from toolkit.training.demo import load_demo

REFUSED = "not offered on this page"
WHERE = {"sel_area": ASHVALE, "sel_cycle": "2026"}


@pytest.fixture
def demo(db_url, catalogue):
    load_demo(areas=1, catalogue=catalogue)
    return db_url


def _record(engine) -> dict[str, list[str]]:
    """Every table but the sign-in sessions (a page run marks a session as seen)."""
    state = db_state(engine)
    state.pop("login_sessions")
    return state


def _shown(at) -> str:
    return texts(at).replace("\\", "")


def test_action_plan_refuses_a_status_messenger_or_channel_it_did_not_offer(demo, engine, catalogue) -> None:
    iv = next(i for i in catalogue.interventions if i.origin == "shortlist")
    with session_scope() as s:
        ref = resolve_cycle(ASHVALE, "2026", session=s)
        shortlist_add(ref, iv.id, session=s, cat=catalogue)
        record_decision(ref, iv.id, True, "agreed", session=s, cat=catalogue)
        gid = add_goal(ref, iv.id, session=s, cat=catalogue)
        sid = add_step(gid, "Brief the managers", session=s, cat=catalogue)
    before = _record(engine)
    at = open_page("app_pages/action_plan.py", **WHERE)
    forge(at.selectbox(key=f"plan_st_{sid}"), "finished")
    at.run()
    assert not at.exception and REFUSED in _shown(at)
    for key in (f"plan_msgr_{gid}", f"plan_chan_{gid}"):
        at = open_page("app_pages/action_plan.py", **WHERE)
        at.text_input(key=f"plan_text_{gid}").input("A second step")
        forge(at.selectbox(key=key), "a rogue value")
        at.button(key=f"plan_add_{gid}").click().run()
        assert not at.exception and REFUSED in _shown(at), key
    assert _record(engine) == before
    with session_scope() as s:
        steps = action_plan(resolve_cycle(ASHVALE, "2026", session=s), session=s)["goals"][0]["steps"]
    assert [(x["text"], x["status"]) for x in steps] == [("Brief the managers", "not_started")]


def test_interventions_refuse_a_crafted_decision_or_apease_score(demo, engine, catalogue) -> None:
    at = open_page("app_pages/interventions.py", **WHERE)
    first = next(b for b in at.button if b.key and b.key.startswith("iv_add_"))
    iv_id = first.key.removeprefix("iv_add_")
    first.click().run()
    before = _record(engine)
    forge(at.radio(key=f"iv_sel_{iv_id}"), "Rogue")
    at.button(key=f"iv_dec_{iv_id}").click().run()
    assert not at.exception and REFUSED in _shown(at)
    at = open_page("app_pages/interventions.py", **WHERE)
    at.text_input(key=f"iv_rater_{iv_id}").input("Chair")
    at.radio(key=f"iv_ap_{iv_id}_effectiveness").set_value(4)
    forge(at.radio(key=f"iv_ap_{iv_id}_affordability"), "9")
    at.button(key=f"iv_save_{iv_id}").click().run()
    assert not at.exception and REFUSED in _shown(at)
    at = open_page("app_pages/interventions.py", **WHERE)  # a crafted filter is put back to "any"
    forge(at.selectbox(key="iv_agency"), "rogue agency")
    at.run()
    assert not at.exception and at.selectbox(key="iv_agency").value is None
    assert _record(engine) == before  # neither the decision nor the valid score beside the crafted one


def test_theory_of_change_refuses_a_crafted_assumption_status(demo, engine, catalogue) -> None:
    first = catalogue.toc.assumptions[0].id
    before = _record(engine)
    at = open_page("app_pages/theory_of_change.py", **WHERE)
    forge(at.selectbox(key=f"toc_as_{first}"), "proven beyond doubt")
    at.run()
    assert not at.exception and REFUSED in _shown(at)
    forge(at.selectbox(key="toc_node"), "no_such_box")
    at.run()
    assert not at.exception and at.selectbox(key="toc_node").value is None
    assert _record(engine) == before


def test_self_assessment_refuses_a_crafted_agency_or_score(demo, engine) -> None:
    before = _record(engine)
    at = open_page("app_pages/assess.py", **WHERE)
    at.selectbox(key="assess_pick_level").select("frontline").run()
    forge(at.selectbox(key="assess_pick_agency"), "Rogue agency")  # sent with the click, as a crafted client can
    at.button(key="assess_start").click().run()
    assert not at.exception and REFUSED in _shown(at) and "Step 1 of" not in _shown(at)
    assert _record(engine) == before
    at = open_page("app_pages/assess.py", **WHERE)
    at.selectbox(key="assess_pick_agency").select("police")
    at.selectbox(key="assess_pick_level").select("frontline").run()
    at.button(key="assess_start").click().run()
    started = _record(engine)
    forge(at.radio[0], "9")
    at.run()
    assert not at.exception and REFUSED in _shown(at)
    assert _record(engine) == started  # the respondent, and no answer


def test_joining_refuses_a_crafted_level_or_score(db_url, engine) -> None:
    with session_scope() as s:
        code = ws.create_workshop("Northshire", "2026", created_by="facil", session=s, title="Room").code
    before = _record(engine)
    at = open_page("app_pages/join.py")
    at.text_input(key="join_f_code").input(code).run()
    at.selectbox(key="join_f_agency").select("police")
    at.selectbox(key="join_f_level").select("frontline").run()
    forge(at.selectbox(key="join_f_level"), "chief")  # sent with the click, as a crafted client can
    at.button(key="join_go").click().run()
    assert not at.exception and REFUSED in _shown(at) and "Step 1 of" not in _shown(at)
    assert _record(engine) == before
    at.selectbox(key="join_f_level").select("frontline").run()
    at.button(key="join_go").click().run()
    joined = _record(engine)
    forge(at.radio[0], "9")
    at.run()
    assert not at.exception and REFUSED in _shown(at)
    assert _record(engine) == joined


def test_scrutiny_refuses_a_crafted_source(demo, engine) -> None:
    at = scrutiny_page()
    before = _record(engine)
    at.text_area(key="scr_note").input("Frontline staff had not heard of the plan.")
    at.date_input(key="scr_date").set_value(date(2026, 3, 4))
    forge(at.selectbox(key="scr_source"), "rumour")
    button(at, "Log evidence").click().run()
    assert not at.exception and "Not saved" in _shown(at) and "Evidence logged." not in _shown(at)
    assert _record(engine) == before


def test_a_crafted_framework_to_browse_is_put_back(demo, engine, catalogue) -> None:
    at = open_page("app_pages/frameworks.py")
    before = _record(engine)
    forge(at.selectbox(key="data_browse"), "<script>rogue</script>")
    at.run()
    assert not at.exception and at.selectbox(key="data_browse").value in catalogue.frameworks
    assert _record(engine) == before


def test_a_crafted_report_format_on_the_data_page_is_put_back(demo, engine) -> None:
    at = open_page("app_pages/data.py", **WHERE)
    before = _record(engine)
    for sent in ("EXE", "exe", "<script>rogue</script>"):  # a label it never showed, a raw value, markup
        forge(at.segmented_control(key="data_report_fmt"), sent)
        at.run()
        assert not at.exception, sent
        assert at.session_state["data_report_fmt"] == "pdf", sent
        assert at.segmented_control(key="data_report_fmt").value == "pdf", sent
    assert _record(engine) == before


def test_a_crafted_explain_kind_or_exercise_answer_on_the_trainer_page_is_refused(demo, engine, catalogue) -> None:
    at = open_page("app_pages/trainer.py")
    before = _record(engine)
    kinds = list(at.segmented_control(key="trainer_explain_kind").options)
    at.segmented_control(key="trainer_explain_kind").set_value(kinds[1]).run()
    forge(at.segmented_control(key="trainer_explain_kind"), "Secrets")
    at.run()
    assert not at.exception and at.session_state["trainer_explain_kind"] == kinds[1]  # kept what was chosen
    assert "Source: " in _shown(at)
    for key, reveal in (("trainer_stage_answer", "trainer_reveal_stage"), ("trainer_iv_answer", "trainer_reveal_iv")):
        forge(at.radio(key=key), "rogue")
        at.run()
        assert not at.exception and at.session_state[key] in (None, *at.radio(key=key).options), key
        if not at.button(key=reveal).proto.disabled:
            at.button(key=reveal).click().run()
            assert not at.exception, key
    assert _record(engine) == before  # the live record: the trainer works in its sandbox
