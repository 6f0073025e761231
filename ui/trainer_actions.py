"""Trainer page callbacks: pick a story, reset a demo partnership, reveal answers, move through the slides."""

from __future__ import annotations

import streamlit as st

from toolkit.training import trainer as training
from ui.resources import catalogue, db


def forget_answers() -> None:
    for k in ("trainer_stage_answer", "trainer_iv_answer"):
        st.session_state[k] = None
    for k in ("trainer_stage_why", "trainer_iv_why"):
        st.session_state[k] = ""
    st.session_state.update(trainer_stage_revealed=False, trainer_iv_revealed=False, trainer_slide=0)


def reset() -> None:
    name = st.session_state["trainer_story"]
    with db() as s:
        n = training.reset_demo_area(name, session=s, cat=catalogue())
    forget_answers()
    st.session_state["trainer_msg"] = (
        f"{name} is back to its demo data ({n} ratings); answers and plans made in it are gone."
    )


def reveal(which: str) -> None:
    st.session_state[f"trainer_{which}_revealed"] = True


def slide(delta: int, last: int) -> None:
    st.session_state["trainer_slide"] = min(max(0, st.session_state["trainer_slide"] + delta), last)
