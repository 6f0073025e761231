"""Reusable widgets and the callbacks behind them."""

from __future__ import annotations

import streamlit as st

from ui.context import is_demo
from ui.state import selected
from ui.workshops import plain


def area_cycle_picker(key: str = "sel") -> tuple[str | None, str | None]:
    """The area and cycle this page works on: the one working context, chosen in the sidebar (ui/context.py)."""
    area, cycle = selected()
    if area is None:
        st.info("No partnerships yet. Create one or load the demo partnerships on the Start page.")
        return None, None
    st.caption(
        f":material/groups: Working on **{plain(area)}**, cycle **{plain(cycle or 'none yet')}**: change it in the "
        "sidebar."
    )
    if is_demo(area):
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
