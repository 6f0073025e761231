"""Action plan page callbacks: goals, steps and their status."""

from __future__ import annotations

import streamlit as st

from toolkit.core.text import md_text
from toolkit.interventions.plan import default_targets
from toolkit.store.areas import previous_cycle, resolve_cycle
from toolkit.store.carry import carry_plan_forward
from toolkit.store.plans import STEP_STATUSES, add_goal, add_step, delete_goal, update_step
from ui.auth import identity
from ui.cached import analysis
from ui.resources import catalogue, db
from ui.widgets import offered, picked, refusing


def who() -> str:
    who = identity()
    return who.username if who else ""


@refusing
def goal(iv_id: str) -> None:
    cat = catalogue()
    iv = next(iv for iv in cat.interventions if iv.id == iv_id)
    nodes, items = default_targets(iv, cat, analysis(*picked("edit_action_plan")).items)
    with db() as s:
        ref = resolve_cycle(*picked("edit_action_plan"), session=s)
        add_goal(ref, iv_id, session=s, toc_nodes=nodes, items=items, by=who(), cat=cat)


def _guide(kind: str) -> list[str | None]:
    """The messenger or channel ids the page offers (or none chosen)."""
    guide = catalogue().get("implementation_guidance")
    return [None, *(x.id for x in getattr(guide, kind))]


@refusing
def step(goal_id: int) -> None:
    ss = st.session_state
    messenger = offered(ss.get(f"plan_msgr_{goal_id}"), _guide("messengers"))
    channel = offered(ss.get(f"plan_chan_{goal_id}"), _guide("channels"))
    text = (ss.get(f"plan_text_{goal_id}") or "").strip()
    if not text:
        ss["plan_msg"] = ("error", "Write what the step is before adding it.")
        return
    with db() as s:
        add_step(
            goal_id,
            text,
            session=s,
            owner=ss.get(f"plan_owner_{goal_id}", ""),
            messenger=messenger,
            channel=channel,
            due=ss.get(f"plan_due_{goal_id}"),
            by=who(),
            cat=catalogue(),
        )
    for k in ("text", "owner"):
        ss[f"plan_{k}_{goal_id}"] = ""


@refusing
def status(step_id: int) -> None:
    chosen = offered(st.session_state.get(f"plan_st_{step_id}"), STEP_STATUSES)
    with db() as s:
        update_step(step_id, session=s, status=chosen, by=who(), cat=catalogue())


def ask_drop(goal_id: int) -> None:
    """Open the confirmation for removing this goal."""
    st.session_state["plan_confirm_drop"] = goal_id


def keep() -> None:
    """Close the confirmation; nothing is removed."""
    st.session_state["plan_confirm_drop"] = None


def drop(goal_id: int) -> None:
    """Remove the goal the confirmation named (button args live on the server, not in the browser)."""
    st.session_state["plan_confirm_drop"] = None
    with db() as s:
        delete_goal(goal_id, session=s, by=who())


@refusing
def carry() -> None:
    """Copy last cycle's goals and steps (not yet carried) into this cycle, so their progress continues."""
    ss = st.session_state
    with db() as s:
        ref = resolve_cycle(*picked("edit_action_plan"), session=s)
        prev = previous_cycle(ref, session=s)
        if prev is None:
            ss["plan_msg"] = ("error", "This is the area's first cycle: there is no earlier plan to carry forward.")
            return
        n = carry_plan_forward(prev, ref, session=s, by=who())
    ss["plan_msg"] = ("success", f"Carried {n} goal{'s' if n != 1 else ''} forward from {prev.cycle}.")


@st.dialog("Remove this goal?", on_dismiss=keep)
def confirm_removal(goal_id: int, title: str, steps: int) -> None:
    """Say what removing the goal takes away; remove it only on a second, explicit click."""
    st.write(
        f"This removes the goal **{md_text(title)}** and its {steps} step{'s' if steps != 1 else ''} from this cycle's "
        "plan. The audit log keeps a copy of what was removed."
    )
    c1, c2 = st.columns(2)
    c1.button("Remove the goal", key="plan_drop_yes", type="primary", on_click=drop, args=(goal_id,))
    c2.button("Keep it", key="plan_drop_no", on_click=keep)
