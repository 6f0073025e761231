"""The first administrator's callback: only with the one-time setup code the server printed on its console."""

from __future__ import annotations

import streamlit as st

from toolkit.access.accounts import create_first_admin
from ui.resources import db
from ui.session_route import announce_setup_code

__all__ = ["announce_setup_code", "first_admin"]


def first_admin() -> None:
    ss = st.session_state
    if ss.get("account_pw1") != ss.get("account_pw2"):
        ss["account_msg"] = "The two passwords differ."
        return
    try:
        with db() as s:
            create_first_admin(
                ss.get("account_user", ""), ss.get("account_pw1", ""), ss.get("account_setup_code", ""), session=s
            )
        ss["account_msg"] = "Administrator created: now sign in."
    except ValueError as exc:
        ss["account_msg"] = f"Not created: {exc}."
    ss["account_pw1"] = ss["account_pw2"] = ""
