"""AppTest: the projector's view: one part at a time, the join code large, the QR only of TOOLKIT_PUBLIC_URL."""

from __future__ import annotations

import json

import pytest

from tests.pages import open_page, texts
from tests.test_page_workshop import _token
from toolkit import workshops as ws
from toolkit.core.settings import get_settings
from toolkit.store.db import session_scope
from ui.presentation import FONT, PRESENT_CSS


@pytest.fixture
def room(db_url, catalogue):
    token = _token()
    with session_scope() as s:
        w = ws.create_workshop("Northshire", "2026", created_by="facil", session=s, title="Leaders' day")
        people = [ws.join(w.code, "police", "strategic", session=s) for _ in range(3)]
        people += [ws.join(w.code, "health", "frontline", f"Person {k}", session=s) for k in range(3)]
        for k, p in enumerate(people):
            for step in ws.steps_for(w, p.level, catalogue)[:2]:
                for item in step.items:
                    ws.submit(w.code, p.pseudonym, step.framework, item.id, 1 + k % 3, session=s, cat=catalogue)
    return token, w


def test_without_a_public_address_there_is_no_qr_and_the_screen_says_why(room) -> None:
    token, w = room
    at = open_page("app_pages/workshop.py", auth_token=token, workshop_present=True)
    assert not at.exception
    assert ws.format_code(w.code) in [m.value for m in at.markdown]  # the code, in its own large block
    assert at.get("image") == []  # never a QR of this browser's address (it may be localhost)
    assert any("TOOLKIT_PUBLIC_URL" in i.value for i in at.info)
    assert at.segmented_control(key="workshop_slide").options == ["Join", "Comments"]  # no results before a reveal
    # the stylesheet is our fixed string: hides the sidebar and Streamlit's header, no user text in it
    assert any(h.proto.body == PRESENT_CSS for h in at.get("html"))
    assert "Leaders" not in PRESENT_CSS and "stSidebar" in PRESENT_CSS


def test_with_a_public_address_the_qr_holds_it(room, monkeypatch) -> None:
    token, w = room
    monkeypatch.setenv("TOOLKIT_PUBLIC_URL", "https://toolkit.northshire.example/")
    get_settings.cache_clear()
    at = open_page("app_pages/workshop.py", auth_token=token, workshop_present=True)
    assert not at.exception
    assert len(at.get("image")) == 1
    assert f"https://toolkit.northshire.example/join?w={w.code}" in [t.value for t in at.text]
    off = open_page("app_pages/workshop.py", auth_token=token)  # and the facilitator's own view the same
    assert len(off.get("image")) == 1
    assert any(c.value == f"https://toolkit.northshire.example/join?w={w.code}" for c in off.code)


def test_after_a_reveal_the_screen_shows_the_priority_in_one_sentence_in_large_type(room) -> None:
    token, w = room
    with session_scope() as s:
        ws.reveal(w.code, session=s)
    at = open_page("app_pages/workshop.py", auth_token=token, workshop_present=True)
    assert not at.exception
    assert at.segmented_control(key="workshop_slide").value == "Results"
    said = [m.value for m in at.markdown if m.value.startswith(("Work on", "No stage stands out"))]
    assert len(said) == 1 and said[0].count(". ") == 0  # one sentence
    (spec,) = [json.loads(c.proto.spec) for c in at.get("arrow_vega_lite_chart") + at.get("vega_lite_chart")]
    assert spec["config"]["axis"]["labelFontSize"] >= FONT and spec["config"]["axis"]["titleFontSize"] >= FONT
    at.segmented_control(key="workshop_slide").set_value("Disagreement").run()
    assert not at.exception
    assert "Where the room disagrees most" in texts(at)
    assert "Person 1" not in texts(at)
