"""Sign-in glue: who is signed in for this browser session, and gates for pages that need a role."""

from __future__ import annotations

import streamlit as st

from toolkit.access.accounts import (
    AuthError,
    Identity,
    authenticate,
    check_session,
    count_users,
    end_session,
    start_session,
)
from ui.resources import db


def identity() -> Identity | None:
    """The signed-in identity, checked against the database (expiry, sign-out) on every rerun."""
    token = st.session_state.get("auth_token")
    if not token:
        return None
    with db() as s:
        who = check_session(token, session=s)
    if who is None:
        st.session_state["auth_token"] = None
        st.session_state["auth_notice"] = "Your session has ended. Please sign in again."
    return who


def _sign_in() -> None:
    ss = st.session_state
    try:
        with db() as s:
            who = authenticate(ss.get("auth_username", ""), ss.get("auth_password", ""), session=s)
            ss["auth_token"] = start_session(who, session=s)
        ss["auth_error"] = None
    except AuthError as exc:
        ss["auth_error"] = str(exc)
    ss["auth_password"] = ""


def sign_out() -> None:
    with db() as s:
        end_session(st.session_state.get("auth_token"), session=s)
    st.session_state["auth_token"] = None


def sign_in_form(key: str = "auth") -> None:
    """Username and password, with the reason when sign-in is refused."""
    if notice := st.session_state.pop("auth_notice", None):
        st.info(notice)
    with st.form(f"{key}_form"):
        st.text_input("Username", key="auth_username", autocomplete="username")
        st.text_input("Password", key="auth_password", type="password", autocomplete="current-password")
        st.form_submit_button("Sign in", on_click=_sign_in, type="primary")
    if err := st.session_state.get("auth_error"):
        st.error(err)


def require(action: str, *, what: str = "this page") -> Identity:
    """The identity if it may do `action`; otherwise a sign-in form or a refusal, and the page stops."""
    who = identity()
    if who is None:
        st.write(f"Sign in to use {what}.")
        sign_in_form()
        st.stop()
    if not who.can(action):
        st.error(f"Your account ({who.role}) cannot use {what}.")
        st.stop()
    return who


def accounts_exist() -> bool:
    """Whether this installation has any account (then the partnership's pages need a signed-in role)."""
    with db() as s:
        return count_users(session=s) > 0


def may(action: str) -> bool:
    """Whether whoever uses this browser session may do `action`.

    An installation without any account is a single-user app on one device: whoever runs it may do everything (the
    quick start's journey). Once the first account exists, only a signed-in role that allows the action may.
    """
    who = identity()
    return who.can(action) if who is not None else not accounts_exist()


def gate(action: str, *, what: str = "this page") -> Identity | None:
    """Like `require`, but open on an installation without accounts (see `may`); returns who is signed in, if anyone."""
    if identity() is None and not accounts_exist():
        return None
    return require(action, what=what)
