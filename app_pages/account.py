"""Account: sign in or out, and create the first administrator on a new installation."""

import streamlit as st

from toolkit.access.accounts import count_users
from ui.auth import first_admin_form, identity, sign_in_form, sign_out
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
    first_admin_form()
if msg := st.session_state.pop("account_msg", None):
    st.info(msg)
st.subheader("Sign in")
st.caption("Facilitators, scrutineers and administrators sign in here. Workshop participants do not need an account.")
sign_in_form()
