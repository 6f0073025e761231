"""Data page callbacks: import a ratings file or bundle, with a clear report of what was wrong."""

from __future__ import annotations

import streamlit as st

from toolkit.capture.ratings_import import RatingsFileError, import_ratings
from ui.auth import identity, may
from ui.resources import catalogue, db


def import_upload() -> None:
    up = st.session_state.get("data_upload")
    if up is None or not may("import_ratings"):
        return
    try:
        with db() as s:
            who = identity()
            by = who.username if who else ""
            result = import_ratings(up.getvalue(), up.name, session=s, catalogue=catalogue(), by=by)
        st.session_state["data_result"] = ("ok", result.summary())
    except RatingsFileError as exc:
        st.session_state["data_result"] = ("error", exc)
