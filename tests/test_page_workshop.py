"""AppTest: the facilitator's workshop page: sign-in gate, create, code and QR, live dashboard, reveal, APEASE, close."""

from __future__ import annotations

import pytest

from tests.pages import open_page, texts
from toolkit import workshops as ws
from toolkit.access.accounts import authenticate, create_user, start_session
from toolkit.store.areas import resolve_cycle
from toolkit.store.db import session_scope
from toolkit.store.plans import shortlist

PW = "a long facilitator password"


def _token(name: str = "facil", role: str = "facilitator") -> str:
    with session_scope() as s:
        create_user(name, PW, role, session=s)
        return start_session(authenticate(name, PW, session=s), session=s)


def charts(at) -> list[str]:
    return [c.proto.spec for c in at.get("vega_lite_chart") + at.get("arrow_vega_lite_chart")]


@pytest.fixture
def room(db_url, catalogue):
    """A facilitator's open workshop with six participants, five of whom answered everything."""
    token = _token()
    with session_scope() as s:
        w = ws.create_workshop("Northshire", "2026", created_by="facil", session=s, title="Leaders' day")
        people = [ws.join(w.code, "police", "strategic", session=s) for _ in range(3)]
        people += [ws.join(w.code, "health", "frontline", f"Person {k}", session=s) for k in range(3)]
        for k, p in enumerate(people[:5]):
            for step in ws.steps_for(w, p.level, catalogue):
                for item in step.items:
                    ws.submit(
                        w.code,
                        p.pseudonym,
                        step.framework,
                        item.id,
                        1 + (k + len(item.id)) % 5,
                        session=s,
                        cat=catalogue,
                    )
    return token, w


def test_the_page_needs_a_facilitator_account(db_url) -> None:
    at = open_page("app_pages/workshop.py")
    assert not at.exception
    assert "Sign in to use the workshop page." in texts(at)
    scrutineer = _token("scrut", "scrutineer")
    at = open_page("app_pages/workshop.py", auth_token=scrutineer)
    assert any("cannot use the workshop page" in e.value for e in at.error)


def test_a_facilitator_creates_a_workshop_and_sees_its_code_link_and_qr(db_url, monkeypatch) -> None:
    from toolkit.core.settings import get_settings
    from toolkit.store.areas import get_or_create_area

    monkeypatch.setenv("TOOLKIT_PUBLIC_URL", "https://toolkit.northshire.example")  # the QR is of this, or none
    get_settings.cache_clear()

    with session_scope() as s:
        get_or_create_area("Northshire", session=s)
    at = open_page("app_pages/workshop.py", auth_token=_token())
    assert not at.exception
    assert "No workshops yet" in texts(at)
    at.selectbox(key="workshop_f_area").set_value("Northshire")
    at.text_input(key="workshop_f_cycle").input("2026")
    at.multiselect(key="workshop_f_stages").set_value(["consider", "create"])
    at.button[0].click().run()  # the form's submit button
    assert not at.exception
    with session_scope() as s:
        (w,) = ws.list_workshops(session=s)
    assert (w.area, w.cycle, w.stages, w.status) == ("Northshire", "2026", ("consider", "create"), "open")
    shown = texts(at)
    assert f"Join code: {ws.format_code(w.code)}" in shown
    assert any(c.value == f"https://toolkit.northshire.example/join?w={w.code}" for c in at.code)
    assert len(at.get("image")) == 1  # the QR code


def test_the_dashboard_shows_who_joined_and_progress_and_hides_results_until_revealed(room) -> None:
    token, w = room
    at = open_page("app_pages/workshop.py", auth_token=token)
    assert not at.exception
    assert [m.value for m in at.metric] == ["6", "5", str(sum(at.dataframe[1].value["Answered"]))]
    joined = at.dataframe[0].value.set_index("Agency")
    assert joined.loc["Police", "Strategic"] == "3" and joined.loc["Health", "Frontline"] == "3"
    progress = at.dataframe[1].value
    assert len(progress) == 6 and "Person 2" in set(progress["Participant"])
    assert "hidden until you reveal them" in texts(at)
    assert charts(at) == []
    at.button(key="workshop_reveal").click().run()
    assert not at.exception
    with session_scope() as s:
        assert ws.find_workshop(w.code, session=s).status == "revealed"
    specs = charts(at)
    assert any("Where the journey stands" in s for s in specs)
    assert "Where the room disagrees most" in texts(at)


def test_presentation_view_hides_names_and_small_groups(room) -> None:
    token, w = room
    with session_scope() as s:
        ws.join(w.code, "education", "managerial", "Lonely", session=s)
        ws.reveal(w.code, session=s)
    at = open_page("app_pages/workshop.py", auth_token=token, workshop_present=True, workshop_slide="Join")
    assert not at.exception
    joined = at.table[0].value  # large type on the projector: a table, not a data grid
    assert joined.loc["Education", "Managerial"] == "fewer than 3"
    assert not any("Lonely" in str(df.value) or "Person 1" in str(df.value) for df in [*at.dataframe, *at.table])
    assert "Run a workshop" not in [t.value for t in at.title]  # the workshop's own name instead
    assert "Leaders' day" in at.title[0].value


def test_the_room_appraises_a_shortlist(room, catalogue) -> None:
    token, w = room
    iv = catalogue.interventions[0].id
    at = open_page("app_pages/workshop.py", auth_token=token)
    assert at.button(key="workshop_appraisal").disabled  # nothing shortlisted yet
    at.multiselect(key="workshop_shortlist").set_value([iv])
    at.button(key="workshop_save_shortlist").click().run()
    with session_scope() as s:
        assert shortlist(resolve_cycle("Northshire", "2026", session=s), session=s) == [iv]
    at.button(key="workshop_appraisal").click().run()
    assert not at.exception
    with session_scope() as s:
        assert ws.find_workshop(w.code, session=s).appraisal_open


def test_closing_needs_confirmation_and_then_freezes(room) -> None:
    token, w = room
    at = open_page("app_pages/workshop.py", auth_token=token)
    at.button(key="workshop_close").click().run()  # asks first, in a dialog that says what closing takes
    assert not at.exception and "this cannot be undone" in texts(at)
    at.button(key="workshop_close_no").click().run()  # "Keep it": still open
    with session_scope() as s:
        assert ws.find_workshop(w.code, session=s).status == "open"
    assert not any(b.key == "workshop_close_yes" for b in at.button)
    at.button(key="workshop_close").click().run()
    at.button(key="workshop_close_yes").click().run()
    assert not at.exception
    with session_scope() as s:
        assert ws.find_workshop(w.code, session=s).status == "closed"
    assert "ratings are final" in texts(at)
    assert "workshop_reveal" not in [b.key for b in at.button]


def test_a_second_reveal_with_one_new_answer_keeps_the_rooms_figures_and_says_why(room, catalogue) -> None:
    token, w = room
    at = open_page("app_pages/workshop.py", auth_token=token)
    at.button(key="workshop_reveal").click().run()
    assert any("Revealed: the room now sees" in m.value for m in at.success)
    with session_scope() as s:
        late = ws.join(w.code, "health", "frontline", "Late", session=s)
        for step in ws.steps_for(w, "frontline", catalogue):
            for item in step.items:
                ws.submit(w.code, late.pseudonym, step.framework, item.id, 5, session=s, cat=catalogue)
    at = open_page("app_pages/workshop.py", auth_token=token)
    assert any("Joined after the first reveal: Health, frontline level: 1" in m.value for m in at.warning)
    assert at.button(key="workshop_reveal").label == "Reveal the latest answers"
    at.button(key="workshop_reveal").click().run()
    assert not at.exception
    kept = [m.value for m in at.warning if "still sees the results of reveal 1" in m.value]
    assert kept and "Health at frontline level" in kept[0] and "fewer than 3" in kept[0]
