"""Start page callbacks: create a partnership or cycle, load the demo partnerships."""

from __future__ import annotations

import streamlit as st

from toolkit.access.scope import AccessDenied, authorise_named
from toolkit.store.areas import get_or_create_area, get_or_create_cycle
from toolkit.store.audit import ANONYMOUS
from toolkit.training.demo import DEMO_NOTICE, load_demo
from ui.auth import identity, may
from ui.resources import catalogue, db
from ui.scope import actor
from ui.workshops import plain


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
            get_or_create_cycle(get_or_create_area(area, session=s), cycle, session=s)
    except AccessDenied as exc:
        st.session_state["start_msg"] = ("error", f"Not created: {exc}")
        return
    except ValueError as exc:  # a name too long, or with a control character
        st.session_state["start_msg"] = ("error", f"Not created: {plain(str(exc))}.")
        return
    st.session_state.update(
        sel_area=area, sel_cycle=cycle, start_msg=("success", f"Created {plain(area)}, cycle {plain(cycle)}.")
    )


def demo() -> None:
    if not may("edit_area"):
        return
    who = identity()
    with db() as s:
        result = load_demo(session=s, catalogue=catalogue(), actor=who.username if who else ANONYMOUS)
    st.session_state.update(
        sel_area=result.area_cycles[0][0],
        sel_cycle=result.area_cycles[-1][1],
        start_msg=("success", f"Loaded {len(result.area_cycles)} demo area-cycles. {DEMO_NOTICE}"),
    )
