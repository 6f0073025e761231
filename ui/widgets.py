"""Reusable widgets and the callbacks behind them."""

from __future__ import annotations

import streamlit as st

from toolkit.store import list_areas
from ui.resources import db


def area_cycle_picker(key: str = "sel") -> tuple[str | None, str | None]:
    """Choose the area and cycle to work on (stored in sel_area / sel_cycle for every page)."""
    with db() as s:
        areas = list_areas(session=s)
    if not areas:
        st.info("No partnerships yet. Create one or load the demo partnerships on the Start page.")
        return None, None
    names = [a.area for a in areas]
    if st.session_state.get("sel_area") not in names:
        st.session_state["sel_area"] = names[0]
    c1, c2 = st.columns(2)
    area = c1.selectbox("Partnership (area)", names, key="sel_area")
    cycles = [c.cycle for a in areas if a.area == area for c in a.cycles]
    if st.session_state.get("sel_cycle") not in cycles:
        st.session_state["sel_cycle"] = cycles[-1] if cycles else None
    cycle = c2.selectbox("Assessment cycle", cycles, key="sel_cycle") if cycles else None
    if any(a.fictional for a in areas if a.area == area):
        st.caption(
            ":material/info: Demo data: this partnership, its people and its ratings are synthetic and fictional."
        )
    return area, cycle
