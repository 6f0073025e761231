"""Trainer page callbacks: pick a story, reset a demo partnership (in the sandbox), reveal answers, move slides."""

from __future__ import annotations

import streamlit as st

from toolkit.store.audit import ANONYMOUS
from toolkit.training import trainer as training
from toolkit.training.demo import STORIES
from ui.auth import identity
from ui.resources import catalogue, sandbox


def actor() -> str:
    """Who to name in the sandbox's audit log: the signed-in account, or anonymous."""
    who = identity()
    return who.username if who is not None else ANONYMOUS


def forget_answers() -> None:
    for k in ("trainer_stage_answer", "trainer_iv_answer"):
        st.session_state[k] = None
    for k in ("trainer_stage_why", "trainer_iv_why"):
        st.session_state[k] = ""
    st.session_state.update(trainer_stage_revealed=False, trainer_iv_revealed=False, trainer_slide=0)


def ask_reset() -> None:
    st.session_state["trainer_confirm_reset"] = True


def cancel_reset() -> None:
    st.session_state["trainer_confirm_reset"] = False


def reset() -> None:
    """Reset the chosen demo partnership in the sandbox only (the live record is never opened here)."""
    st.session_state["trainer_confirm_reset"] = False
    name = st.session_state["trainer_story"]
    if name not in {s.name for s in STORIES}:  # a crafted widget value: only the demo partnerships reset
        return
    with sandbox() as s:
        n = training.reset_demo_area(name, session=s, cat=catalogue(), actor=actor())
    forget_answers()
    st.session_state["trainer_msg"] = (
        f"{name} is back to its demo data ({n} ratings) in the sandbox; answers and plans made in it are gone."
    )


def reveal(which: str) -> None:
    st.session_state[f"trainer_{which}_revealed"] = True


def slide(delta: int, last: int) -> None:
    st.session_state["trainer_slide"] = min(max(0, st.session_state["trainer_slide"] + delta), last)
