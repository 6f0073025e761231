"""Join a workshop on your own device: code, agency and level, then rate; the room's results once revealed."""

import streamlit as st

from toolkit.charts import workshop as workshop_charts
from toolkit.core import ids
from toolkit.store.plans import shortlist
from toolkit.workshops import (
    JoinError,
    appraisal_table,
    find_participant,
    find_workshop,
    format_code,
    own_appraisals,
    participant_view,
    steps_for,
)
from ui import join_actions as actions
from ui.resources import catalogue, db
from ui.widgets import DONT_KNOW as DK
from ui.widgets import rate_statement, scale_options
from ui.workshops import REFRESH_PARTICIPANT, config, plain, room, scroll_to_top

cat = catalogue()
ss = st.session_state


@st.fragment(run_every=REFRESH_PARTICIPANT)
def _watch(code: str) -> None:
    """Reload the page when the facilitator reveals results, opens the appraisal or closes the workshop."""
    with db() as s:
        w = find_workshop(code, session=s)
    seen = (w.status, w.appraisal_open)
    if ss["join_seen"] is not None and seen != ss["join_seen"]:
        ss["join_seen"] = seen
        st.rerun(scope="app")
    ss["join_seen"] = seen


def _radio_labels(framework: str) -> tuple[list, dict]:
    return scale_options(cat.scale(framework))


actions.restore()
if not ss["join_pseudonym"]:
    st.title("Join a workshop")
    st.write(
        "No account needed. You get a private id instead of your name, and your answers are only ever shown in "
        f"groups of {config().min_group_size} or more people."
    )
    if err := ss.pop("join_error", None):
        st.error(err)
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
        st.error(str(exc))
        st.stop()
    if w.status == "closed":
        st.warning("That workshop has closed, so it cannot be joined: its ratings are final.")
        st.stop()
    where = f"{plain(w.area)}, cycle {plain(w.cycle)}"
    st.success(f"Workshop found: {plain(w.title)} ({where})." if w.title else f"Workshop found: {where}.")
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
_watch(w.code)
st.title(plain(w.title) if w.title else f"Workshop: {plain(w.area)}")
st.caption(
    f"{plain(w.area)} · cycle {plain(w.cycle)} · you: {ids.AGENCY_NAMES[ss['join_agency']]}, "
    f"{ids.LEVEL_NAMES[ss['join_level']].lower()} · code {format_code(w.code)} · "
    "bookmark this page to come back to your answers"
)
if err := ss.pop("join_error", None):
    st.error(err)
if w.status == "closed":
    st.info("This workshop has closed. Thank you: your answers are saved and stand as the partnership's record.")

views = (["Rate"] if w.status != "closed" else []) + ["My answers"]
views += ["Room results"] if w.revealed else []
views += ["Appraise"] if w.appraisal_open and w.status != "closed" else []
if ss["join_view"] not in views:
    ss["join_view"] = views[0]
view = st.segmented_control("Show", views, key="join_view", required=True, width="stretch")

if view == "Rate":
    steps = steps_for(w, ss["join_level"], cat)
    keys = {(st_.framework, i.id) for st_ in steps for i in st_.items}
    done, total = len(keys & set(ss["join_answers"])), len(keys)
    st.progress(done / total if total else 0.0, text=f"{done} of {total} statements answered")
    k = min(ss["join_step"], len(steps))
    if ss.pop("join_scroll", False):
        scroll_to_top(k)
    if k == len(steps):
        st.success(
            f"Thank you: your answers are saved ({done} of {total} statements). You can change any of them until "
            "the facilitator closes the workshop."
        )
        st.button("Back to the statements", on_click=actions.go, args=(-1,), key="join_back_end", width="stretch")
    else:
        step = steps[k]
        st.subheader(f"Step {k + 1} of {len(steps)}. {step.title}")
        st.caption(step.intro)
        for item in step.items:
            rate_statement(
                item,
                step.framework,
                cat.scale(step.framework),
                "join_q",
                ss["join_answers"],
                actions.save,
                horizontal=False,
            )
        c1, c2 = st.columns(2)
        c1.button("Back", on_click=actions.go, args=(-1,), disabled=k == 0, key="join_back", width="stretch")
        c2.button(
            "Next" if k < len(steps) - 1 else "Finish",
            on_click=actions.go,
            args=(1,),
            type="primary",
            key="join_next",
            width="stretch",
        )

elif view == "My answers":
    st.caption("Only you see this list. The facilitator and the room see answers only in groups.")
    shown = 0
    for st_ in steps_for(w, ss["join_level"], cat):
        _, labels = _radio_labels(st_.framework)
        mine = [(it, ss["join_answers"].get((st_.framework, it.id))) for it in st_.items]
        mine = [(it, saved) for it, saved in mine if saved is not None]
        if mine:
            st.markdown(f"**{st_.title}**")
        for it, saved in mine:
            with st.container(border=True):
                st.write(it.text)
                st.markdown(f"Your answer: **{labels[DK if saved[0] is None else saved[0]]}**")
                if saved[1]:
                    st.caption(f"Your comment: {plain(saved[1])}")
            shown += 1
    if not shown:
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
                st.markdown(f"- {plain(d.text)} (mean {d.mean:.1f}, spread {d.sd:.1f}, n={d.n})")
        else:
            st.write("No statement splits the room.")
    if v.appraisal:
        st.subheader("The room's appraisal")
        st.dataframe(appraisal_table(v.appraisal, cat, min_n), hide_index=True, width="stretch")

elif view == "Appraise":
    with db() as s:
        listed = shortlist(w.ref, session=s)
        mine = own_appraisals(w, ss["join_pseudonym"], session=s)
    ivs = {iv.id: iv for iv in cat.interventions}
    apease = cat.get("apease")
    options, labels = _radio_labels("apease")
    st.write(
        "Score each intervention on the six APEASE criteria: 5 is always the best result. Answer 'Don't know' "
        "whenever you are not sure."
    )
    for iv_id in listed:
        iv = ivs[iv_id]
        with st.container(border=True):
            st.markdown(f"**{plain(iv.title)}**")
            st.caption(iv.description)
            for c in apease.criteria:
                key = f"join_a_{iv_id}_{c.id}"
                if key not in ss and (iv_id, c.id) in mine:
                    ss[key] = DK if mine[(iv_id, c.id)] is None else mine[(iv_id, c.id)]
                st.radio(
                    f"{c.name}: {c.question}",
                    options,
                    key=key,
                    format_func=labels.get,
                    index=None,
                    horizontal=True,
                    on_change=actions.appraise,
                    args=(iv_id, c.id),
                )

st.divider()
st.button(
    "Leave this workshop on this device",
    on_click=actions.leave,
    key="join_leave",
    help="Your answers stay saved. To come back later, keep this page's address (bookmark it) before leaving.",
)
