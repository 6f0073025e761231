"""The room's choice becomes the action plan in the same session, on the projector."""

from __future__ import annotations

from datetime import date

import pytest

from tests.pages import open_page, texts
from tests.test_page_workshop import _token
from toolkit import workshops as ws
from toolkit.access.accounts import Identity, Member
from toolkit.access.scope import AccessDenied
from toolkit.store.db import session_scope
from toolkit.store.plans import action_plan, shortlist_add
from ui.presentation import PRESENT_CSS


@pytest.fixture
def room(db_url, catalogue):
    token = _token()
    ivs = [iv.id for iv in catalogue.interventions][:2]
    with session_scope() as s:
        w = ws.create_workshop("Northshire", "2026", created_by="facil", session=s, title="Leaders' day")
        for iv in ivs:
            shortlist_add(w.ref, iv, session=s, cat=catalogue)
        people = [ws.join(w.code, "police", "strategic", session=s) for _ in range(3)]
        ws.open_points(w.code, True, session=s)
        for p in people:
            ws.give_points(w.code, p.pseudonym, {ivs[1]: 100}, session=s)
        ws.open_points(w.code, False, session=s)  # the choice shows once the points close
    return token, w, ivs


def _facil(s) -> Identity:
    return Identity("facil", "facilitator", (Member("facilitator"),))


def test_only_the_shortlist_and_the_guidance_are_accepted_and_only_from_who_runs_it(room, catalogue) -> None:
    _t, w, ivs = room
    other = next(iv.id for iv in catalogue.interventions if iv.id not in ivs)
    guide = catalogue.get("implementation_guidance")
    with session_scope() as s:
        me = _facil(s)
        for kwargs, says in (
            ({"intervention": other}, "shortlist"),
            ({"messenger": "the_mayor"}, "messenger"),
            ({"channel": "carrier_pigeon"}, "channel"),
            ({"first_step": " "}, "first step"),
        ):
            args = {"intervention": ivs[1], "goal": "G", "first_step": "Brief teams"} | kwargs
            with pytest.raises(ValueError, match=says):
                ws.agree_plan(me, w.code, args.pop("intervention"), session=s, cat=catalogue, **args)
        with pytest.raises(AccessDenied):
            ws.agree_plan(None, w.code, ivs[1], goal="G", first_step="x", session=s, cat=catalogue)
        ws.agree_plan(
            me, w.code, ivs[1], goal="Everyone briefed", first_step="Brief the leads", owner="Head of service",
            messenger=guide.messengers[0].id, channel=guide.channels[0].id, due=date(2027, 1, 31), session=s,
            cat=catalogue,
        )  # fmt: skip
        plan = action_plan(w.ref, session=s)
    (goal,) = plan["goals"]
    assert goal["intervention"] == ivs[1] and goal["title"] == "Everyone briefed"
    assert goal["steps"][0]["owner"] == "Head of service" and goal["steps"][0]["due"] == date(2027, 1, 31)


def test_the_facilitator_adds_the_rooms_choice_to_the_plan_on_the_projector(room, catalogue) -> None:
    token, _w, ivs = room
    at = open_page("app_pages/workshop.py", auth_token=token, workshop_present=True, workshop_slide="Plan")
    assert not at.exception
    assert "No goal yet" in texts(at)
    assert at.selectbox(key="room_plan_iv").value == ivs[1]  # the room's top choice, ready
    assert at.selectbox(key="room_plan_iv").options == [iv.title for iv in catalogue.interventions if iv.id in ivs]
    at.text_input(key="room_plan_goal").input("<b>Everyone</b> briefed")
    at.text_input(key="room_plan_step").input("Brief the leads")
    at.text_input(key="room_plan_owner").input("Head of service")
    at.button[[b.proto.label for b in at.button].index("Add to the plan")].click().run()
    assert not at.exception
    assert "Added to the plan" in texts(at)
    assert "Everyone" in texts(at) and "<b>" not in texts(at) and "owner: Head of service" in texts(at)
    assert all(h.proto.body == PRESENT_CSS for h in at.get("html"))
