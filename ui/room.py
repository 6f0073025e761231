"""The facilitator's room controls and the projector's room parts: the pace and the part on the phones, the part's
live answers. Layout only; the callbacks are in ui.room_actions, the rules in toolkit.workshops."""

from __future__ import annotations

import streamlit as st

from toolkit.charts import workshop as workshop_charts
from toolkit.core.text import md_text
from toolkit.store.plans import shortlist
from toolkit.workshops import (
    PACE_NAMES,
    PACES,
    TOTAL,
    RoomChoice,
    WorkshopInfo,
    comments_waiting,
    live_part,
    parts_of,
    plan_lines,
    room_choice,
    shown_comments,
)
from ui import room_actions as actions
from ui.resources import catalogue, db
from ui.scope import actor
from ui.workshops import config


def pace_box(w: WorkshopInfo) -> None:
    """Self-paced or presenter-paced; presenter-paced: the part on the phones, Back and Next, show the answers."""
    ss = st.session_state
    st.markdown("**Pace of the room**")
    ss["workshop_pace"] = w.pace
    st.radio(
        "Pace",
        PACES,
        key="workshop_pace",
        format_func=lambda k: str(PACE_NAMES.get(k, k)),
        on_change=actions.pace,
        help="Presenter-paced: phones show only the part you are on, and follow you as you move on. "
        "Self-paced suits a room that works remotely.",
    )
    if w.paced:
        part_bar(w)


def part_bar(w: WorkshopInfo) -> None:
    """The part on the phones now, with Previous and Next, and whether its live answers are on the projector."""
    parts = parts_of(w, catalogue())
    keys = [p.key for p in parts]
    at = keys.index(w.part) if w.part in keys else -1
    with st.container(horizontal=True, vertical_alignment="center", key="room_parts"):
        st.button("Previous part", key="room_prev", on_click=actions.step, args=(-1,), disabled=at <= 0)
        name = md_text(parts[at].title) if at >= 0 else "not started"
        st.markdown(f"Part {at + 1} of {len(parts)}: **{name}**" if at >= 0 else "No part yet")
        st.button(
            "Next part", key="room_next", type="primary", on_click=actions.step, args=(1,), disabled=at >= len(keys) - 1
        )
        if w.part_shown:
            st.button("Hide the answers", key="room_hide", on_click=actions.shown, args=(False,))
        else:
            st.button("Show the answers", key="room_show", on_click=actions.shown, args=(True,))


def live_slide(w: WorkshopInfo) -> None:
    """The projector's part: its name, how many answered, and (when shown) the room's distribution so far."""
    min_n = config().min_group_size
    with db() as s:
        live = live_part(w, session=s, cat=catalogue(), min_n=min_n)
    if live.part is None:
        with st.container(key="present_big_live_none"):
            st.markdown("The first part starts soon: keep your phone on the join page.")
        return
    with st.container(key="present_priority_part"):
        st.markdown(md_text(live.part.title))
    answered = max((s.n for s in live.statements), default=0)
    waiting = sum(1 for s in live.statements if s.counts is None)
    with st.container(key="present_note_live"):
        st.caption(
            f"{len(live.statements)} statements · up to {answered} answers each so far · each statement is shown "
            f"once {min_n} or more people have answered it"
        )
    if not w.part_shown:
        with st.container(key="present_big_live_hidden"):
            st.markdown(
                "Answer this part on your phone. The room's answers appear here when the facilitator shows them."
            )
        return
    if waiting == len(live.statements):
        with st.container(key="present_big_live_few"):
            st.markdown(f"Too few answers to show yet: each statement needs {min_n} or more.")
        return
    chart = workshop_charts.enlarge(workshop_charts.live_bars(live), font=28)
    with st.container(key="present_chart_live"):
        st.altair_chart(chart.properties(height="container"), width="stretch", height="stretch")


def comments_box(w: WorkshopInfo) -> None:
    """The room's comments waiting for the facilitator: approve puts one on the projector, reject keeps it off."""
    with db() as s:
        waiting = comments_waiting(w.code, session=s, actor=actor())
    st.markdown(f"**Room comments waiting: {len(waiting)}**")
    st.caption("Only the text is shown, never who sent it. Approved comments appear on the room's screen (Comments).")
    for c in waiting:
        with st.container(border=True):
            st.markdown(md_text(c.text))
            with st.container(horizontal=True):
                st.button("Show on the screen", key=f"room_ok_{c.id}", on_click=actions.judge, args=(c.id, True))
                st.button("Do not show", key=f"room_no_{c.id}", on_click=actions.judge, args=(c.id, False))


def comments_slide(w: WorkshopInfo) -> None:
    """The approved comments in large type (text only; none while fewer than the minimum group have joined)."""
    min_n = config().min_group_size
    with db() as s:
        shown = shown_comments(w, session=s, min_n=min_n)
    with st.container(key="present_big_comments"):
        st.markdown("**The room's comments and questions**")
        for c in shown:
            st.markdown(f"- {md_text(c.text)}")
        if not shown:
            st.markdown("None on the screen yet: send one from your phone (Comment).")


def choice_lines(choice: RoomChoice) -> list[str]:
    """The room's choice as lines of Markdown (our text and the catalogue's titles, escaped)."""
    names = {iv.id: iv.title for iv in catalogue().interventions}
    if choice.voters == 0:
        return [f"Nobody has given points yet: share {TOTAL} points on your phone (Choose)."]
    if choice.hidden:
        return [f"{choice.voters} people have given points: the room's choice shows once {choice.min_n} or more have."]
    return [
        f"{k + 1}. **{md_text(names.get(r.intervention, r.intervention))}**: {r.points} points ({r.share:.0%}, "
        f"{r.backers} people)"
        for k, r in enumerate(choice.rows)
    ]


def choice_box(w: WorkshopInfo) -> None:
    """The facilitator's view of the room's points (the same rule of the minimum group as the projector's)."""
    with db() as s:
        choice = room_choice(w, session=s, min_n=config().min_group_size)
    st.markdown(f"**The room's choice** ({choice.voters} people have given points)")
    for line in choice_lines(choice):
        st.markdown(line)


def choice_slide(w: WorkshopInfo) -> None:
    """The room's 100 points on the projector, most first."""
    with db() as s:
        choice = room_choice(w, session=s, min_n=config().min_group_size)
    with st.container(key="present_big_choice"):
        st.markdown(f"**The room's choice: {TOTAL} points each, shared across the shortlist**")
        for line in choice_lines(choice):
            st.markdown(line)


def plan_slide(w: WorkshopInfo) -> None:
    """The cycle's action plan in large type: each goal and its first step, who, through whom, how, by when."""
    with db() as s:
        lines = plan_lines(w.code, session=s, cat=catalogue())
    with st.container(key="present_big_plan"):
        st.markdown("**The plan**")
        for line in lines:
            st.markdown(f"- **{md_text(line.goal)}**")
            bits = [md_text(line.step)] if line.step else []
            bits += [f"owner: {md_text(line.owner)}"] if line.owner else []
            bits += [f"messenger: {md_text(line.messenger)}"] if line.messenger else []
            bits += [f"channel: {md_text(line.channel)}"] if line.channel else []
            bits += [f"by {line.due:%d %B %Y}"] if line.due else []
            if bits:
                st.markdown("First step: " + " · ".join(bits))
        if not lines:
            st.markdown("No goal yet: the room's choice becomes the plan here.")


def plan_form(w: WorkshopInfo) -> None:
    """The facilitator turns the room's choice into the plan, on the projector's page (below the slide)."""
    cat = catalogue()
    with db() as s:
        listed = shortlist(w.ref, session=s)
        choice = room_choice(w, session=s, min_n=config().min_group_size)
    names = {iv.id: iv.title for iv in cat.interventions}
    guide = cat.get("implementation_guidance")
    messengers = {m.id: m.name for m in guide.messengers}
    channels = {c.id: c.name for c in guide.channels}
    ss = st.session_state
    if ss.get("room_plan_iv") not in listed:
        ss["room_plan_iv"] = choice.top if choice.top in listed else (listed[0] if listed else None)
    with st.expander("Add the room's choice to the plan", expanded=True), st.form("room_plan", border=False):
        c1, c2, c3 = st.columns(3)
        c1.selectbox("Intervention", listed, key="room_plan_iv", format_func=lambda k: str(names.get(k, k)))
        c2.text_input("Goal", key="room_plan_goal", max_chars=200, placeholder="What the partnership will achieve")
        c3.text_input("First step", key="room_plan_step", max_chars=200)
        c1.text_input("Owner", key="room_plan_owner", max_chars=200)
        c2.selectbox(
            "Messenger", list(messengers), index=None, key="room_plan_messenger",
            format_func=lambda k: str(messengers.get(k, k)),
        )  # fmt: skip
        c3.selectbox(
            "Channel", list(channels), index=None, key="room_plan_channel",
            format_func=lambda k: str(channels.get(k, k)),
        )  # fmt: skip
        c1.date_input("First step by", value=None, key="room_plan_due")
        st.form_submit_button("Add to the plan", type="primary", on_click=actions.plan, args=(tuple(listed),))


def summary_box(w: WorkshopInfo) -> None:
    """The closing summary: what the room said per part, the priority, the choice and the plan, as PDF and DOCX."""
    ss = st.session_state
    st.markdown("**Workshop summary**")
    st.caption(
        "What the room said per part, the priority, the room's choice, its comments and the plan, with small groups "
        "hidden. Made from the area's record, so it can be made again at any time, before or after closing."
    )
    st.button("Make the workshop summary", key="room_summary", on_click=actions.summary)
    made = ss.get("workshop_summary")
    if made and made[0] == w.code:
        _code, name, pdf, docx = made
        c1, c2 = st.columns(2)
        c1.download_button("Download the summary (PDF)", pdf, f"{name}.pdf", "application/pdf", key="room_sum_pdf")
        c2.download_button(
            "Download the summary (Word)", docx, f"{name}.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document", key="room_sum_docx",
        )  # fmt: skip
