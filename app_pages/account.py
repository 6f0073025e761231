"""Account: sign in or out, and create the first administrator on a new installation."""

import streamlit as st

from toolkit.access.accounts import MIN_PASSWORD, count_users
from ui import account_actions as actions
from ui.auth import identity, sign_in_form, sign_out
from ui.resources import db

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
        st.form_submit_button("Create administrator", on_click=actions.first_admin, type="primary")
if msg := st.session_state.pop("account_msg", None):
    st.info(msg)
st.subheader("Sign in")
st.caption("Facilitators, scrutineers and administrators sign in here. Workshop participants do not need an account.")
sign_in_form()
