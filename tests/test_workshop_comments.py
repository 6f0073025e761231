"""The room's voice: anonymous comments from phones, moderated by the facilitator, then on the projector."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.pages import APP, open_page, texts
from tests.test_page_workshop import _token
from toolkit import workshops as ws
from toolkit.access.scope import AccessDenied
from toolkit.capture.assessment import AnswerError
from toolkit.core.text import md_text
from toolkit.store.db import session_scope
from ui.presentation import PRESENT_CSS

NASTY = "<b>bold</b> **stars** [link](http://evil.example) <script>alert(1)</script>"


@pytest.fixture
def room(db_url):
    token = _token()
    with session_scope() as s:
        w = ws.create_workshop("Northshire", "2026", created_by="facil", session=s, title="Leaders' day")
        people = [ws.join(w.code, "police", "strategic", f"Person {k}", session=s) for k in range(3)]
    return token, w, people


def test_a_comment_waits_for_the_facilitator_and_shows_only_its_text(room) -> None:
    _t, w, people = room
    with session_scope() as s:
        c = ws.send_comment(w.code, people[0].pseudonym, "  Who owns\nthe data?\x07 ", session=s)
        assert c.text == "Who owns the data?"  # one line, no control characters
        assert ws.shown_comments(w, session=s, min_n=3) == []  # not before approval
        assert [x.text for x in ws.comments_waiting(w.code, session=s)] == [c.text]
        ws.moderate(w.code, c.id, True, session=s)
        assert [x.text for x in ws.shown_comments(w, session=s, min_n=3)] == [c.text]
        with pytest.raises(ValueError, match="not waiting"):  # twice, or an id of nothing
            ws.moderate(w.code, c.id, False, session=s)
        with pytest.raises(AccessDenied):
            ws.moderate(w.code, c.id, True, session=s, actor=None)


def test_long_empty_flooding_and_foreign_comments_are_refused(room, db_url) -> None:
    _t, w, people = room
    with session_scope() as s:
        other = ws.create_workshop("Eastshire", "2026", created_by="facil", session=s)
        with pytest.raises(AnswerError, match="at most 280"):
            ws.send_comment(w.code, people[0].pseudonym, "x" * 281, session=s)
        with pytest.raises(AnswerError, match="write a comment"):
            ws.send_comment(w.code, people[0].pseudonym, " \n ", session=s)
        with pytest.raises(AnswerError, match="not in this workshop"):  # a phone acts only on the workshop it joined
            ws.send_comment(other.code, people[0].pseudonym, "hello", session=s)
        for k in range(3):
            ws.send_comment(w.code, people[1].pseudonym, f"point {k}", session=s)
        with pytest.raises(AnswerError, match="3 comments waiting"):
            ws.send_comment(w.code, people[1].pseudonym, "one more", session=s)
        mine = ws.send_comment(w.code, people[2].pseudonym, "ours", session=s)
        with pytest.raises(ValueError, match="not waiting in this workshop"):  # an id from another workshop
            ws.moderate(other.code, mine.id, True, session=s)


def test_no_comment_on_the_screen_while_fewer_than_the_minimum_group_joined(db_url) -> None:
    with session_scope() as s:
        w = ws.create_workshop("Northshire", "2026", created_by="facil", session=s)
        p = ws.join(w.code, "health", "frontline", session=s)
        c = ws.send_comment(w.code, p.pseudonym, "only two of us", session=s)
        ws.moderate(w.code, c.id, True, session=s)
        assert ws.shown_comments(w, session=s, min_n=3) == []


def test_phone_sends_facilitator_approves_projector_shows_it_escaped(room) -> None:
    token, w, people = room
    phone = AppTest.from_file(APP, default_timeout=180)
    phone.run()
    phone.switch_page("app_pages/join.py")
    phone.query_params["w"], phone.query_params["k"] = w.code, people[0].secret
    phone.run()
    phone.segmented_control(key="join_view").set_value("Comment").run()
    phone.text_area(key="join_c_text").input(NASTY).run()
    phone.button(key="join_c_send").click().run()
    assert not phone.exception
    assert "Sent." in texts(phone) and "waiting for the facilitator" in texts(phone)
    assert phone.text_area(key="join_c_text").value == ""
    fac = open_page("app_pages/workshop.py", auth_token=token)
    assert "Room comments waiting: 1" in texts(fac)
    assert "Person 0" not in texts(fac).split("Room comments waiting")[1]  # never who sent it
    (ok,) = [b for b in fac.button if b.key.startswith("room_ok_")]
    ok.click().run()
    assert not fac.exception and "Room comments waiting: 0" in texts(fac)
    present = open_page("app_pages/workshop.py", auth_token=token, workshop_present=True, workshop_slide="Comments")
    assert not present.exception
    shown = [m.value for m in present.markdown if "bold" in m.value]
    assert shown == [f"- {md_text(NASTY)}"]  # as typed, escaped: no tag, link or formatting reaches the screen
    assert "<b>" not in shown[0] and "<script>" not in shown[0] and "\\[link\\]" in shown[0]
    assert all(h.proto.body == PRESENT_CSS for h in present.get("html"))  # no user text in any raw HTML
