"""Callbacks of the Theory of Change page."""

from __future__ import annotations

import streamlit as st

from toolkit.store.areas import resolve_cycle
from toolkit.store.assumptions import save_assumption as _save
from ui.auth import identity
from ui.resources import db
from ui.widgets import picked, refusing


@refusing
def save_assumption(aid: str) -> None:
    """Store the judgement of one assumption as the page's widgets hold it."""
    with db() as s:
        _save(
            resolve_cycle(*picked("appraise"), session=s),
            aid,
            st.session_state[f"toc_as_{aid}"],
            st.session_state.get(f"toc_an_{aid}", ""),
            session=s,
            by=who.username if (who := identity()) else "",
        )
