"""Single sign-on glue: `st.login`, `st.user` and `st.logout`; toolkit.access.oidc decides which account it is.

Offered only when the settings name a provider (TOOLKIT_OIDC_...) and Streamlit has the matching [auth] section,
which serve.py hands to `st.App` (so `streamlit run app.py` offers passwords only). Streamlit keeps the provider's
verified claims in its own signed identity cookie; every run checks them here against the account linked to them
and against the sign-on's session in the database, so a sign-out, an expiry or an unlinked account ends it at once.
"""

from __future__ import annotations

import streamlit as st

from toolkit.access.accounts import Identity
from toolkit.access.oidc import Claims, NotLinked, SignInEnded, cookie_secret, sign_in, sign_out
from toolkit.core.settings import get_settings
from ui.resources import db

REFUSED = "sso_refused"  # session state: why this browser's single sign-on gives no access, for the sign-in form


def configured() -> bool:
    """Whether this server offers single sign-on (st.user carries is_logged_in once Streamlit has an [auth] section)."""
    return get_settings().oidc_enabled and "is_logged_in" in st.user


def _claims() -> Claims | None:
    return Claims.of(st.user.to_dict()) if configured() else None


def identity() -> Identity | None:
    """The account of this browser's single sign-on, checked against the database on every run; else None."""
    claims = _claims()
    if claims is None:
        return None
    try:
        with db() as s:
            who = sign_in(claims, secret=cookie_secret(get_settings()), session=s)
    except NotLinked:
        st.session_state[REFUSED] = (
            "You signed in with your organisation, but no account here is linked to that identity, so you have no "
            "access. An administrator can link your account to it on the Account page (or with `python -m toolkit "
            "users link`), with these details:",
            f"Your identity: {claims.described}\nIssuer: {claims.issuer}\nSubject: {claims.subject}",
        )
        return None
    except SignInEnded:
        st.session_state[REFUSED] = ("Your session has ended. Please sign in again.", "")
        return None
    st.session_state[REFUSED] = None
    return who


def signed_on() -> bool:
    """Whether Streamlit holds an identity from the provider for this browser (linked to an account or not)."""
    return _claims() is not None


def log_in() -> None:
    st.login()


def log_out() -> None:
    """End this browser's single sign-on on the server, then have Streamlit clear its identity cookie."""
    claims = _claims()
    if claims is not None:
        with db() as s:
            sign_out(claims, secret=cookie_secret(get_settings()), session=s)
    st.session_state[REFUSED] = None
    if configured() and st.user.is_logged_in:
        st.logout()


def offer() -> None:
    """The single sign-on button (with why the last one gave no access), when this server offers it."""
    if not configured():
        return
    if refused := st.session_state.get(REFUSED):
        message, details = refused
        st.warning(message)  # our own words; the provider's values go out as plain text only
        if details:
            st.text(details)
    if signed_on():  # signed on at the provider but refused here: start again, or leave for a password
        c1, c2 = st.columns(2)
        c1.button(f"{get_settings().oidc_label} again", on_click=log_in, key="sso_again")
        c2.button("Sign out of your organisation's sign-in", on_click=log_out, key="sso_leave")
    else:
        st.button(get_settings().oidc_label, on_click=log_in, key="sso_login", type="primary")
