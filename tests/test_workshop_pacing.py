"""Presenter-paced mode: the facilitator moves the room part by part, the phones show and accept only that part,
and the projector shows the part's live answers once the facilitator shows them (small counts hidden)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.pages import APP, open_page, texts
from tests.test_page_workshop import _token
from toolkit import workshops as ws
from toolkit.access.scope import AccessDenied
from toolkit.capture.assessment import AnswerError
from toolkit.store.db import session_scope


@pytest.fixture
def paced(db_url, catalogue):
    token = _token()
    with session_scope() as s:
        w = ws.create_workshop("Northshire", "2026", created_by="facil", session=s, title="Leaders' day")
        w = ws.set_pace(w.code, "presenter", session=s, cat=catalogue)
    return token, w


def _phone(code: str, secret: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    at.switch_page("app_pages/join.py")
    at.query_params["w"], at.query_params["k"] = code, secret
    at.run()
    return at


def test_the_parts_are_the_stages_then_the_cs_groups_and_presenter_starts_on_the_first(paced, catalogue) -> None:
    _t, w = paced
    keys = [p.key for p in ws.parts_of(w, catalogue)]
    assert keys == ["consider", "create", "communicate", "commit", "practitioners_agencies", "structures_processes"]
    assert w.paced and w.part == "consider" and not w.part_shown


def test_a_phone_may_answer_only_the_part_the_room_is_on(paced, catalogue) -> None:
    _t, w = paced
    with session_scope() as s:
        p = ws.join(w.code, "police", "frontline", session=s)
    now = ws.part_statements(w, p.level, catalogue)
    later = [s for s in ws.statements_for(w, p.level, catalogue) if s.key not in {n.key for n in now}]
    assert now and all(s.step == 0 and s.steps == 6 for s in now) and [s.index for s in now] == list(range(len(now)))
    with session_scope() as s:
        ws.submit(w.code, p.pseudonym, now[0].framework, now[0].item.id, 4, session=s, cat=catalogue)
        with pytest.raises(AnswerError, match="not in the part the room is on"):
            ws.submit(w.code, p.pseudonym, later[0].framework, later[0].item.id, 4, session=s, cat=catalogue)
    with session_scope() as s:
        assert set(ws.own_answers(w, p.pseudonym, session=s)) == {now[0].key}


def test_only_the_facilitator_who_runs_it_moves_the_room_and_only_to_its_parts(paced, catalogue) -> None:
    _t, w = paced
    with session_scope() as s:
        with pytest.raises(ValueError, match="not one of this workshop's"):
            ws.move_to(w.code, "c01_clarity", session=s, cat=catalogue)
        with pytest.raises(ValueError, match="choose the pace"):
            ws.set_pace(w.code, "fast", session=s, cat=catalogue)
        with pytest.raises(AccessDenied):
            ws.move_to(w.code, "create", session=s, cat=catalogue, actor=None)
        assert ws.move_to(w.code, "create", session=s, cat=catalogue).part == "create"


def test_live_answers_are_hidden_below_the_minimum_group(paced, catalogue) -> None:
    _t, w = paced
    with session_scope() as s:
        people = [ws.join(w.code, "health", "strategic", session=s) for _ in range(3)]
        first = ws.part_statements(w, "strategic", catalogue)[:2]
        for k, p in enumerate(people):
            ws.submit(w.code, p.pseudonym, first[0].framework, first[0].item.id, 2 + (k == 0), session=s, cat=catalogue)
        ws.submit(w.code, people[0].pseudonym, first[1].framework, first[1].item.id, 5, session=s, cat=catalogue)
        live = ws.live_part(ws.find_workshop(w.code, session=s), session=s, cat=catalogue, min_n=3)
    by_text = {x.text: x for x in live.statements}
    assert by_text[first[0].item.text].counts == {1: 0, 2: 2, 3: 1, 4: 0, 5: 0}
    assert by_text[first[1].item.text].counts is None and by_text[first[1].item.text].n == 1


def test_the_phone_follows_the_room_part_by_part(paced, catalogue) -> None:
    _t, w = paced
    with session_scope() as s:
        p = ws.join(w.code, "education", "managerial", session=s)
    at = _phone(w.code, p.secret)
    assert not at.exception
    now = ws.part_statements(w, p.level, catalogue)
    assert at.radio[0].label == now[0].item.text and "(part 1 of 6)" in texts(at)
    assert any(f"0 of {len(now)} statements answered" in str(b.proto.text) for b in at.get("progress"))
    at.radio[0].set_value(3).run()
    assert any(f"1 of {len(now)} statements answered" in str(b.proto.text) for b in at.get("progress"))
    with session_scope() as s:
        w2 = ws.move_to(w.code, "create", session=s, cat=catalogue)
    at.run()  # the phone's next check (the fragment's timer, here a rerun)
    at.run()
    nxt = ws.part_statements(w2, p.level, catalogue)
    assert not at.exception
    assert at.radio[0].label == nxt[0].item.text and "(part 2 of 6)" in texts(at)


def test_before_the_first_part_the_phone_waits(db_url, catalogue) -> None:
    with session_scope() as s:
        w = ws.create_workshop("Northshire", "2026", created_by="facil", session=s)
        p = ws.join(w.code, "police", "strategic", session=s)
        from toolkit.store.models import Workshop

        row = s.get(Workshop, w.id)
        assert row is not None
        row.pace, row.part = "presenter", None
    at = _phone(w.code, p.secret)
    assert not at.exception
    assert ws.WAITING in texts(at) and not at.radio


def test_the_facilitator_moves_the_room_and_shows_its_answers_on_the_projector(paced, catalogue) -> None:
    token, w = paced
    at = open_page("app_pages/workshop.py", auth_token=token)
    assert not at.exception
    assert at.radio(key="workshop_pace").value == "presenter"
    assert at.button(key="room_prev").disabled
    at.button(key="room_next").click().run()
    assert not at.exception
    with session_scope() as s:
        assert ws.find_workshop(w.code, session=s).part == "create"
    present = open_page("app_pages/workshop.py", auth_token=token, workshop_present=True)
    assert present.segmented_control(key="workshop_slide").value == "Live"
    assert "Create" in texts(present) and "when the facilitator shows them" in texts(present)
    present.button(key="room_show").click().run()
    assert not present.exception
    assert "Too few answers to show yet" in texts(present)
    at.radio(key="workshop_pace").set_value("self").run()
    with session_scope() as s:
        assert not ws.find_workshop(w.code, session=s).paced
    assert "room_next" not in [b.key for b in at.button]
