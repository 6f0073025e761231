"""Account page callbacks: the first administrator."""

from __future__ import annotations

import streamlit as st

from toolkit.access.accounts import count_users, create_user
from ui.resources import db


def first_admin() -> None:
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
