"""Session-state keys, page-prefixed and initialised in one place."""

from __future__ import annotations

import streamlit as st

DEFAULTS: dict[str, object] = {
    # The area and cycle the user is working on, shared by every page.
    "sel_area": None,
    "sel_cycle": None,
    # Self-assessment: who is answering and where they are in the walk.
    "assess_respondent": None,
    "assess_agency": None,
    "assess_level": None,
    "assess_step": 0,
    "assess_area": None,
    "assess_cycle": None,
    "assess_answers": {},
    "assess_all_levels": False,
    # Sign-in: the session token (its hash is in the database) and the last refusal.
    "auth_token": None,
    "auth_error": None,
    # Framework browser.
    "data_browse": "opm",
}


def init_state() -> None:
    """Give every key its default once per browser session."""
    for key, value in DEFAULTS.items():
        st.session_state.setdefault(key, value)


def selected() -> tuple[str | None, str | None]:
    """The selected (area, cycle)."""
    return st.session_state.get("sel_area"), st.session_state.get("sel_cycle")
