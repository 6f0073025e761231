"""Join a workshop on your own device: code, agency and level, then rate; the room's results once revealed."""

import streamlit as st

from toolkit import ids, workshop_charts
from toolkit.assessment import AnswerError, resume_step
from toolkit.store import shortlist
from toolkit.workshop import (
    JoinError,
    WorkshopClosed,
    answer,
    appraisal_table,
    find_participant,
    find_workshop,
    format_code,
    join,
    own_answers,
    own_appraisals,
    participant_view,
    steps_for,
    submit_appraisal,
    with_retry,
)
from ui.resources import DB_UNAVAILABLE, catalogue, db
from ui.state import ensure_app
from ui.workshops import REFRESH_PARTICIPANT, config, engine, plain, room, scroll_to_top

ensure_app()
DK = "dk"
cat = catalogue()
ss = st.session_state
CLOSED = "The workshop has closed, so that was not saved: the room's ratings are final."
NOT_SAVED = "That answer was not saved: the database could not be reached. Wait a minute, then give it again."


def _restore() -> None:
    """Pick the participant up from the link (?w=CODE&p=ID) after a refresh or a dropped connection."""
    qp = st.query_params
    if ss["join_pseudonym"] or not qp.get("w"):
        return
    if not qp.get("p"):
        if not ss.get("join_f_code"):
            ss["join_f_code"] = qp["w"]
        return
    with db() as s:
        p = find_participant(qp["w"], qp["p"], session=s)
        if p is None:
            ss["join_error"] = "We could not find your place in that workshop from this link. Join again below."
            ss["join_f_code"] = qp["w"]
            del qp["p"]
            return
        w = find_workshop(qp["w"], session=s)
        answers = own_answers(w, p.pseudonym, session=s)
    ss.update(join_code=w.code, join_pseudonym=p.pseudonym, join_agency=p.agency, join_level=p.level, join_answers=answers,
              join_step=resume_step(answers, steps_for(w, p.level, cat)))  # back where they left off  # fmt: skip


def _join() -> None:
    try:
        with db() as s:
            p = join(ss.get("join_f_code", ""), ss.get("join_f_agency"), ss.get("join_f_level"),
                     ss.get("join_f_name", ""), session=s)  # fmt: skip
            w = find_workshop(ss.get("join_f_code", ""), session=s)
    except JoinError as exc:
        ss["join_error"] = str(exc)
        return
    ss.update(join_code=w.code, join_pseudonym=p.pseudonym, join_agency=p.agency, join_level=p.level,
              join_answers={}, join_step=0, join_error=None)  # fmt: skip
    st.query_params.update(w=w.code, p=p.pseudonym)


def _save(fw: str, item: str) -> None:
    choice = ss.get(f"join_q_{fw}_{item}")
    comment = ss.get(f"join_c_{fw}_{item}", "") or ""
    if choice is None:
        return
    score = None if choice == DK else int(choice)
    try:
        answer(ss["join_code"], ss["join_pseudonym"], fw, item, score, comment, engine=engine(), cat=cat)
        ss["join_answers"][(fw, item)] = (score, comment)
    except WorkshopClosed:
        ss["join_error"] = CLOSED
    except AnswerError as exc:
        ss["join_error"] = f"That answer was not saved: {exc}."
    except DB_UNAVAILABLE:  # the server is down or restarting: say so, and do not show the choice as if saved
        saved = ss["join_answers"].get((fw, item))
        ss[f"join_q_{fw}_{item}"] = None if saved is None else DK if saved[0] is None else saved[0]
        ss["join_error"] = NOT_SAVED


def _appraise(iv: str, criterion: str) -> None:
    choice = ss.get(f"join_a_{iv}_{criterion}")
    if choice is None:
        return
    score = None if choice == DK else int(choice)

    def run() -> None:
        with db() as s:
            submit_appraisal(ss["join_code"], ss["join_pseudonym"], iv, criterion, score, session=s, cat=cat)

    try:
        with_retry(run)
    except WorkshopClosed:
        ss["join_error"] = CLOSED
    except AnswerError as exc:
        ss["join_error"] = f"That score was not saved: {exc}."


def _go(delta: int) -> None:
    ss["join_step"] = max(0, ss["join_step"] + delta)
    ss["join_scroll"] = True


def _leave() -> None:
    ss.update(join_code=None, join_pseudonym=None, join_agency=None, join_level=None, join_answers={}, join_step=0)
    st.query_params.clear()


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
    scale = cat.scale(framework)
    options = [p.value for p in scale.points] + [DK]
    return options, {p.value: f"{p.value} {p.label}" for p in scale.points} | {DK: scale.dont_know_label}


_restore()
if not ss["join_pseudonym"]:
    st.title("Join a workshop")
    st.write("No account needed. You get a private id instead of your name, and your answers are only ever shown in "
             f"groups of {config().min_group_size} or more people.")  # fmt: skip
    if err := ss.pop("join_error", None):
        st.error(err)
    st.text_input("Join code", key="join_f_code", placeholder="e.g. ABCD-EFGH", max_chars=12,
                  help="The code on the facilitator's screen; capitals or small letters both work.")  # fmt: skip
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
    st.selectbox("Your agency", ids.AGENCIES, index=None, key="join_f_agency", format_func=ids.AGENCY_NAMES.get,
                 placeholder="Choose your agency")  # fmt: skip
    st.selectbox("Your level", ids.LEVELS, index=None, key="join_f_level", format_func=ids.LEVEL_NAMES.get,
                 placeholder="Choose your level")  # fmt: skip
    st.text_input("Your name (optional)", key="join_f_name", max_chars=40,
                  help="Only the facilitator sees it, to know who has finished. It is never shown with your answers.")  # fmt: skip
    ready = bool(ss.get("join_f_agency") and ss.get("join_f_level"))
    st.button("Join", type="primary", on_click=_join, disabled=not ready, key="join_go", width="stretch")
    st.stop()

with db() as s:
    w = find_workshop(ss["join_code"], session=s)
_watch(w.code)
st.title(plain(w.title) if w.title else f"Workshop: {plain(w.area)}")
st.caption(f"{plain(w.area)} · cycle {plain(w.cycle)} · you: {ids.AGENCY_NAMES[ss['join_agency']]}, "
           f"{ids.LEVEL_NAMES[ss['join_level']].lower()} · code {format_code(w.code)} · "
           "bookmark this page to come back to your answers")  # fmt: skip
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
        st.success(f"Thank you: your answers are saved ({done} of {total} statements). You can change any of them until "
                   "the facilitator closes the workshop.")  # fmt: skip
        st.button("Back to the statements", on_click=_go, args=(-1,), key="join_back_end", width="stretch")
    else:
        step = steps[k]
        st.subheader(f"Step {k + 1} of {len(steps)}. {step.title}")
        st.caption(step.intro)
        options, labels = _radio_labels(step.framework)
        for item in step.items:
            key, ckey = f"join_q_{step.framework}_{item.id}", f"join_c_{step.framework}_{item.id}"
            saved = ss["join_answers"].get((step.framework, item.id))
            if key not in ss and saved is not None:  # widgets forget values off-screen: refill from the saved answers
                ss[key] = DK if saved[0] is None else saved[0]
                ss[ckey] = saved[1]
            with st.container(border=True):
                st.radio(item.text, options, key=key, format_func=labels.get, index=None,
                         on_change=_save, args=(step.framework, item.id))  # fmt: skip
                st.text_input("Comment or example (optional)", key=ckey, on_change=_save, args=(step.framework, item.id),
                              max_chars=4000, placeholder="Evidence or an example, if you have one")  # fmt: skip
        c1, c2 = st.columns(2)
        c1.button("Back", on_click=_go, args=(-1,), disabled=k == 0, key="join_back", width="stretch")
        c2.button("Next" if k < len(steps) - 1 else "Finish", on_click=_go, args=(1,), type="primary", key="join_next",
                  width="stretch")  # fmt: skip

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
        v = participant_view(w, me, session=s, cat=cat, cfg=config(), room=room)
    a = v["results"]
    min_n = a["min_group_size"]
    st.caption(f"{v['joined']} people joined · {a['respondents']} have answered · groups of fewer than {min_n} "
               "people are hidden")  # fmt: skip
    if a["respondents"] == 0:
        st.write("No answers yet.")
    else:
        st.altair_chart(workshop_charts.stage_bars(a), width="stretch")
        if a["opm"]["priority_stage"]:
            st.markdown(f"**Work on {ids.STAGE_NAMES[a['opm']['priority_stage']]} first.**")
            st.write(a["opm"]["priority_reason"])
        st.subheader("Where the room disagrees most")
        if a["disagreement"]:
            for d in a["disagreement"]:
                st.markdown(f"- {plain(d['text'])} (mean {d['mean']:.1f}, spread {d['sd']:.1f}, n={d['n']})")
        else:
            st.write("No statement splits the room.")
    if v["appraisal"]:
        st.subheader("The room's appraisal")
        st.dataframe(appraisal_table(v["appraisal"], cat, min_n), hide_index=True, width="stretch")

elif view == "Appraise":
    with db() as s:
        listed = shortlist(w.area, w.cycle, session=s)
        mine = own_appraisals(w, ss["join_pseudonym"], session=s)
    ivs = {iv.id: iv for iv in cat.interventions}
    apease = cat.get("apease")
    options, labels = _radio_labels("apease")
    st.write("Score each intervention on the six APEASE criteria: 5 is always the best result. Answer 'Don't know' "
             "whenever you are not sure.")  # fmt: skip
    for iv_id in listed:
        iv = ivs[iv_id]
        with st.container(border=True):
            st.markdown(f"**{plain(iv.title)}**")
            st.caption(iv.description)
            for c in apease.criteria:
                key = f"join_a_{iv_id}_{c.id}"
                if key not in ss and (iv_id, c.id) in mine:
                    ss[key] = DK if mine[(iv_id, c.id)] is None else mine[(iv_id, c.id)]
                st.radio(f"{c.name}: {c.question}", options, key=key, format_func=labels.get, index=None,
                         horizontal=True, on_change=_appraise, args=(iv_id, c.id))  # fmt: skip

st.divider()
st.button("Leave this workshop on this device", on_click=_leave, key="join_leave",
          help="Your answers stay saved. To come back later, keep this page's address (bookmark it) before leaving.")  # fmt: skip
