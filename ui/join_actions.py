"""Callbacks of the participant's join page: resume from the link, join, save answers and appraisals, move."""

import streamlit as st

from toolkit.capture.assessment import AnswerError, resume_step
from toolkit.workshops import (
    JoinError,
    WorkshopClosed,
    answer,
    find_workshop,
    join,
    own_answers,
    resume_participant,
    steps_for,
    submit_appraisal,
    with_retry,
)
from ui.resources import DB_UNAVAILABLE, catalogue, db
from ui.widgets import DONT_KNOW as DK
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
        join_step=resume_step(answers, steps_for(w, p.level, cat)),
    )  # back where they left off


def join_workshop() -> None:
    try:
        with db() as s:
            p = join(
                ss.get("join_f_code", ""),
                ss.get("join_f_agency") or "",
                ss.get("join_f_level") or "",
                ss.get("join_f_name", ""),
                session=s,
            )
            w = find_workshop(ss.get("join_f_code", ""), session=s)
    except JoinError as exc:
        ss["join_error"] = str(exc)
        return
    ss.update(
        join_code=w.code,
        join_pseudonym=p.pseudonym,
        join_secret=p.secret,
        join_agency=p.agency,
        join_level=p.level,
        join_answers={},
        join_step=0,
        join_error=None,
    )
    st.query_params.update(w=w.code, k=p.secret)


def save(fw: str, item: str) -> None:
    choice = ss.get(f"join_q_{fw}_{item}")
    comment = ss.get(f"join_q_c_{fw}_{item}", "") or ""
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


def appraise(iv: str, criterion: str) -> None:
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


def go(delta: int) -> None:
    ss["join_step"] = max(0, ss["join_step"] + delta)
    ss["join_scroll"] = True


def leave() -> None:
    ss.update(
        join_code=None,
        join_pseudonym=None,
        join_secret=None,
        join_agency=None,
        join_level=None,
        join_answers={},
        join_step=0,
    )
    st.query_params.clear()
