"""Account: sign in or out, and create the first administrator on a new installation."""

import streamlit as st

from toolkit.access.accounts import MIN_PASSWORD, count_users, create_user
from ui.auth import identity, sign_in_form, sign_out
from ui.resources import db


def _first_admin() -> None:
    ss = st.session_state
    if ss.get("account_pw1") != ss.get("account_pw2"):
        ss["account_msg"] = "The two passwords differ."
        return
    try:
        with db() as s:
            if count_users(session=s) == 0:  # only ever for the very first account
                create_user(ss.get("account_user", ""), ss.get("account_pw1", ""), "administrator", session=s)
        ss["account_msg"] = "Administrator created: now sign in."
    except ValueError as exc:
        ss["account_msg"] = f"Not created: {exc}."


st.title("Account")
who = identity()
if who:
    st.write(f"Signed in as **{who.username}** ({who.role}).")
    st.button("Sign out", on_click=sign_out, key="account_signout")
    st.stop()
with db() as s:
    first = count_users(session=s) == 0
if first:
    st.subheader("Create the first administrator")
    st.write(
        "This installation has no accounts yet. The first account is an administrator, who can add facilitators and "
        "scrutineers (also from the command line: `python -m toolkit users add`)."
    )
    with st.form("account_first"):
        st.text_input("Username", key="account_user")
        st.text_input(f"Password (at least {MIN_PASSWORD} characters)", type="password", key="account_pw1")
        st.text_input("Password again", type="password", key="account_pw2")
        st.form_submit_button("Create administrator", on_click=_first_admin, type="primary")
if msg := st.session_state.pop("account_msg", None):
    st.info(msg)
st.subheader("Sign in")
st.caption("Facilitators, scrutineers and administrators sign in here. Workshop participants do not need an account.")
sign_in_form()
