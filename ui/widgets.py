"""Reusable widgets and the callbacks behind them."""

from __future__ import annotations

import streamlit as st

from toolkit.store.areas import list_areas
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


DONT_KNOW = "dk"


def scale_options(scale) -> tuple[list, dict]:
    """The radio options of a rating scale (each point, then don't know) and their labels."""
    options = [p.value for p in scale.points] + [DONT_KNOW]
    return options, {p.value: f"{p.value} {p.label}" for p in scale.points} | {DONT_KNOW: scale.dont_know_label}


def rate_statement(item, framework: str, scale, prefix: str, answers: dict, on_save, horizontal: bool = True) -> None:
    """One statement to rate: its scale as a radio (with don't know), an optional comment, both saved on change.

    Widgets forget their values once off-screen (another step), so a saved answer is put back before they render.
    """
    key, ckey = f"{prefix}_{framework}_{item.id}", f"{prefix}_c_{framework}_{item.id}"
    saved = answers.get((framework, item.id))
    if key not in st.session_state and saved is not None:
        st.session_state[key] = DONT_KNOW if saved[0] is None else saved[0]
        st.session_state[ckey] = saved[1]
    options, labels = scale_options(scale)
    with st.container(border=True):
        st.radio(
            item.text,
            options,
            key=key,
            format_func=labels.get,
            index=None,
            horizontal=horizontal,
            on_change=on_save,
            args=(framework, item.id),
        )
        st.text_input(
            "Comment or example (optional)",
            key=ckey,
            on_change=on_save,
            args=(framework, item.id),
            max_chars=4000,
            placeholder="Evidence or an example, if you have one",
        )
