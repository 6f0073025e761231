"""AppTest: the Scrutiny page is for scrutineers: log a challenge, answer and resolve it, trace a decision, sign off."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from tests.pages import ASHVALE, open_page, texts
from tests.test_page_benchmark import sign_in
from toolkit.scrutiny import checklist, evidence, trail
from toolkit.store.db import session_scope
from toolkit.training.demo import load_demo


@pytest.fixture
def seeded(db_url, catalogue):
    load_demo(areas=1, catalogue=catalogue)
    return db_url


def scrutiny_page(role: str = "scrutineer", **state):
    return open_page("app_pages/scrutiny.py", auth_token=sign_in(role), sel_area=ASHVALE, sel_cycle="2026", **state)


def button(at, label: str):
    return next(b for b in at.button if b.label == label)


def test_a_visitor_is_refused_and_a_member_sees_the_record_without_the_scrutineers_forms(seeded) -> None:
    at = open_page("app_pages/scrutiny.py", sel_area=ASHVALE, sel_cycle="2026")
    assert "Sign in to use the scrutiny pages." in texts(at) and not at.dataframe
    at = scrutiny_page("facilitator")
    assert not at.exception and not at.error
    assert at.dataframe and not [b for b in at.button if b.label == "Log evidence"]


def _as(at, token: str):
    """The same browser session signed in as another account (a fresh run of the page)."""
    at.session_state["auth_token"] = token
    return at.run()


def test_a_scrutineer_raises_a_challenge_a_member_answers_it_under_their_account(seeded) -> None:
    member, scrutineer = sign_in("facilitator"), sign_in("scrutineer")
    at = open_page("app_pages/scrutiny.py", auth_token=scrutineer, sel_area=ASHVALE, sel_cycle="2026")
    assert not at.exception and at.session_state["scr_tab"] == "Evidence log"
    assert at.session_state["scr_owners"] == ["facilitator"]
    at.text_area(key="scr_note").input("Frontline staff in two teams had not heard of the plan.")
    at.selectbox(key="scr_source").set_value("meeting")
    at.date_input(key="scr_date").set_value(date(2026, 3, 4))
    at.radio(key="scr_judgement").set_value("challenges")
    at.selectbox(key="scr_link").set_value("stage:communicate")
    at.selectbox(key="scr_owner").set_value("facilitator")
    button(at, "Log evidence").click().run()
    assert not at.exception and "Challenge raised." in [s.value for s in at.success]
    log = at.dataframe[0].value
    assert log.iloc[0]["note"].startswith("Frontline staff") and log.iloc[0]["status"] == "challenge open"
    assert log.iloc[0]["owner"] == "facilitator" and log.iloc[0]["logged_by"] == "scrutineer"
    assert at.text_area(key="scr_note").value == ""  # the form is ready for the next note
    [entry] = at.session_state["scr_open"]
    at.selectbox(key="scr_pick").set_value(entry["id"]).run()
    assert not [b for b in at.button if b.label == "Save the answer"]  # a scrutineer cannot answer
    # The member answers under their own account: no name to type.
    _as(at, member)
    at.selectbox(key="scr_pick").set_value(entry["id"]).run()
    assert not [b for b in at.button if b.label in ("Resolve the challenge", "Withdraw the challenge")]
    at.text_area(key="scr_answer").input("Briefings for every team by July.")
    button(at, "Save the answer").click().run()
    assert not at.exception and any("under your account (facilitator)" in s.value for s in at.success)
    _as(at, scrutineer)
    at.selectbox(key="scr_pick").set_value(entry["id"]).run()
    at.text_input(key="scr_reason").input("Seen the briefing attendance list.")
    button(at, "Resolve the challenge").click().run()
    assert not at.exception and "Challenge resolved." in [s.value for s in at.success]
    with session_scope() as s:
        [e] = evidence.evidence_log(ASHVALE, "2026", session=s)
    assert (e["response"], e["responded_by"], e["status"], e["created_by"]) == (
        "Briefings for every team by July.",
        "facilitator",
        "closed",
        "scrutineer",
    )
    hist = at.dataframe[1].value
    assert list(hist["action"]) == ["raised", "answered", "resolved"]
    assert list(hist["by"]) == ["scrutineer", "facilitator", "scrutineer"]
    at.selectbox(key="scr_reopen_pick").set_value(e["id"]).run()
    at.text_input(key="scr_reopen_reason").input("Two teams still missing.")
    button(at, "Reopen").click().run()
    assert not at.exception and "Challenge reopened." in [s.value for s in at.success]
    assert [x["id"] for x in at.session_state["scr_open"]] == [e["id"]]


def test_refusals_are_explained_and_nothing_is_saved(seeded) -> None:
    at = scrutiny_page()
    at.text_area(key="scr_note").input("   ")
    button(at, "Log evidence").click().run()
    assert any("Not saved: The note is empty" in e.value for e in at.error)
    with session_scope() as s:
        assert evidence.evidence_log(ASHVALE, "2026", session=s) == []


def test_trail_checklist_sign_off_and_statement_are_saved(seeded) -> None:
    at = scrutiny_page()
    at.session_state["scr_tab"] = "Decision trail"
    at.run()
    at.text_area(key="scr_t_decision").input("Fund a joint neglect audit")
    at.text_area(key="scr_t_change").input("Neglect toolkit used at strategy meetings")
    at.multiselect(key="scr_t_nodes").set_value(["out_resource_agreement"])
    button(at, "Add to the trail").click().run()
    assert "Decision added to the trail." in [s.value for s in at.success]
    at.session_state["scr_tab"] = "Yearly report"
    at.run()
    at.selectbox(key="scr_c_pick").set_value("contains_what_done").run()
    at.radio(key="scr_c_status").set_value("partly")
    at.text_input(key="scr_c_note").input("Lists meetings more than actions.")
    button(at, "Save the judgement").click().run()
    # A scrutineer has no sign-off button: the partners sign for themselves.
    assert not [b for b in at.button if b.label.startswith("Sign off as")]
    at.text_area(key="scr_statement").input("I have read the report and the evidence behind it.")
    button(at, "Save the statement").click().run()
    assert not at.exception
    with session_scope() as s:
        [t] = trail.trail(ASHVALE, "2026", session=s)
        assert t["toc_nodes"] == ["out_resource_agreement"] and trail.trail_stage(t) == "practice change seen"
        assert checklist.checks(ASHVALE, "2026", session=s)["contains_what_done"]["status"] == "partly"
        got = checklist.assurance(ASHVALE, "2026", session=s)
    assert got["signoffs"] == {}
    assert got["statement"].startswith("I have read")
    chk = pd.concat([d.value for d in at.dataframe]).set_index("point")  # the checklist, one table per group
    assert "No partner has signed off" in chk.loc["Signed off by the three safeguarding partners", "toolkit_evidence"]
    assert chk.loc["What the partners and relevant agencies have done", "status"] == "Partly evidenced"
    # A fresh visit shows what was saved.
    again = scrutiny_page("facilitator", scr_tab="Yearly report")
    again.date_input(key="scr_sign_on_local_authority").set_value(None)
    button(again, "Sign off as facilitator").click().run()  # the first partner's button
    assert any("date of the sign-off is missing" in e.value for e in again.error)
    again.date_input(key="scr_sign_on_local_authority").set_value(date(2026, 5, 1))
    button(again, "Sign off as facilitator").click().run()
    assert "Signed off under your account." in [s.value for s in again.success]
    assert again.session_state["scr_tab"] == "Yearly report"
    assert any(t.value.startswith("facilitator (facilitator), dated 2026-05-01") for t in again.text)
    with session_scope() as s:
        assert checklist.assurance(ASHVALE, "2026", session=s)["signoffs"]["local_authority"]["by"] == "facilitator"
    again = scrutiny_page("administrator", scr_tab="Yearly report")
    assert again.text_area(key="scr_statement").value.startswith("I have read")
    again.session_state["scr_tab"] = "Export"
    again.run()
    assert {b.label for b in again.get("download_button")} == {
        "Download CSV",
        "Download XLSX",
        "Download MD",
        "Statement (PDF)",
        "Statement (Word (.docx))",
        "Statement (Markdown (.zip))",
    }


def test_a_scrutineer_adjusts_a_rating_a_member_disputes_it_and_the_view_stays(seeded) -> None:
    member, scrutineer = sign_in("facilitator"), sign_in("scrutineer")
    at = open_page("app_pages/scrutiny.py", auth_token=scrutineer, sel_area=ASHVALE, sel_cycle="2026")
    at.session_state["scr_tab"] = "Self-rating and validation"
    at.run()
    at.selectbox(key="scr_v_pick").set_value("stage:communicate").run()
    at.radio(key="scr_v_state").set_value("adjusted")
    at.number_input(key="scr_v_figure").set_value(2.0)
    at.text_input(key="scr_v_reason").input("Two teams had not heard of the plan.")
    button(at, "Save the validation").click().run()
    assert not at.exception and "Adjusted: saved." in [s.value for s in at.success]
    assert at.session_state["scr_tab"] == "Self-rating and validation"  # the view is kept after the action
    side = at.dataframe[0].value.set_index("about")
    assert side.loc["Stage: Communicate", "validation"].startswith("Adjusted to 2.00 by scrutineer (scrutineer)")
    assert not [b for b in at.button if b.label == "Dispute the validation"]  # not the scrutineer's part
    _as(at, member)
    at.selectbox(key="scr_v_pick").set_value("stage:communicate").run()
    assert not [b for b in at.button if b.label == "Save the validation"]  # not the member's part
    at.text_input(key="scr_v_dispute").input("The briefings happened in May.")
    button(at, "Dispute the validation").click().run()
    assert not at.exception and "The partnership's dispute is recorded." in [s.value for s in at.success]
    side = at.dataframe[0].value.set_index("about")
    assert side.loc["Stage: Communicate", "validation"].startswith(
        "Disputed (the scrutineer's figure 2.00) by facilitator"
    )


def test_the_view_chosen_stays_after_an_action_and_a_visit_to_another_page(seeded) -> None:
    at = scrutiny_page()
    at.button_group(key="scr_tab_w").set_value("Decision trail").run()
    assert at.session_state["scr_tab"] == "Decision trail"
    at.text_area(key="scr_t_decision").input("Fund a joint neglect audit")
    button(at, "Add to the trail").click().run()
    assert not at.exception and "Decision added to the trail." in [s.value for s in at.success]
    assert (
        at.session_state["scr_tab"] == "Decision trail" and at.button_group(key="scr_tab_w").value == "Decision trail"
    )
    at.switch_page("app_pages/results.py")
    at.run()
    at.switch_page("app_pages/scrutiny.py")
    at.run()
    assert not at.exception and at.button_group(key="scr_tab_w").value == "Decision trail"
    assert [b for b in at.button if b.label == "Add to the trail"]
