"""Start page callbacks: create a partnership or cycle (the demo partnerships live in Trainer mode's sandbox)."""

from __future__ import annotations

import streamlit as st

from toolkit.access.scope import AccessDenied, authorise_named
from toolkit.core.text import md_text
from toolkit.store.areas import get_or_create_area, get_or_create_cycle
from ui.auth import may
from ui.resources import db
from ui.scope import actor


def create() -> None:
    if not may("edit_area"):
        return
    area, cycle = st.session_state["start_new_area"].strip(), st.session_state["start_new_cycle"].strip()
    if not area or not cycle:
        st.session_state["start_msg"] = (
            "error",
            "Give the partnership a name and the cycle a name (for example 2026).",
        )
        return
    try:
        with db() as s:  # a cycle of one's own area, or (a role for every area) a new partnership
            authorise_named(actor(), "edit_area", area, session=s)
            starts = (st.session_state.get("start_new_cycle_start") or "").strip() or None
            get_or_create_cycle(get_or_create_area(area, session=s), cycle, session=s, starts_on=starts)
    except AccessDenied as exc:
        st.session_state["start_msg"] = ("error", f"Not created: {exc}")
        return
    except ValueError as exc:  # a name too long, or with a control character; a start date that is not a date
        st.session_state["start_msg"] = ("error", f"Not created: {md_text(str(exc))}.")
        return
    st.session_state.update(
        sel_area=area, sel_cycle=cycle, start_msg=("success", f"Created {md_text(area)}, cycle {md_text(cycle)}.")
    )
