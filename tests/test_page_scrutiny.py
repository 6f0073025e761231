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


def scrutiny_page(role: str = "scrutineer"):
    return open_page("app_pages/scrutiny.py", auth_token=sign_in(role), sel_area=ASHVALE, sel_cycle="2026")


def button(at, label: str):
    return next(b for b in at.button if b.label == label)


def test_anyone_but_a_scrutineer_or_administrator_is_refused(seeded) -> None:
    at = open_page("app_pages/scrutiny.py", sel_area=ASHVALE, sel_cycle="2026")
    assert "Sign in to use the scrutiny pages." in texts(at) and not at.tabs
    at = scrutiny_page("facilitator")
    assert not at.exception
    assert [e.value for e in at.error] == ["Your account (facilitator) cannot use the scrutiny pages."]
    assert not at.tabs and not at.dataframe


def test_a_scrutineer_logs_a_challenge_that_is_answered_and_resolved(seeded) -> None:
    at = scrutiny_page()
    assert not at.exception and at.tabs[0].label == "Evidence log"
    at.text_area(key="scr_note").input("Frontline staff in two teams had not heard of the plan.")
    at.selectbox(key="scr_source").set_value("meeting")
    at.date_input(key="scr_date").set_value(date(2026, 3, 4))
    at.radio(key="scr_judgement").set_value("challenges")
    at.selectbox(key="scr_link").set_value("stage:communicate")
    button(at, "Log evidence").click().run()
    assert not at.exception
    assert "Evidence logged." in [s.value for s in at.success]
    log = at.dataframe[0].value
    assert log.iloc[0]["note"].startswith("Frontline staff") and log.iloc[0]["status"] == "challenge open"
    assert at.text_area(key="scr_note").value == ""  # the form is ready for the next note
    [entry] = [e for e in at.session_state["scr_open"]]
    at.selectbox(key="scr_pick").set_value(entry["id"]).run()
    at.text_area(key="scr_answer").input("Briefings for every team by July.")
    at.text_input(key="scr_answer_by").input("Business manager")
    button(at, "Save the answer").click().run()
    at.text_input(key="scr_reason").input("Seen the briefing attendance list.")
    button(at, "Resolve the challenge").click().run()
    assert not at.exception and "Challenge resolved." in [s.value for s in at.success]
    with session_scope() as s:
        [e] = evidence.evidence_log(ASHVALE, "2026", session=s)
    assert (e["response"], e["responded_by"], e["resolved"], e["created_by"]) == (
        "Briefings for every team by July.",
        "Business manager",
        True,
        "scrutineer",
    )
    side = at.dataframe[1].value.set_index("about")
    assert side.loc["Stage: Communicate", "scrutiny"] == "challenges resolved: 1 resolved challenge"
    at.selectbox(key="scr_reopen_pick").set_value(e["id"]).run()
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
    at.text_area(key="scr_t_decision").input("Fund a joint neglect audit")
    at.text_area(key="scr_t_change").input("Neglect toolkit used at strategy meetings")
    at.multiselect(key="scr_t_nodes").set_value(["out_resource_agreement"])
    button(at, "Add to the trail").click().run()
    assert "Decision added to the trail." in [s.value for s in at.success]
    at.selectbox(key="scr_c_pick").set_value("contains_what_done").run()
    at.radio(key="scr_c_status").set_value("partly")
    at.text_input(key="scr_c_note").input("Lists meetings more than actions.")
    button(at, "Save the judgement").click().run()
    at.text_input(key="scr_sign_local_authority").input("Chief Executive")
    at.date_input(key="scr_sign_on_local_authority").set_value(date(2026, 5, 1))
    button(at, "Save sign-offs").click().run()
    at.text_area(key="scr_statement").input("I have read the report and the evidence behind it.")
    button(at, "Save the statement").click().run()
    assert not at.exception
    with session_scope() as s:
        [t] = trail.trail(ASHVALE, "2026", session=s)
        assert t["toc_nodes"] == ["out_resource_agreement"] and trail.trail_stage(t) == "practice change seen"
        assert checklist.checks(ASHVALE, "2026", session=s)["contains_what_done"]["status"] == "partly"
        got = checklist.assurance(ASHVALE, "2026", session=s)
    assert got["signoffs"] == {"local_authority": {"by": "Chief Executive", "on": "2026-05-01"}}
    assert got["statement"].startswith("I have read")
    chk = pd.concat([d.value for d in at.dataframe[3:6]]).set_index("point")  # the checklist, one table per group
    assert "waiting for Police, Health" in chk.loc["Signed off by the three safeguarding partners", "toolkit_evidence"]
    assert chk.loc["What the partners and relevant agencies have done", "status"] == "Partly evidenced"
    # A fresh visit shows what was saved.
    again = scrutiny_page("administrator")
    assert again.text_input(key="scr_sign_local_authority").value == "Chief Executive"
    assert again.text_area(key="scr_statement").value.startswith("I have read")
    assert {b.label for b in again.get("download_button")} == {"Download CSV", "Download XLSX", "Download MD"}
