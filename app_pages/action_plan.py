"""Action plan: goals from selected interventions, their steps, owners, messengers, channels, dates and progress."""

from datetime import date

import streamlit as st

from toolkit.core.tables import table_bytes
from toolkit.core.text import md_text
from toolkit.interventions.plan import plan_frame, plan_progress
from toolkit.store.areas import previous_cycle, resolve_cycle
from toolkit.store.carry import goals_to_carry
from toolkit.store.plans import STEP_STATUSES, action_plan, decisions
from ui import action_plan_actions as actions
from ui.auth import gate
from ui.cached import plan_review
from ui.resources import catalogue, db
from ui.widgets import area_cycle_picker

cat = catalogue()
guide = cat.get("implementation_guidance")
by_id = {iv.id: iv for iv in cat.interventions}
messengers = {m.id: m.name for m in guide.messengers}
channels = {c.id: c.name for c in guide.channels}
STATUS_WORDS = {"not_started": "Not started", "in_progress": "In progress", "done": "Done", "blocked": "Blocked"}


st.title("Action plan")
gate("edit_action_plan", what="the action plan")
st.caption(
    "Each goal comes from a selected intervention, is linked to the Theory of Change and to the statements it should "
    "move, so the next cycle shows whether it worked. Kantar (2021, Table 2) advises choosing trusted messengers, "
    "consistent channels, and keeping momentum with visible progress."
)
area, cycle = area_cycle_picker(action="edit_action_plan")
if not (area and cycle):
    st.stop()
if msg := st.session_state.pop("plan_msg", None):
    getattr(st, msg[0])(msg[1])
with db() as s:
    ref = resolve_cycle(area, cycle, session=s)
    plan = action_plan(ref, session=s)
    chosen = [iv for iv, d in decisions(ref, session=s).items() if d["selected"]]
    prev = previous_cycle(ref, session=s)
    to_carry = goals_to_carry(prev, ref, session=s) if prev else 0
planned = {g["intervention"] for g in plan["goals"]}
reviewed = plan_review(area, cycle, tuple(g["id"] for g in plan["goals"]))
for iv_id in (x for x in chosen if x not in planned):
    c1, c2 = st.columns([3, 1])
    c1.write(f"Selected, not yet in the plan: **{by_id[iv_id].title}**")
    c2.button("Make it a goal", key=f"plan_goal_{iv_id}", on_click=actions.goal, args=(iv_id,), type="primary")
if prev and to_carry:
    c1, c2 = st.columns([3, 1])
    c1.write(f"Cycle {prev.cycle} has {to_carry} goal{'s' if to_carry != 1 else ''} not yet carried into this cycle.")
    c2.button("Carry them forward", key="plan_carry", on_click=actions.carry)
if not plan["goals"] and not chosen and not to_carry:
    st.info("No goals yet. Select an intervention on the Interventions page, then make it a goal here.")

prog = plan_progress(plan, today=date.today())
if plan["goals"]:
    o = prog["overall"]
    st.progress(o["percent_complete"] / 100, text=f"{o['done']} of {o['steps']} steps done · {o['overdue']} overdue")
for g, gp in zip(plan["goals"], prog["goals"], strict=True):
    with st.container(border=True):
        st.markdown(f"### {md_text(g['title'])}")
        st.caption(
            f"Theory of Change: {', '.join(cat.nodes[n].label for n in g['toc_nodes']) or 'none'} · {len(g['items'])} statements to move"
            + (" · carried from an earlier cycle" if g["carried_from"] else "")
        )
        st.write(
            f"{gp['done']} of {gp['steps']} steps done ({gp['percent_complete']:.0f}%)"
            + (f", {gp['overdue']} overdue" if gp["overdue"] else "")
        )
        for stp in g["steps"]:
            c1, c2 = st.columns([3, 1])
            late = " · **overdue**" if stp["due"] and stp["due"] < date.today() and stp["status"] != "done" else ""
            c1.markdown(
                f"{md_text(stp['text'])}  \n:material/person: {md_text(stp['owner']) or 'no owner'} · {messengers.get(stp['messenger'], 'no messenger')} · "
                f"{channels.get(stp['channel'], 'no channel')} · due {stp['due'] or 'not set'}{late}"
            )
            st.session_state.setdefault(f"plan_st_{stp['id']}", stp["status"])
            c2.selectbox(
                "Status",
                STEP_STATUSES,
                key=f"plan_st_{stp['id']}",
                format_func=lambda s: STATUS_WORDS[s],
                on_change=actions.status,
                args=(stp["id"],),
            )
        with st.expander("Add a step"):
            st.text_input("Step", key=f"plan_text_{g['id']}")
            st.text_input("Owner (agency or role)", key=f"plan_owner_{g['id']}")
            c1, c2, c3 = st.columns(3)
            c1.selectbox(
                "Messenger",
                list(messengers),
                format_func=lambda m: messengers[m],
                key=f"plan_msgr_{g['id']}",
                index=None,
            )
            c2.selectbox(
                "Channel", list(channels), format_func=lambda c: channels[c], key=f"plan_chan_{g['id']}", index=None
            )
            c3.date_input("Due", key=f"plan_due_{g['id']}", value=None)
            st.button("Add step", key=f"plan_add_{g['id']}", on_click=actions.step, args=(g["id"],))
        st.button("Remove this goal", key=f"plan_drop_{g['id']}", on_click=actions.ask_drop, args=(g["id"],))
        if st.session_state["plan_confirm_drop"] == g["id"]:
            actions.confirm_removal(g["id"], g["title"], len(g["steps"]))

if reviewed:
    st.subheader("Did last cycle's goals work?")
    for r in reviewed:
        st.markdown(f"- **{md_text(r['goal'])}**: {md_text(r['verdict'])}")

if plan["goals"]:
    c1, c2 = st.columns(2)
    for col, fmt in ((c1, "csv"), (c2, "xlsx")):
        col.download_button(
            f"Download plan ({fmt.upper()})",
            lambda fmt=fmt: table_bytes(plan_frame(plan, today=date.today(), cat=cat), fmt),
            file_name=f"action-plan-{cycle}.{fmt}",
            key=f"plan_{fmt}",
            on_click="ignore",
        )
