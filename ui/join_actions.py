"""Callbacks of the participant's join page: resume from the link, join, save answers and appraisals, move."""

import streamlit as st

from toolkit.capture.assessment import AnswerError
from toolkit.core import ids
from toolkit.core.text import md_text
from toolkit.workshops import (
    JoinError,
    RatingProgress,
    WorkshopClosed,
    WorkshopInfo,
    answer,
    change_place,
    find_workshop,
    give_points,
    join,
    own_answers,
    resume_participant,
    send_comment,
    submit_appraisal,
    with_retry,
)
from ui.resources import DB_UNAVAILABLE, catalogue, db
from ui.widgets import DONT_KNOW as DK
from ui.widgets import NotOffered, offered, offered_score
from ui.workshops import engine

cat = catalogue()
ss = st.session_state
CLOSED = "The workshop has closed, so that was not saved: the room's ratings are final."
NOT_SAVED = "That answer was not saved: the database could not be reached. Wait a minute, then give it again."


LOST = (
    "We could not find your place in that workshop from this link. If you joined before, ask the facilitator for "
    "a new link to your answers; otherwise join below."
)
ENDED = (
    "This device's place in the workshop has ended: the facilitator removed it or issued a new link for it. "
    "Ask the facilitator if you should carry on."
)
PSEUDONYM_LINK = (
    "That link names a participant but does not hold their private key, so it opens nobody's answers. "
    "Use the link you were given when you joined, or ask the facilitator for a new one."
)


def restore() -> None:
    """Pick the participant up from their own link (?w=CODE&k=SECRET) after a refresh or a dropped connection.

    A link with only a pseudonym (?p=...) opens nothing: the pseudonym is shown to the facilitator and in exports.
    """
    qp = st.query_params
    if ss["join_pseudonym"]:
        with db() as s:  # still theirs? a removal or a re-issued link ends this device's place at once
            me = resume_participant(ss["join_code"] or "", ss["join_secret"], session=s)
        if me is None:
            leave()
            ss["join_error"] = ENDED
        return
    if not qp.get("w"):
        return
    if qp.get("p") and not qp.get("k"):
        ss["join_error"] = PSEUDONYM_LINK
        del qp["p"]
    if not qp.get("k"):
        if not ss.get("join_f_code"):
            ss["join_f_code"] = qp["w"]
        return
    with db() as s:
        p = resume_participant(qp["w"], qp["k"], session=s)
        if p is None:
            ss["join_error"] = LOST
            ss["join_f_code"] = qp["w"]
            del qp["k"]
            return
        w = find_workshop(qp["w"], session=s)
        answers = own_answers(w, p.pseudonym, session=s)
    ss.update(
        join_code=w.code,
        join_pseudonym=p.pseudonym,
        join_secret=qp["k"],
        join_agency=p.agency,
        join_level=p.level,
        join_answers=answers,
        join_pos=None,
    )  # back where they left off: the rating screen opens the first statement not yet answered


def join_workshop() -> None:
    try:
        agency = offered(ss.get("join_f_agency"), ids.AGENCIES)
        level = offered(ss.get("join_f_level"), ids.LEVELS)
        with db() as s:
            p = join(ss.get("join_f_code", ""), agency, level, ss.get("join_f_name", ""), session=s)
            w = find_workshop(ss.get("join_f_code", ""), session=s)
    except (JoinError, NotOffered) as exc:
        ss["join_error"] = str(exc)
        return
    ss.update(
        join_code=w.code,
        join_pseudonym=p.pseudonym,
        join_secret=p.secret,
        join_agency=p.agency,
        join_level=p.level,
        join_answers={},
        join_pos=None,
        join_error=None,
    )
    st.query_params.update(w=w.code, k=p.secret)


def save(fw: str, item: str) -> None:
    choice = ss.get(f"join_q_{fw}_{item}")
    comment = ss.get(f"join_q_c_{fw}_{item}", "") or ""
    if choice is None:
        return
    try:
        score = offered_score(choice, cat.get(fw).scale)
        answer(ss["join_code"], ss["join_pseudonym"], fw, item, score, comment, engine=engine(), cat=cat)
        ss["join_answers"][(fw, item)] = (score, comment)
    except WorkshopClosed:
        ss["join_error"] = CLOSED
    except (AnswerError, NotOffered, KeyError) as exc:  # KeyError: a framework the page never showed
        ss["join_error"] = f"That answer was not saved: {exc}."
    except DB_UNAVAILABLE:  # the server is down or restarting: say so, and do not show the choice as if saved
        saved = ss["join_answers"].get((fw, item))
        ss[f"join_q_{fw}_{item}"] = None if saved is None else DK if saved[0] is None else saved[0]
        ss["join_error"] = NOT_SAVED


def appraise(iv: str, criterion: str) -> None:
    choice = ss.get(f"join_a_{iv}_{criterion}")
    if choice is None:
        return
    try:
        score = offered_score(choice, cat.scale("apease"))
    except NotOffered as exc:
        ss["join_error"] = f"That score was not saved: {exc}"
        return

    def run() -> None:
        with db() as s:
            submit_appraisal(ss["join_code"], ss["join_pseudonym"], iv, criterion, score, session=s, cat=cat)

    try:
        with_retry(run)
    except WorkshopClosed:
        ss["join_error"] = CLOSED
    except AnswerError as exc:
        ss["join_error"] = f"That score was not saved: {exc}."


def finish_box(done: RatingProgress, *, paced: bool = False) -> None:
    """The end of the walk (presenter-paced: of the part): what is saved and, by name, every statement still
    unanswered (each a tap away)."""
    if paced:
        st.info("That is the end of this part. The next part appears here when the facilitator moves the room on.")
    if not done.skipped:
        st.success(
            f"All {done.total} statements answered and saved. You can change any of them until the facilitator "
            "closes the workshop."
        )
    else:
        n = len(done.skipped)
        st.warning(
            f"{done.answered} of {done.total} statements answered and saved. You skipped {n} "
            f"statement{'s' if n != 1 else ''}: answer {'them' if n != 1 else 'it'} now, or leave "
            f"{'them' if n != 1 else 'it'} blank."
        )
        for s in done.skipped:
            with st.container(border=True):
                st.caption(md_text(s.step_title))
                st.markdown(md_text(s.item.text))
                st.button("Answer it", key=f"join_skip_{s.framework}_{s.item.id}", on_click=go_to, args=(s.index,))
    st.button("Back to the statements", on_click=go, args=(-1,), key="join_back_end", width="stretch")


def go_to(index: int) -> None:
    """Open this statement of the walk (from the list of skipped ones)."""
    ss["join_pos"] = max(0, index)


def go(delta: int) -> None:
    """Next or Back: one statement on (Finish is one past the last), or one back."""
    ss["join_pos"] = max(0, (ss["join_pos"] or 0) + delta)


def leave() -> None:
    ss.update(
        join_code=None,
        join_pseudonym=None,
        join_secret=None,
        join_agency=None,
        join_level=None,
        join_answers={},
        join_pos=None,
        join_apos=None,
    )
    st.query_params.clear()


FIXED = "Your agency and level are fixed now that the room's results have been revealed."


def place_box(w: WorkshopInfo) -> None:
    """Correct one's agency and level until the first reveal (the toolkit refuses it after, whatever is sent)."""
    if w.revealed or w.status == "closed":
        st.caption(FIXED)
        return
    with st.expander("Wrong agency or level?"):
        st.caption("You can correct them until the facilitator reveals the room's results; after that they are fixed.")
        st.selectbox(
            "Your agency", ids.AGENCIES, index=ids.AGENCIES.index(ss["join_agency"]), key="join_p_agency",
            format_func=lambda k: str(ids.AGENCY_NAMES.get(k, k)),
        )  # fmt: skip
        st.selectbox(
            "Your level", ids.LEVELS, index=ids.LEVELS.index(ss["join_level"]), key="join_p_level",
            format_func=lambda k: str(ids.LEVEL_NAMES.get(k, k)),
        )  # fmt: skip
        st.button("Change my agency and level", key="join_p_go", on_click=move)


def move() -> None:
    """Save the corrected agency and level; refused (and said why) once the results have been revealed."""
    try:
        with db() as s:
            p = change_place(
                ss["join_code"] or "", ss["join_secret"], ss.get("join_p_agency") or "", ss.get("join_p_level") or "",
                session=s,
            )  # fmt: skip
    except JoinError as exc:
        ss["join_error"] = str(exc)
        return
    ss.update(join_agency=p.agency, join_level=p.level, join_pos=None)  # the new level's first unanswered


def send() -> None:
    """Send the comment typed; the toolkit refuses one too long, empty, or from a device not in this workshop."""
    try:
        with db() as s:
            send_comment(ss["join_code"] or "", ss["join_pseudonym"] or "", ss.get("join_c_text"), session=s)
    except WorkshopClosed:
        ss["join_error"] = CLOSED
        return
    except AnswerError as exc:
        ss["join_error"] = f"That comment was not sent: {exc}."
        return
    ss["join_c_text"] = ""
    ss["join_c_msg"] = "Sent. The facilitator decides whether it goes on the room's screen."


def points(listed: tuple[str, ...]) -> None:
    """Save the points as typed; the toolkit refuses any intervention off the shortlist and more than 100 in all."""
    try:
        allocation = {iv: ss.get(f"join_pt_{iv}") or 0 for iv in listed}
        with db() as s:
            saved = give_points(ss["join_code"] or "", ss["join_pseudonym"] or "", allocation, session=s)
    except WorkshopClosed:
        ss["join_error"] = CLOSED
        return
    except AnswerError as exc:
        ss["join_error"] = f"Your points were not saved: {exc}."
        return
    ss["join_pt_msg"] = (
        f"Saved: {sum(saved.values())} points. You can change them until the facilitator stops the points."
    )


def appraise_go(delta: int) -> None:
    """Next or Back in the appraisal: one screen on (Finish is one past the last), or one back."""
    ss["join_apos"] = max(0, (ss["join_apos"] or 0) + delta)


def appraise_go_to(index: int) -> None:
    ss["join_apos"] = max(0, index)
