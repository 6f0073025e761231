"""AppTest: joining a workshop on a device, rating, resuming from the link, and the room's results once revealed."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.pages import APP, open_page, texts
from toolkit import workshops as ws
from toolkit.capture.assessment import AnswerError
from toolkit.store.areas import resolve_cycle
from toolkit.store.db import session_scope
from toolkit.store.plans import shortlist_add


@pytest.fixture
def code(db_url) -> str:
    with session_scope() as s:
        return ws.create_workshop("Northshire", "2026", created_by="facil", session=s, title="Leaders' day").code


def charts(at: AppTest) -> list:
    """The Vega-Lite charts on the page (the element's name differs between Streamlit versions)."""
    return at.get("vega_lite_chart") + at.get("arrow_vega_lite_chart")


def _open_link(query: dict, **state) -> AppTest:
    """Open the join page as a link would: /join?w=...&k=..."""
    at = AppTest.from_file(APP, default_timeout=180)
    for k, v in state.items():
        at.session_state[k] = v
    at.run()
    at.switch_page("app_pages/join.py")
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    return at


def test_the_join_page_asks_for_the_code(db_url) -> None:
    at = open_page("app_pages/join.py")
    assert not at.exception
    assert "Join a workshop" in texts(at) and "No account needed" in texts(at)
    assert at.text_input(key="join_f_code").label == "Join code"


@pytest.mark.parametrize(("typed", "says"), [("abc", "has 8 characters"), ("ABCD0EFG", "never contain '0'")])
def test_a_mistyped_code_says_what_is_wrong(db_url, typed, says) -> None:
    at = open_page("app_pages/join.py")
    at.text_input(key="join_f_code").input(typed).run()
    assert not at.exception
    assert any(says in e.value for e in at.error)


def test_an_unknown_or_closed_workshop_cannot_be_joined(code) -> None:
    at = open_page("app_pages/join.py")
    at.text_input(key="join_f_code").input("ABCD-EFGH").run()
    assert any("No workshop has the code ABCD-EFGH" in e.value for e in at.error)
    with session_scope() as s:
        ws.close(code, session=s)
    at.text_input(key="join_f_code").input(code.lower()).run()
    assert any("has closed" in e.value for e in at.warning)
    assert "join_go" not in [b.key for b in at.button]  # no way to join it


def test_join_with_the_link_then_rate_and_resume(code, catalogue) -> None:
    at = _open_link({"w": code.lower()})
    assert not at.exception
    assert "Workshop found: Leaders' day (Northshire, cycle 2026)." in texts(at)
    assert at.button(key="join_go").disabled  # agency and level first
    at.selectbox(key="join_f_agency").select("police")
    at.selectbox(key="join_f_level").select("frontline").run()
    at.button(key="join_go").click().run()
    assert not at.exception
    secret = at.query_params["k"]
    assert at.query_params["w"] == code and len(secret) >= 32 and "p" not in at.query_params
    pseudonym = at.session_state["join_pseudonym"]
    assert pseudonym.startswith("r-") and pseudonym not in secret
    assert "Statement 1 of" in texts(at)
    first = at.radio[0]
    first.set_value(4).run()
    assert not at.exception
    with session_scope() as s:
        w = ws.find_workshop(code, session=s)
        answers = ws.own_answers(w, pseudonym, session=s)
    assert list(answers.values()) == [(4, "")]
    # a refresh or another device with the same link picks the participant up, answers and all
    again = _open_link({"w": code, "k": secret})
    assert not again.exception
    assert "Statement 2 of" in texts(again)  # the first statement not yet answered
    assert again.radio[0].value is None
    again.button(key="join_back").click().run()
    assert "Statement 1 of" in texts(again) and again.radio[0].value == 4
    assert any("1 of" in str(p.proto.text) for p in again.get("progress"))


def test_a_link_with_an_unknown_participant_asks_to_join_again(code) -> None:
    at = _open_link({"w": code, "k": "A" * 32})
    assert not at.exception
    assert any("could not find your place" in e.value for e in at.error)
    assert at.text_input(key="join_f_code").value == code


def test_a_participant_sees_their_answers_and_after_reveal_the_rooms_suppressed_results(code, catalogue) -> None:
    with session_scope() as s:
        w = ws.find_workshop(code, session=s)
        people = [ws.join(code, "police", lv, session=s) for lv in ("strategic",) * 3 + ("frontline",)]
        for p in people:
            for step in ws.steps_for(w, p.level, catalogue)[:2]:
                for item in step.items:
                    ws.submit(code, p.pseudonym, step.framework, item.id, 3, session=s, cat=catalogue)
    me = people[-1].secret
    at = _open_link({"w": code, "k": me})
    assert at.segmented_control(key="join_view").options == ["Rate", "My answers", "Comment"]
    at.segmented_control(key="join_view").set_value("My answers").run()
    assert not at.exception
    mine = [m.value for m in at.markdown if m.value.startswith("Your answer:")]
    assert len(mine) > 0 and set(mine) == {"Your answer: **3 Neither agree nor disagree**"}
    with session_scope() as s:
        ws.reveal(code, session=s)
    at = _open_link({"w": code, "k": me})
    assert "Room results" in at.segmented_control(key="join_view").options
    at.segmented_control(key="join_view").set_value("Room results").run()
    assert not at.exception
    shown = texts(at)
    assert "4 people joined" in shown and "fewer than 3 people are hidden" in shown
    spec = next(c.proto.spec for c in charts(at))
    assert "view of each stage" in spec  # the numbers, with n, are in its dataset


def test_the_room_appraises_on_the_device_when_the_facilitator_opens_it(code, catalogue) -> None:
    iv = catalogue.interventions[0]
    with session_scope() as s:
        p = ws.join(code, "health", "managerial", session=s)
        shortlist_add(resolve_cycle("Northshire", "2026", session=s), iv.id, session=s, cat=catalogue)
        ws.open_appraisal(code, True, session=s)
    at = _open_link({"w": code, "k": p.secret})
    at.segmented_control(key="join_view").set_value("Appraise").run()
    assert not at.exception
    assert iv.title in texts(at)
    assert len(at.radio) == 1  # one criterion per screen
    at.radio(key=f"join_a_{iv.id}_affordability").set_value(5).run()
    assert not at.exception
    with session_scope() as s:
        w = ws.find_workshop(code, session=s)
        assert ws.own_appraisals(w, p.pseudonym, session=s) == {(iv.id, "affordability"): 5}


def test_the_appraisal_walks_one_criterion_per_screen_and_names_what_is_left(code, catalogue) -> None:
    ivs = catalogue.interventions[:2]
    crit = [c.id for c in catalogue.get("apease").criteria]
    with session_scope() as s:
        p = ws.join(code, "police", "strategic", session=s)
        for iv in ivs:
            shortlist_add(resolve_cycle("Northshire", "2026", session=s), iv.id, session=s, cat=catalogue)
        ws.open_appraisal(code, True, session=s)
    at = _open_link({"w": code, "k": p.secret})
    at.segmented_control(key="join_view").set_value("Appraise").run()
    total = len(ivs) * len(crit)
    assert any(f"0 of {total} scores given" in str(b.proto.text) for b in at.get("progress"))
    assert [r.key for r in at.radio] == [f"join_a_{ivs[0].id}_{crit[0]}"] and at.button(key="join_aback").disabled
    at.radio[0].set_value(4).run()
    at.button(key="join_anext").click().run()
    assert [r.key for r in at.radio] == [f"join_a_{ivs[0].id}_{crit[1]}"]
    at.radio[0].set_value("dk").run()  # don't know is a score given too
    assert any(f"2 of {total} scores given" in str(b.proto.text) for b in at.get("progress"))
    at.button(key="join_aback").click().run()
    assert at.radio[0].value == 4  # the stored score, back on its screen
    for _ in range(total):
        at.button(key="join_anext").click().run()
    assert not at.exception and not at.radio
    assert f"2 of {total} scores given. {total - 2} still to give" in texts(at)
    at.button(key=f"join_askip_{ivs[1].id}_{crit[3]}").click().run()
    assert [r.key for r in at.radio] == [f"join_a_{ivs[1].id}_{crit[3]}"]
    with session_scope() as s:
        w = ws.find_workshop(code, session=s)
        assert ws.own_appraisals(w, p.pseudonym, session=s) == {(ivs[0].id, crit[0]): 4, (ivs[0].id, crit[1]): None}
        off = catalogue.interventions[5].id  # a value the page never offered: off the shortlist, or no criterion
        for iv_id, c in ((off, crit[0]), (ivs[0].id, "cost")):
            with pytest.raises(AnswerError):
                ws.submit_appraisal(code, p.pseudonym, iv_id, c, 3, session=s, cat=catalogue)


def test_answers_after_closing_are_refused_with_a_clear_message(code, catalogue) -> None:
    with session_scope() as s:
        p = ws.join(code, "education", "frontline", session=s)
    at = _open_link({"w": code, "k": p.secret})
    with session_scope() as s:
        ws.close(code, session=s)
    at.radio[0].set_value(2).run()
    assert not at.exception
    assert any("has closed" in e.value for e in at.error)
    with session_scope() as s:
        assert ws.own_answers(ws.find_workshop(code, session=s), p.pseudonym, session=s) == {}


def test_a_participant_corrects_their_level_before_the_reveal_and_not_after(code, catalogue) -> None:
    with session_scope() as s:
        p = ws.join(code, "police", "frontline", session=s)
    at = _open_link({"w": code, "k": p.secret})
    at.selectbox(key="join_p_level").set_value("managerial")
    at.button(key="join_p_go").click().run()
    assert not at.exception
    with session_scope() as s:
        assert ws.resume_participant(code, p.secret, session=s).level == "managerial"
        ws.reveal(code, session=s)
    at = _open_link({"w": code, "k": p.secret})
    assert "join_p_go" not in [b.key for b in at.button]
    assert "Your agency and level are fixed now that the room's results have been revealed." in [
        c.value for c in at.caption
    ]


def test_the_counter_is_what_the_store_holds_and_finish_names_the_skipped(code, catalogue) -> None:
    with session_scope() as s:
        w = ws.find_workshop(code, session=s)
        p = ws.join(code, "police", "strategic", session=s)
        walk = ws.statements_for(w, p.level, catalogue)
        for st_ in walk[:-2]:  # answered on another device: this one has never seen them
            ws.submit(code, p.pseudonym, st_.framework, st_.item.id, 3, session=s, cat=catalogue)
    at = _open_link({"w": code, "k": p.secret})
    assert not at.exception
    assert any(f"{len(walk) - 2} of {len(walk)} statements answered" in str(b.proto.text) for b in at.get("progress"))
    assert "Statement 5 of" not in texts(at) and f"Statement {len(walk) - 1} of" in texts(at)  # the first gap
    at.button(key="join_next").click().run()
    at.button(key="join_next").click().run()  # past the last: Finish
    shown = texts(at)
    assert "You skipped 2 statements" in shown and "Thank you" not in shown
    assert walk[-1].item.text in shown and walk[-2].item.text in shown
    assert len([b for b in at.button if b.key.startswith("join_skip_")]) == 2


def test_one_statement_per_screen_saved_on_the_tap_and_next_moves_on(code, catalogue) -> None:
    with session_scope() as s:
        w = ws.find_workshop(code, session=s)
        p = ws.join(code, "health", "managerial", session=s)
    walk = ws.statements_for(w, p.level, catalogue)
    at = _open_link({"w": code, "k": p.secret})
    assert len(at.radio) == 1 and at.radio[0].label == walk[0].item.text  # one statement on the screen
    assert at.button(key="join_back").disabled
    at.radio[0].set_value(5).run()
    assert not at.exception
    assert any(f"1 of {len(walk)} statements answered" in str(b.proto.text) for b in at.get("progress"))
    at.button(key="join_next").click().run()
    assert at.radio[0].label == walk[1].item.text and at.radio[0].value is None
    at.radio[0].set_value("dk").run()  # don't know is an answer too
    with session_scope() as s:
        saved = ws.own_answers(w, p.pseudonym, session=s)
    assert saved == {walk[0].key: (5, ""), walk[1].key: (None, "")}  # each once, through the one write path
