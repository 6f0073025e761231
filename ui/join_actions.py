"""Callbacks of the participant's join page: resume from the link, join, save answers and appraisals, move."""

import streamlit as st

from toolkit.capture.assessment import AnswerError, resume_step
from toolkit.workshops import (
    JoinError,
    WorkshopClosed,
    answer,
    find_participant,
    find_workshop,
    join,
    own_answers,
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


def restore() -> None:
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
    ss.update(
        join_code=w.code,
        join_pseudonym=p.pseudonym,
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
        join_agency=p.agency,
        join_level=p.level,
        join_answers={},
        join_step=0,
        join_error=None,
    )
    st.query_params.update(w=w.code, p=p.pseudonym)


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
    ss.update(join_code=None, join_pseudonym=None, join_agency=None, join_level=None, join_answers={}, join_step=0)
    st.query_params.clear()
