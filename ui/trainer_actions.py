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


def feedback(fb: training.Feedback) -> None:
    """The toolkit's answer to an exercise beside the trainee's, with its reasoning."""
    with st.container(border=True, key=f"trainer_fb_{'yes' if fb.agrees else 'no'}"):
        (st.success if fb.agrees else st.warning)(fb.headline)
        st.markdown(f"**The toolkit's answer:** {fb.toolkit_answer}")
        if fb.about_yours:
            st.markdown(f"**About your choice:** {fb.about_yours}")
        st.markdown("**The toolkit's reasoning**")
        for line in fb.reasoning:
            st.markdown(f"- {line}")


@st.dialog("Reset this demo partnership?", on_dismiss=cancel_reset)
def confirm_reset(name: str) -> None:
    """Say what a reset deletes in the sandbox; reset only on a second, explicit click."""
    if not st.session_state.get("trainer_confirm_reset"):  # answered: the dialog's own rerun closes it
        st.rerun()
    with sandbox() as s:
        inventory = training.reset_inventory(name, session=s)
    st.write(f"In the sandbox only, this deletes everything stored under {name}:")
    for label, n in inventory.items():
        if n:
            st.markdown(f"- {n} {label}")
    st.write("and loads its demo data again. Nothing in the live record is touched.")
    c1, c2 = st.columns(2)
    c1.button(f"Reset {name}", key="trainer_reset_confirm", type="primary", on_click=reset)
    c2.button("Cancel", key="trainer_reset_cancel", on_click=cancel_reset)
