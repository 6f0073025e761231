"""Taking a role away on the Account page asks first, in a dialog that says exactly what goes (issue 13: destructive
actions confirm with st.dialog); nothing changes until the confirmation, Keep it changes nothing, and a membership
the page did not offer opens no confirmation."""

from __future__ import annotations

import pytest

from tests.access.scan import open_as
from tests.access.world import X, Y, build, forge
from tests.bad_input.helpers import db_state
from tests.pages import texts
from toolkit.access.memberships import accounts, grant
from toolkit.access.scope import OPERATOR
from toolkit.store.audit import entries
from toolkit.store.db import session_scope

SEP = "\x1f"


@pytest.fixture
def world(engine, catalogue):
    w = build(engine, catalogue)
    with session_scope(engine) as s:  # facx also runs Southmoor's workshops
        grant("facx", "facilitator", Y, actor=OPERATOR, session=s)
    return w


def _record(engine) -> dict[str, list[str]]:
    """Every table but the sign-in sessions (each page run marks the administrator's session as seen)."""
    state = db_state(engine)
    state.pop("login_sessions")
    return state


def shown(at) -> str:
    return texts(at).replace("\\", "")


def _held(engine, name: str) -> str:
    with session_scope(engine) as s:
        return next(a for a in accounts(session=s) if a.username == name).described


def _ask(world, value: str):
    at = open_as("app_pages/account.py", token=world.tokens["admin"])
    at.selectbox(key="account_revoke_pick").set_value(value)
    next(b for b in at.button if b.label == "Take the role away...").click().run()
    assert not at.exception
    return at


def test_the_confirmation_says_exactly_what_goes_and_nothing_goes_before_it(engine, world) -> None:
    before = _record(engine)
    at = _ask(world, SEP.join(("facx", "facilitator", Y)))
    says = shown(at)
    assert "facx stops being facilitator for Southmoor, at once" in says
    assert "They can no longer" in says and "export the raw ratings" in says and "run workshops" in says
    assert f"Their other memberships stay: facilitator for {X}." in says
    assert "Nothing they recorded is deleted" in says
    assert not any(c.key == "account_revoke_sure" for c in at.checkbox)  # no tick box: the dialog asks
    assert _record(engine) == before  # nothing taken yet
    at.button(key="account_revoke_no").click().run()  # Keep it
    assert not at.exception and "stops being" not in shown(at)
    assert _record(engine) == before
    at = _ask(world, SEP.join(("facx", "facilitator", Y)))
    at.button(key="account_revoke_yes").click().run()
    assert not at.exception and "facx is no longer facilitator for Southmoor." in shown(at)
    assert _held(engine, "facx") == f"facilitator for {X}"
    with session_scope(engine) as s:
        line = entries(session=s, action="membership.revoke")[0]
    assert (line.actor, line.target, line.before) == ("admin", "facx", {"role": "facilitator", "area": Y})


def test_an_only_membership_and_access_kept_through_another_are_said(engine, world) -> None:
    only = shown(_ask(world, SEP.join(("scrx", "scrutineer", X))))
    assert "It is their only membership" in only and "see no partnership's data" in only
    with session_scope(engine) as s:
        grant("regional", "scrutineer", X, actor=OPERATOR, session=s)
    kept = shown(_ask(world, SEP.join(("regional", "scrutineer", X))))
    assert "Through another membership they can still" in kept and "They can no longer" not in kept


def test_a_membership_the_page_did_not_offer_opens_no_confirmation(engine, world) -> None:
    before = _record(engine)
    at = open_as("app_pages/account.py", token=world.tokens["admin"])
    forge(at.selectbox(key="account_revoke_pick"), SEP.join(("admin", "administrator", "Nowhere")))
    next(b for b in at.button if b.label == "Take the role away...").click().run()
    assert not at.exception and "not offered" in shown(at) and "stops being" not in shown(at)
    assert not any(b.key == "account_revoke_yes" for b in at.button)
    assert _record(engine) == before
