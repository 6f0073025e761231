"""Account page callbacks: an administrator's accounts and memberships (the first administrator: ui/first_admin).

Every choice is checked against what the page could have offered (read again from the database here), and every
change goes through toolkit.access.memberships, which checks the signed-in administrator and audits it.
"""

from __future__ import annotations

from collections.abc import Collection

import streamlit as st

from toolkit.access.accounts import ACCOUNT_ROLES, Member
from toolkit.access.memberships import EVERY_AREA, accounts, add_account, change_password, grant, revoke, revoking
from toolkit.access.oidc import describe_link, link, links, unlink, unlinking
from toolkit.access.scope import AccessDenied
from toolkit.store.areas import list_areas
from ui.resources import db
from ui.scope import actor
from ui.widgets import Confirm, NotOffered, confirmation, offered

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


CONFIRM = "account_confirm_revoke"  # the membership the confirmation names (a checked option value), or None
UNLINK = "account_confirm_unlink"  # the account whose single sign-on link the confirmation names, or None


def _ask(confirm: str, pick: str, options: Collection[str]) -> None:
    """Open one confirmation for the value chosen in `pick` (a page shows one dialog at a time, so the other closes);
    a value the page did not offer opens nothing."""
    ss = st.session_state
    ss[CONFIRM] = ss[UNLINK] = None
    try:
        ss[confirm] = offered(ss.get(pick), options)
    except NotOffered as exc:
        ss["account_msg"] = f"Not done: {str(exc).rstrip('.')}."


def ask_take() -> None:
    """Open the confirmation for the chosen membership."""
    _ask(CONFIRM, "account_revoke_pick", membership_options())


def keep_role() -> None:
    """Close the confirmation; nothing is taken away."""
    st.session_state[CONFIRM] = None


def what_goes(value: str) -> list[str]:
    """What taking this membership away would take, in sentences (toolkit.access.memberships.revoking)."""
    user, role, area = value.split(SEP)
    with db() as s:
        return revoking(user, role, _area(area), session=s)


def take() -> None:
    """Take away the membership the confirmation named, checked again against the memberships there are now."""
    ss = st.session_state
    value, ss[CONFIRM] = ss.get(CONFIRM), None

    def go() -> str:
        user, role, area = offered(value, membership_options()).split(SEP)
        with db() as s:
            revoke(user, role, _area(area), actor=actor(), session=s)
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


def link_sso() -> None:
    ss = st.session_state

    def go() -> str:
        user = offered(ss.get("account_sso_user"), account_names())
        with db() as s:
            what = link(
                user,
                email=ss.get("account_sso_email") or "",
                issuer=ss.get("account_sso_issuer") or "",
                subject=ss.get("account_sso_subject") or "",
                actor=actor(),
                session=s,
            )
        ss["account_sso_email"] = ss["account_sso_issuer"] = ss["account_sso_subject"] = ""
        return f"{user} now signs in with single sign-on as {what}."

    _done(go)


def linked_names() -> list[str]:
    """The accounts that have a single sign-on link (the only ones whose link can be removed)."""
    with db() as s:
        return [name for name, said in links(session=s).items() if said != describe_link(None)]


def ask_unlink() -> None:
    """Open the confirmation for the chosen account's link."""
    _ask(UNLINK, "account_sso_unlink_user", linked_names())


def keep_link() -> None:
    """Close the confirmation; the link stays."""
    st.session_state[UNLINK] = None


def what_unlinks(user: str) -> list[str]:
    """What removing this account's link would take, in sentences (toolkit.access.oidc.unlinking)."""
    with db() as s:
        return unlinking(user, session=s)


def unlink_sso() -> None:
    """Remove the link the confirmation named, checked again against the accounts linked now."""
    ss = st.session_state
    value, ss[UNLINK] = ss.get(UNLINK), None

    def go() -> str:
        user = offered(value, linked_names())
        with db() as s:
            done = unlink(user, actor=actor(), session=s)
        return f"{user} can no longer use single sign-on." if done else f"{user} was not linked to single sign-on."

    _done(go)


# The two confirmations the page asks in a dialog (ui.widgets.confirmation).
REVOKING = Confirm(CONFIRM, what_goes, "account_revoke", "Take the role away", take, keep_role, "Nothing to take away")
UNLINKING = Confirm(
    UNLINK, what_unlinks, "account_sso_unlink", "Remove the link", unlink_sso, keep_link, "Nothing to remove"
)


@st.dialog("Take this role away?", on_dismiss=keep_role)
def confirm_revoke(value: str) -> None:
    confirmation(REVOKING, value)


@st.dialog("Remove this single sign-on link?", on_dismiss=keep_link)
def confirm_unlink(user: str) -> None:
    confirmation(UNLINKING, user)


def where(m: Member) -> str:
    """A membership in words: the role and its area (or every area)."""
    return f"{m.role} for {m.area or EVERY_AREA}"
