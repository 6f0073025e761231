"""Account page callbacks: an administrator's accounts and memberships (the first administrator: ui/first_admin).

Every choice is checked against what the page could have offered (read again from the database here), and every
change goes through toolkit.access.memberships, which checks the signed-in administrator and audits it.
"""

from __future__ import annotations

import streamlit as st

from toolkit.access.accounts import ACCOUNT_ROLES
from toolkit.access.memberships import EVERY_AREA, accounts, add_account, change_password, grant, revoke
from toolkit.access.scope import AccessDenied
from toolkit.store.areas import list_areas
from ui.resources import db
from ui.scope import actor
from ui.widgets import NotOffered, offered

SEP = "\x1f"  # between the parts of a membership's option value: username, role, area


def area_options() -> list[str]:
    """Every area by name, then 'every area'."""
    with db() as s:
        return [*(a.area for a in list_areas(session=s)), EVERY_AREA]


def account_names() -> list[str]:
    with db() as s:
        return [a.username for a in accounts(session=s)]


def membership_options() -> dict[str, str]:
    """Every membership as an option value (username, role, area) and its label."""
    with db() as s:
        return {
            SEP.join((a.username, m.role, m.area or EVERY_AREA)): f"{a.username}: {m.role} for {m.area or EVERY_AREA}"
            for a in accounts(session=s)
            for m in a.memberships
        }


def _done(fn) -> None:
    """Run one change; its refusal or mistake becomes the page's message (nothing was changed)."""
    try:
        st.session_state["account_msg"] = fn()
    except (ValueError, AccessDenied) as exc:  # NotOffered is a ValueError
        st.session_state["account_msg"] = f"Not done: {str(exc).rstrip('.')}."


def _area(value: str) -> str | None:
    return None if value == EVERY_AREA else value


def add() -> None:
    ss = st.session_state

    def go() -> str:
        role = offered(ss.get("account_new_role"), ACCOUNT_ROLES)
        every = bool(ss.get("account_new_every"))
        areas = [offered(a, area_options()) for a in ss.get("account_new_areas") or []]
        if ss.get("account_new_pw1") != ss.get("account_new_pw2"):
            raise ValueError("the two passwords differ")
        name = ss.get("account_new_user") or ""
        with db() as s:
            add_account(
                name,
                ss.get("account_new_pw1") or "",
                role,
                None if every or EVERY_AREA in areas else areas,
                actor=actor(),
                session=s,
            )
        ss["account_new_pw1"] = ss["account_new_pw2"] = ""
        return f"Account {name.strip().lower()!r} created."

    _done(go)


def give() -> None:
    ss = st.session_state

    def go() -> str:
        user = offered(ss.get("account_grant_user"), account_names())
        role = offered(ss.get("account_grant_role"), ACCOUNT_ROLES)
        area = offered(ss.get("account_grant_area"), area_options())
        with db() as s:
            new = grant(user, role, _area(area), actor=actor(), session=s)
        return f"{user} is now {role} for {area}." if new else f"{user} already was {role} for {area}."

    _done(go)


def take() -> None:
    ss = st.session_state

    def go() -> str:
        if not ss.get("account_revoke_sure"):
            raise NotOffered("tick the box to confirm, then take the role away")
        value = offered(ss.get("account_revoke_pick"), membership_options())
        user, role, area = value.split(SEP)
        with db() as s:
            revoke(user, role, _area(area), actor=actor(), session=s)
        ss["account_revoke_sure"] = False
        return f"{user} is no longer {role} for {area}."

    _done(go)


def password() -> None:
    ss = st.session_state

    def go() -> str:
        user = offered(ss.get("account_pw_user"), account_names())
        if ss.get("account_pw_new1") != ss.get("account_pw_new2"):
            raise ValueError("the two passwords differ")
        with db() as s:
            change_password(user, ss.get("account_pw_new1") or "", actor=actor(), session=s)
        ss["account_pw_new1"] = ss["account_pw_new2"] = ""
        return f"Password changed for {user}; their sessions have ended."

    _done(go)
