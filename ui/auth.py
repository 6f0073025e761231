"""Sign-in glue: who is signed in for this browser, gates for pages that need a role, and the session cookie.

A sign-in lives in the database (LoginSession, hashed). This browser session holds its token in session state; the
browser holds a second secret of the same session in an HttpOnly, Secure, SameSite=Strict cookie, so a reload keeps
the sign-in. Streamlit cannot set a cookie over its websocket, so after a password is accepted the page runs one
`fetch` that hands a one-time code (minutes long, single use) to the server route in ui/session_route.py, which sets
the cookie; page scripts never see the cookie itself. Served with `streamlit run app.py` (no route), a sign-in lasts
until the tab is reloaded, as before.
"""

from __future__ import annotations

import os
import re

import streamlit as st

from toolkit.access.accounts import (
    MIN_PASSWORD,
    AuthError,
    Identity,
    authenticate,
    check_session,
    count_users,
    end_session,
    issue_handoff,
    start_session,
)
from ui import first_admin, oidc
from ui.resources import db

COOKIE = "toolkit_session"
ROUTE = "/toolkit-session"
# Behind a reverse proxy every visitor has the proxy's address; name the header the proxy sets (e.g.
# X-Forwarded-For) and its right-most entry, the one the proxy wrote, is the client throttled.
CLIENT_HEADER = "TOOLKIT_CLIENT_IP_HEADER"


def _text(value: object) -> str | None:
    """A request value if it is text (AppTest's stand-in client hands back other objects)."""
    return value if isinstance(value, str) and value else None


def _browser_cookie() -> str | None:
    return _text(st.context.cookies.get(COOKIE))


def _cookie() -> str | None:
    """The browser's session cookie, unless this browser session already found it ended."""
    value = _browser_cookie()
    return value if value and value != st.session_state.get("auth_cookie_dead") else None


def identity() -> Identity | None:
    """The signed-in identity, checked against the database (expiry, sign-out) on every rerun."""
    ss = st.session_state
    token = ss.get("auth_token") or _cookie()
    if not token:
        return oidc.identity()  # single sign-on, if this server offers it and the browser holds one
    with db() as s:
        who = check_session(token, session=s)
    if who is None:
        if token == _browser_cookie():
            ss["auth_cookie_dead"] = token
        ss["auth_token"] = None
        ss["auth_notice"] = "Your session has ended. Please sign in again."
    else:
        ss["auth_token"] = token
    return who


def via_sso() -> bool:
    """Whether this browser is signed in by single sign-on rather than a password session."""
    return not (st.session_state.get("auth_token") or _cookie()) and oidc.signed_on()


def client() -> str | None:
    """Who is asking, for throttling by client: the peer address, or the proxy's header when one is named."""
    header = os.environ.get(CLIENT_HEADER, "").strip()
    if header:
        forwarded = _text(st.context.headers.get(header)) or ""
        return forwarded.split(",")[-1].strip() or _text(st.context.ip_address)
    return _text(st.context.ip_address)


def _sign_in() -> None:
    ss = st.session_state
    try:
        with db() as s:
            who = authenticate(ss.get("auth_username", ""), ss.get("auth_password", ""), session=s, client=client())
            ss["auth_token"] = start_session(who, session=s)
            ss["auth_handoff"] = issue_handoff(ss["auth_token"], session=s)
        ss["auth_error"] = None
        ss["auth_cookie_dead"] = _browser_cookie()  # an older cookie of this browser is replaced
    except AuthError as exc:
        ss["auth_error"] = str(exc)
    ss["auth_password"] = ""


def sign_out() -> None:
    ss = st.session_state
    with db() as s:
        end_session(ss.get("auth_token"), session=s)
        end_session(_cookie(), session=s)
    ss["auth_cookie_dead"] = _browser_cookie()
    ss["auth_token"] = None
    ss["auth_clear_cookie"] = True
    oidc.log_out()  # a single sign-on ends too (on the server, and Streamlit clears its identity cookie)


def js_token(value: str) -> str:
    """A server-made token quoted for a script (url-safe characters only, else refused); empty is JavaScript null."""
    if not re.fullmatch(r"[A-Za-z0-9_/-]*", value):
        raise ValueError("only url-safe server-made text goes into a script")
    return f'"{value}"' if value else "null"


def _fetch(method: str, body: str = "") -> None:
    """One same-origin request to the session route; the code is server-made url-safe text, never user text."""
    st.html(
        f"<script>fetch({js_token(ROUTE)}, {{method: {js_token(method)}, credentials: 'same-origin', "
        f"headers: {{'Content-Type': 'text/plain'}}, body: {js_token(body)}}});</script>",
        unsafe_allow_javascript=True,
    )


def keep_signed_in() -> None:
    """After a sign-in, have the browser fetch its cookie; after a sign-out, have it drop it (app.py, every run)."""
    ss = st.session_state
    if code := ss.get("auth_handoff"):
        ss["auth_handoff"] = None
        _fetch("POST", code)
    if ss.get("auth_clear_cookie"):
        ss["auth_clear_cookie"] = False
        _fetch("DELETE")


def recheck(action: str) -> None:
    """In an auto-refreshing fragment: once the session has ended (or no longer allows `action`), rerun the whole
    page, which then asks for a sign-in and stops refreshing; otherwise do nothing."""
    who = identity()
    if who is None or not who.can(action):
        st.rerun(scope="app")


def sign_in_form(key: str = "auth") -> None:
    """Single sign-on (when offered), then username and password, with the reason when sign-in is refused."""
    if notice := st.session_state.pop("auth_notice", None):
        st.info(notice)
    oidc.offer()
    with st.form(f"{key}_form"):
        st.text_input("Username", key="auth_username", autocomplete="username")
        st.text_input("Password", key="auth_password", type="password", autocomplete="current-password")
        st.form_submit_button("Sign in", on_click=_sign_in, type="primary")
    if err := st.session_state.get("auth_error"):
        st.error(err)


def first_admin_form() -> None:
    """On an installation without accounts: create the first administrator, with the server's one-time setup code."""
    first_admin.announce_setup_code()
    st.subheader("Create the first administrator")
    st.write(
        "This installation has no accounts yet. The first account is an administrator, who can add facilitators and "
        "scrutineers. To prove you run this server, give the setup code it printed on its console when it started "
        "(or create the administrator there: `python -m toolkit users add --role administrator ...`)."
    )
    with st.form("account_first"):
        st.text_input("Setup code (from the server's console)", key="account_setup_code")
        st.text_input("Username", key="account_user")
        st.text_input(f"Password (at least {MIN_PASSWORD} characters)", type="password", key="account_pw1")
        st.text_input("Password again", type="password", key="account_pw2")
        st.form_submit_button("Create administrator", on_click=first_admin.first_admin, type="primary")


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
