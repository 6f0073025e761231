"""Self-assessment: say your agency and level, then rate each stage's statements and the 12 C's, one step at a time."""

import streamlit as st

from toolkit.capture.assessment import AnswerError, is_link_pseudonym, new_pseudonym, progress, submit_answer, walk
from toolkit.core import ids
from toolkit.store.areas import NotFound, resolve_cycle
from toolkit.store.ratings import find_respondent, respondent_answers
from ui.resources import catalogue, db, settings
from ui.widgets import DONT_KNOW as DK
from ui.widgets import NotOffered, area_cycle_picker, picked, rate_statement
from ui.workshops import plain

cat = catalogue()


def _restore() -> None:
    """Pick up a respondent from the link (?r=...&area=...&cycle=...) after a refresh or a closed tab."""
    qp = st.query_params
    if st.session_state["assess_respondent"] or not {"r", "area", "cycle"} <= set(qp):
        return
    if not is_link_pseudonym(qp["r"]):  # a guessable or forged id: never open someone else's answers
        return
    with db() as s:
        try:
            ref = resolve_cycle(qp["area"], qp["cycle"], session=s)
        except NotFound:  # a link to an area or cycle that is not (or no longer) there: start afresh
            return
        resp = find_respondent(ref, qp["r"], session=s)
        if resp is None:
            return
        answers = respondent_answers(ref, qp["r"], session=s)
    st.session_state.update(
        assess_respondent=qp["r"],
        assess_area=qp["area"],
        assess_cycle=qp["cycle"],
        assess_agency=resp.agency,
        assess_level=resp.level,
        assess_answers=answers,
        assess_all_levels=qp.get("all") == "1",
    )


def _start() -> None:
    try:  # the area and cycle as offered to this visitor, never as sent (a crafted client can send any text)
        area, cycle = picked()
    except NotOffered as exc:
        st.session_state["assess_error"] = str(exc)
        return
    pseudonym = new_pseudonym()
    ss = st.session_state  # widget keys vanish once their widgets stop rendering, so keep the choices apart
    everything = bool(ss.get("assess_pick_all"))
    ss.update(
        assess_respondent=pseudonym,
        assess_area=area,
        assess_cycle=cycle,
        assess_answers={},
        assess_step=0,
        assess_agency=ss["assess_pick_agency"],
        assess_level=ss["assess_pick_level"],
        assess_all_levels=everything,
    )
    st.query_params.update(r=pseudonym, area=area or "", cycle=cycle or "", all="1" if everything else "0")


def _save(fw: str, item: str) -> None:
    choice = st.session_state.get(f"assess_{fw}_{item}")
    comment = st.session_state.get(f"assess_c_{fw}_{item}", "") or ""
    if choice is None:
        return
    score = None if choice == DK else int(choice)
    ss = st.session_state
    try:
        with db() as s:
            submit_answer(
                ss["assess_area"],
                ss["assess_cycle"],
                ss["assess_respondent"],
                ss["assess_agency"],
                ss["assess_level"],
                fw,
                item,
                score,
                comment,
                session=s,
                cat=cat,
            )
        ss["assess_answers"][(fw, item)] = (score, comment)
    except AnswerError as exc:
        ss["assess_error"] = f"That answer was not saved: {exc}."


def _go(delta: int) -> None:
    st.session_state["assess_step"] = max(0, st.session_state["assess_step"] + delta)


def _leave() -> None:
    for k in ("assess_respondent", "assess_answers"):
        st.session_state[k] = None
    st.session_state["assess_step"] = 0
    st.query_params.clear()


st.title("Self-assessment")
_restore()
if not st.session_state["assess_respondent"]:
    st.write(
        "Rate how things are in your partnership, from where you sit. There are no right answers; answer "
        "'Don't know' whenever you are not sure. Your answers are saved as you go and shown only in groups of "
        f"{settings().min_group_size} or more."
    )
    if err := st.session_state.pop("assess_error", None):
        st.error(err)
    area, cycle = area_cycle_picker()
    if area and cycle:
        c1, c2 = st.columns(2)
        c1.selectbox(
            "Your agency",
            ids.AGENCIES,
            key="assess_pick_agency",
            format_func=lambda k: str(ids.AGENCY_NAMES.get(k, k)),
            placeholder="Choose your agency",
        )
        c2.selectbox(
            "Your level",
            ids.LEVELS,
            key="assess_pick_level",
            format_func=lambda k: str(ids.LEVEL_NAMES.get(k, k)),
            placeholder="Choose your level",
        )
        st.checkbox("Also rate the statements about the other levels' work", key="assess_pick_all")
        ready = st.session_state.get("assess_pick_agency") and st.session_state.get("assess_pick_level")
        st.button("Start", type="primary", on_click=_start, disabled=not ready, key="assess_start")
    st.stop()

ss = st.session_state
steps = walk(cat, ss["assess_level"], all_levels=bool(ss.get("assess_all_levels")))
k = min(ss["assess_step"], len(steps))
done, total = progress(ss["assess_answers"], steps)
st.progress(done / total if total else 0.0, text=f"{done} of {total} statements answered")
st.caption(
    f"{plain(ss['assess_area'])} · cycle {plain(ss['assess_cycle'])} · {ids.AGENCY_NAMES[ss['assess_agency']]}, {ss['assess_level']} · "
    "bookmark this page to come back to your answers"
)
if err := ss.pop("assess_error", None):
    st.error(err)

if k == len(steps):
    st.success(f"Thank you: all your answers are saved ({done} of {total} statements).")
    c1, c2 = st.columns(2)
    c1.button("Back to the statements", on_click=_go, args=(-1,), key="assess_back_end")
    c2.button("Finish and start a new respondent", on_click=_leave, key="assess_leave")
    st.stop()

step = steps[k]
st.subheader(f"Step {k + 1} of {len(steps)}. {step.title}")
st.caption(step.intro)
scale = cat.scale(step.framework)
current_level = None
for item in step.items:
    if step.framework == "opm" and item.level != current_level:
        current_level = item.level
        st.markdown(
            f"**About {ids.LEVEL_NAMES[current_level].lower()} work**"
            + (" (your level)" if current_level == ss["assess_level"] else "")
        )
    rate_statement(item, step.framework, scale, "assess", ss["assess_answers"], _save)

c1, c2 = st.columns(2)
c1.button("Back", on_click=_go, args=(-1,), disabled=k == 0, key="assess_back", width="stretch")
c2.button(
    "Next" if k < len(steps) - 1 else "Finish",
    on_click=_go,
    args=(1,),
    type="primary",
    key="assess_next",
    width="stretch",
)
