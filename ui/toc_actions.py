"""Callbacks of the Theory of Change page."""

from __future__ import annotations

import streamlit as st

from toolkit.store.areas import resolve_cycle
from toolkit.store.assumptions import ASSUMPTION_STATUSES
from toolkit.store.assumptions import save_assumption as _save
from ui.auth import identity
from ui.resources import db
from ui.widgets import offered, picked, refusing


@refusing
def save_assumption(aid: str) -> None:
    """Store the judgement of one assumption as the page's widgets hold it."""
    with db() as s:
        _save(
            resolve_cycle(*picked("appraise"), session=s),
            aid,
            offered(st.session_state.get(f"toc_as_{aid}"), ASSUMPTION_STATUSES),
            st.session_state.get(f"toc_an_{aid}", ""),
            session=s,
            by=who.username if (who := identity()) else "",
        )


@refusing
def select_from_canvas(options: list[str], key: str = "toc_canvas") -> None:
    """The box clicked (or chosen with Enter) on the canvas becomes the chosen box, if the canvas drew it."""
    state = st.session_state.get(key) or {}
    chosen = state.get("select") if hasattr(state, "get") else None
    if chosen is not None:
        st.session_state["toc_node"] = offered(chosen, options)


@refusing
def select_node(node: str | None, options: list[str]) -> None:
    """Follow a link in the panel: its box becomes the chosen one (None clears the choice)."""
    st.session_state["toc_node"] = None if node is None else offered(node, options)
