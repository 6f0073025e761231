"""Join a workshop on your own device: code, agency and level, then rate; the room's results once revealed."""

import streamlit as st

from toolkit.charts import workshop as workshop_charts
from toolkit.core import ids
from toolkit.core.text import md_text
from toolkit.workshops import (
    JoinError,
    appraisal_table,
    find_participant,
    find_workshop,
    format_code,
    my_answers,
    participant_view,
)
from ui import join_actions as actions
from ui.join_views import appraise, choose, comment_view, follow, rate, style, watch
from ui.resources import catalogue, db
from ui.workshops import config, room

cat = catalogue()
ss = st.session_state


actions.restore()
style()  # large tap targets, the statement near the top of a phone's screen
if not ss["join_pseudonym"]:
    st.title("Join a workshop")
    st.write(
        "No account needed. You get a private id instead of your name, and your answers are only ever shown in "
        f"groups of {config().min_group_size} or more people. Your agency and level are fixed once the "
        "facilitator reveals the room's results."
    )
    if err := ss.pop("join_error", None):
        st.error(md_text(err))
    st.text_input(
        "Join code",
        key="join_f_code",
        placeholder="e.g. ABCD-EFGH",
        max_chars=12,
        help="The code on the facilitator's screen; capitals or small letters both work.",
    )
    if not ss.get("join_f_code"):
        st.stop()
    try:
        with db() as s:
            w = find_workshop(ss["join_f_code"], session=s)
    except JoinError as exc:
        st.error(md_text(exc))
        st.stop()
    if w.status == "closed":
        st.warning("That workshop has closed, so it cannot be joined: its ratings are final.")
        st.stop()
    where = f"{md_text(w.area)}, cycle {md_text(w.cycle)}"
    st.success(f"Workshop found: {md_text(w.title)} ({where})." if w.title else f"Workshop found: {where}.")
    st.selectbox(
        "Your agency",
        ids.AGENCIES,
        index=None,
        key="join_f_agency",
        format_func=lambda k: str(ids.AGENCY_NAMES.get(k, k)),
        placeholder="Choose your agency",
    )
    st.selectbox(
        "Your level",
        ids.LEVELS,
        index=None,
        key="join_f_level",
        format_func=lambda k: str(ids.LEVEL_NAMES.get(k, k)),
        placeholder="Choose your level",
    )
    st.text_input(
        "Your name (optional)",
        key="join_f_name",
        max_chars=40,
        help="Only the facilitator sees it, to know who has finished. It is never shown with your answers.",
    )
    ready = bool(ss.get("join_f_agency") and ss.get("join_f_level"))
    st.button(
        "Join", type="primary", on_click=actions.join_workshop, disabled=not ready, key="join_go", width="stretch"
    )
    st.stop()

with db() as s:
    w = find_workshop(ss["join_code"], session=s)
follow(w.code)  # a reveal or close seen before anything is drawn (the fragments below follow it from then on)
st.title(md_text(w.title) if w.title else f"Workshop: {md_text(w.area)}")
st.caption(
    f"{md_text(w.area)} · cycle {md_text(w.cycle)} · you: {ids.AGENCY_NAMES[ss['join_agency']]}, "
    f"{ids.LEVEL_NAMES[ss['join_level']].lower()} · code {format_code(w.code)} · "
    "bookmark this page to come back to your answers"
)
if err := ss.pop("join_error", None):
    st.error(md_text(err))
if w.status == "closed":
    st.info("This workshop has closed. Thank you: your answers are saved and stand as the partnership's record.")

views = (["Rate"] if w.status != "closed" else []) + ["My answers"]
views += ["Room results"] if w.revealed else []
views += ["Appraise"] if w.appraisal_open and w.status != "closed" else []
views += ["Choose"] if w.points_open and w.status != "closed" else []
views += ["Comment"] if w.status != "closed" else []
if ss["join_view"] not in views:
    ss["join_view"] = views[0]
view = st.segmented_control(
    "Show", views, key="join_view", required=True, width="stretch", label_visibility="collapsed"
)

if view not in ("Rate", "Appraise"):
    watch(w.code)  # (the statement's own fragment follows the workshop while rating)
if view == "Rate":
    rate(w.code)

elif view == "My answers":
    st.caption("Only you see this list. The facilitator and the room see answers only in groups.")
    mine = my_answers(w, ss["join_level"], ss["join_answers"], cat)
    for step in mine:
        st.markdown(f"**{md_text(step.title)}**")
        for a in step.answers:
            with st.container(border=True):
                st.markdown(md_text(a.statement))
                st.markdown(f"Your answer: **{md_text(a.answer)}**")
                if a.comment:
                    st.caption(f"Your comment: {md_text(a.comment)}")
    if not mine:
        st.write("You have not answered any statements yet.")

elif view == "Room results":
    with db() as s:
        me = find_participant(w.code, ss["join_pseudonym"], session=s)
        v = participant_view(w, me, session=s, cat=cat, cfg=config(), room=room) if me else None
    if v is None or v.results is None:  # left the room on another device, or not revealed after all
        st.stop()
    a = v.results
    min_n = a.min_group_size
    st.caption(
        f"{v.joined} people joined · {a.respondents} have answered · groups of fewer than {min_n} people are hidden"
    )
    if a.respondents == 0:
        st.write("No answers yet.")
    else:
        st.altair_chart(workshop_charts.stage_bars(a), width="stretch")
        if a.opm.priority_stage:
            st.markdown(f"**Work on {ids.STAGE_NAMES[a.opm.priority_stage]} first.**")
            st.write(a.opm.priority_reason)
        st.subheader("Where the room disagrees most")
        if a.disagreement:
            for d in a.disagreement:
                st.markdown(f"- {md_text(d.text)} (mean {d.mean:.1f}, spread {d.sd:.1f}, n={d.n})")
        else:
            st.write("No statement splits the room.")
    if v.appraisal:
        st.subheader("The room's appraisal")
        st.dataframe(appraisal_table(v.appraisal, cat, min_n), hide_index=True, width="stretch")

elif view == "Appraise":
    appraise(w.code)

elif view == "Choose":
    choose(w.code)

elif view == "Comment":
    comment_view(w.code)

st.divider()
actions.place_box(w)
st.button(
    "Leave this workshop on this device",
    on_click=actions.leave,
    key="join_leave",
    help="Your answers stay saved. To come back later, keep this page's address (bookmark it) before leaving.",
)
