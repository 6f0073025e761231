"""The room decides: 100 points each across the shortlist on phones, refused whole unless every rule holds; the
room's choice summed, hidden below the minimum group, on the facilitator's page and the projector."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.pages import APP, open_page, texts
from tests.test_page_workshop import _token
from toolkit import workshops as ws
from toolkit.access.scope import AccessDenied
from toolkit.capture.assessment import AnswerError
from toolkit.store.db import session_scope
from toolkit.store.plans import shortlist_add


@pytest.fixture
def room(db_url, catalogue):
    token = _token()
    ivs = [iv.id for iv in catalogue.interventions]
    with session_scope() as s:
        w = ws.create_workshop("Northshire", "2026", created_by="facil", session=s, title="Leaders' day")
        for iv in ivs[:3]:
            shortlist_add(w.ref, iv, session=s, cat=catalogue)
        people = [ws.join(w.code, "police", "strategic", session=s) for _ in range(3)]
    return token, w, people, ivs


def test_points_are_refused_until_open_and_unless_every_rule_holds(room) -> None:
    _t, w, people, ivs = room
    me = people[0].pseudonym
    with session_scope() as s:
        with pytest.raises(AnswerError, match="not open"):
            ws.give_points(w.code, me, {ivs[0]: 10}, session=s)
        with pytest.raises(AccessDenied):
            ws.open_points(w.code, True, session=s, actor=None)
        ws.open_points(w.code, True, session=s)
    bad = [
        ({ivs[0]: 60, ivs[1]: 50}, "share at most 100"),
        ({ivs[5]: 10}, "only to the interventions on the shortlist"),  # a value the page never offered
        ({"kantar_nothing": 10}, "only to the interventions on the shortlist"),
        ({ivs[0]: -5}, "whole points from 0 to 100"),
        ({ivs[0]: 2.5}, "whole points"),
        ({ivs[0]: True}, "whole points"),
    ]
    for allocation, says in bad:
        with session_scope() as s, pytest.raises(AnswerError, match=says):
            ws.give_points(w.code, me, allocation, session=s)
    with session_scope() as s:
        other = ws.create_workshop("Eastshire", "2026", created_by="facil", session=s)
        with pytest.raises(AnswerError, match="not in this workshop"):  # only the workshop the phone joined
            ws.give_points(other.code, me, {ivs[0]: 10}, session=s)
        assert ws.own_points(w.code, me, session=s) == {}  # nothing of the refused ones stored
        assert ws.give_points(w.code, me, {ivs[0]: 70, ivs[1]: 30, ivs[2]: 0}, session=s) == {ivs[0]: 70, ivs[1]: 30}
        ws.give_points(w.code, me, {ivs[2]: 100}, session=s)  # a new allocation replaces the old one
        assert ws.own_points(w.code, me, session=s) == {ivs[2]: 100}


def test_the_rooms_choice_is_hidden_below_the_minimum_group_then_summed(room) -> None:
    _t, w, people, ivs = room
    with session_scope() as s:
        ws.open_points(w.code, True, session=s)
        ws.give_points(w.code, people[0].pseudonym, {ivs[1]: 100}, session=s)
        ws.give_points(w.code, people[1].pseudonym, {ivs[1]: 50, ivs[2]: 50}, session=s)
        early = ws.room_choice(w, session=s, min_n=3)
        ws.give_points(w.code, people[2].pseudonym, {ivs[0]: 40, ivs[2]: 60}, session=s)
        still = ws.room_choice(ws.find_workshop(w.code, session=s), session=s, min_n=3)
        closed = ws.open_points(w.code, False, session=s)
        choice = ws.room_choice(closed, session=s, min_n=3)
    assert early.rows == [] and early.voters == 2
    assert still.still_open and still.rows == [] and still.voters == 3  # three gave, but the points are open
    assert [(r.intervention, r.points, r.backers) for r in choice.rows] == [
        (ivs[1], 150, 2),
        (ivs[2], 110, 2),
        (ivs[0], 40, 1),
    ]
    assert choice.top == ivs[1] and abs(sum(r.share for r in choice.rows) - 1) < 1e-9


def test_phones_share_points_and_the_projector_shows_the_rooms_choice(room, catalogue) -> None:
    token, w, people, ivs = room
    fac = open_page("app_pages/workshop.py", auth_token=token)
    fac.button(key="room_points").click().run()
    assert not fac.exception
    names = {iv.id: iv.title for iv in catalogue.interventions}
    for k, p in enumerate(people):
        phone = AppTest.from_file(APP, default_timeout=180)
        phone.run()
        phone.switch_page("app_pages/join.py")
        phone.query_params["w"], phone.query_params["k"] = w.code, p.secret
        phone.run()
        assert "Choose" in phone.segmented_control(key="join_view").options
        phone.segmented_control(key="join_view").set_value("Choose").run()
        assert [n.label for n in phone.number_input] == [names[iv] for iv in ivs[:3]]
        phone.number_input(key=f"join_pt_{ivs[0]}").set_value(80).run()
        phone.number_input(key=f"join_pt_{ivs[1]}").set_value(30).run()
        assert phone.button(key="join_pt_save").disabled and "take 10 off" in texts(phone)  # 110 is not offered
        phone.number_input(key=f"join_pt_{ivs[1]}").set_value(20 - 5 * k).run()
        phone.button(key="join_pt_save").click().run()
        assert not phone.exception and "Saved:" in texts(phone)
    with session_scope() as s:
        assert ws.own_points(w.code, people[2].pseudonym, session=s) == {ivs[0]: 80, ivs[1]: 10}
    present = open_page("app_pages/workshop.py", auth_token=token, workshop_present=True, workshop_slide="Choice")
    assert not present.exception
    assert "3 people have given points so far" in texts(present) and "240 points" not in texts(present)
    fac.run()
    fac.button(key="room_points").click().run()  # the facilitator closes the points
    assert not fac.exception
    present.run()
    assert f"1. **{names[ivs[0]]}**: 240 points" in texts(present).replace("\\", "")


def test_a_latecomers_points_cannot_be_told_from_two_counts(room) -> None:
    """An attacker who sees the room's choice, gets one more person to give points, and sees it again would know
    what that person gave: the choice shows only once the points close, and closed points never reopen."""
    _t, w, people, ivs = room
    with session_scope() as s:
        ws.open_points(w.code, True, session=s)
        for p in people[:3]:
            ws.give_points(w.code, p.pseudonym, {ivs[0]: 50, ivs[1]: 50}, session=s)
        seen = []
        info = ws.find_workshop(w.code, session=s)
        seen.append(ws.room_choice(info, session=s, min_n=3).rows)
        extra = ws.join(w.code, "health", "frontline", session=s)
        with pytest.raises(AnswerError):  # over 100: refused whole, nothing stored
            ws.give_points(w.code, extra.pseudonym, {ivs[2]: 200}, session=s)
        ws.give_points(w.code, extra.pseudonym, {ivs[2]: 100}, session=s)
        seen.append(ws.room_choice(ws.find_workshop(w.code, session=s), session=s, min_n=3).rows)
        final = ws.room_choice(ws.open_points(w.code, False, session=s), session=s, min_n=3).rows
        with pytest.raises(ValueError, match="final"):
            ws.open_points(w.code, True, session=s)
        with pytest.raises(AnswerError, match="not open"):
            ws.give_points(w.code, people[0].pseudonym, {ivs[2]: 100}, session=s)
    assert seen == [[], []]  # nothing while open
    assert {r.intervention: r.points for r in final} == {ivs[0]: 150, ivs[1]: 150, ivs[2]: 100}


def test_closing_the_workshop_closes_the_points_and_shows_the_choice(room) -> None:
    _t, w, people, ivs = room
    with session_scope() as s:
        ws.open_points(w.code, True, session=s)
        for p in people:
            ws.give_points(w.code, p.pseudonym, {ivs[0]: 100}, session=s)
        ws.close(w.code, session=s)
        info = ws.find_workshop(w.code, session=s)
        choice = ws.room_choice(info, session=s, min_n=3)
    assert not info.points_open and not choice.still_open
    assert [(r.intervention, r.points) for r in choice.rows][:1] == [(ivs[0], 300)]
