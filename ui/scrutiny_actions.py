"""Callbacks of the Scrutiny page: log evidence, answer and resolve challenges, trace decisions, judge and sign off."""

from collections.abc import Callable
from datetime import date

import pandas as pd
import streamlit as st
from sqlalchemy.orm import Session

from toolkit.scrutiny import checklist, evidence, trail
from toolkit.scrutiny.fields import ScrutinyError
from toolkit.scrutiny.summary import summary
from ui.cached import analysis
from ui.resources import catalogue, db
from ui.widgets import picked, refusing

ss = st.session_state


def load(area: str, cycle: str) -> dict[str, pd.DataFrame]:
    """The page's tables for the area and cycle; the records the callbacks need, and the form fields, in the session."""
    cat = catalogue()
    a = analysis(area, cycle)
    with db() as s:
        tables = summary(area, cycle, session=s, cat=cat, analysis=a)
        entries = evidence.evidence_log(area, cycle, session=s)
        steps = trail.trail(area, cycle, session=s)
        judged = checklist.checks(area, cycle, session=s)
        assured = checklist.assurance(area, cycle, session=s)
    ss["scr_open"] = [e for e in entries if e["judgement"] == "challenges" and not e["resolved"]]
    ss["scr_closed"] = [e for e in entries if e["judgement"] == "challenges" and e["resolved"]]
    ss["scr_trail"], ss["scr_checks"] = steps, judged
    fresh = ss["scr_loaded"] != (area, cycle)  # a new area or cycle, or fields Streamlit cleared while on another page
    for p in checklist.PARTNERS:
        got = assured["signoffs"].get(p, {})
        if fresh or not ss[f"scr_sign_{p}"]:
            ss[f"scr_sign_{p}"] = got.get("by", "")
        if fresh or ss[f"scr_sign_on_{p}"] is None:
            ss[f"scr_sign_on_{p}"] = date.fromisoformat(got["on"]) if got.get("on") else None
    if fresh or not ss["scr_statement"]:
        ss["scr_statement"] = assured["statement"]
    if fresh:
        ss.update(scr_loaded=(area, cycle), scr_pick=None, scr_t_pick=None, scr_c_pick=None)
    for k in ("scr_date", "scr_t_date"):
        if ss[k] is None:
            ss[k] = date.today()
    return tables


def show_message() -> None:
    """Say what the last write did (once)."""
    if msg := ss.pop("scr_msg", None):
        getattr(st, msg[0])(msg[1])


def _run(fn: Callable[[Session], object], ok: str) -> None:
    """Do one write for the selected area and cycle; say what happened or why not."""
    try:
        with db() as s:
            fn(s)
        ss["scr_msg"] = ("success", ok)
    except ScrutinyError as exc:
        ss["scr_msg"] = ("error", f"Not saved: {exc}")


@refusing
def log() -> None:
    """Log the evidence note in the form; clear the note when it is saved."""
    area, cycle = picked("log_evidence")  # as offered to this account, never as sent
    _run(
        lambda s: evidence.log_evidence(
            area,
            cycle,
            note=ss["scr_note"],
            source=ss["scr_source"],
            seen_on=ss["scr_date"],
            judgement=ss["scr_judgement"],
            link=ss["scr_link"],
            by=ss["scr_user"],
            session=s,
            cat=catalogue(),
        ),
        "Evidence logged.",
    )
    if ss["scr_msg"][0] == "success":
        ss["scr_note"] = ""


def pick_challenge() -> None:
    """Fill the answer field with the chosen challenge's answer so far."""
    entry = next((e for e in ss["scr_open"] if e["id"] == ss["scr_pick"]), None)
    ss["scr_answer"] = entry["response"] if entry else ""
    ss["scr_reason"] = ""


def _offered(key: str, listed: str) -> int | None:
    """The challenge chosen in `key`, only if the page offered it (a crafted client can send any id)."""
    pick = ss.get(key)
    if pick in {e["id"] for e in ss.get(listed) or []}:
        return pick
    ss["scr_msg"] = ("error", "Not saved: choose one of the challenges listed.")
    return None


@refusing
def answer() -> None:
    """Save the partnership's answer to the chosen challenge."""
    area, cycle = picked("log_evidence")  # as offered to this account, never as sent
    if (pick := _offered("scr_pick", "scr_open")) is None:
        return
    _run(
        lambda s: evidence.answer_challenge(
            pick,
            ss["scr_answer"],
            area=area,
            cycle=cycle,
            by=ss["scr_answer_by"] or ss["scr_user"],
            session=s,
        ),
        "The partnership's answer is recorded.",
    )


@refusing
def resolve() -> None:
    """Resolve the chosen challenge with the reason given."""
    area, cycle = picked("log_evidence")  # as offered to this account, never as sent
    if (pick := _offered("scr_pick", "scr_open")) is None:
        return
    _run(
        lambda s: evidence.resolve_challenge(
            pick, area=area, cycle=cycle, by=ss["scr_user"], note=ss["scr_reason"], session=s
        ),
        "Challenge resolved.",
    )
    ss["scr_pick"] = None


@refusing
def reopen() -> None:
    """Open a resolved challenge again, so the partnership can change its answer."""
    area, cycle = picked("log_evidence")  # as offered to this account, never as sent
    if (pick := _offered("scr_reopen_pick", "scr_closed")) is None:
        return
    _run(
        lambda s: evidence.reopen_challenge(pick, area=area, cycle=cycle, by=ss["scr_user"], session=s),
        "Challenge reopened.",
    )
    ss["scr_reopen_pick"] = None


@refusing
def add_trail() -> None:
    """Add the decision in the form to the trail; clear the form when it is saved."""
    area, cycle = picked("log_evidence")  # as offered to this account, never as sent
    _run(
        lambda s: trail.add_trail(
            area,
            cycle,
            decision=ss["scr_t_decision"],
            decided_on=ss["scr_t_date"],
            practice_change=ss["scr_t_change"],
            outcome=ss["scr_t_outcome"],
            toc_nodes=ss["scr_t_nodes"],
            by=ss["scr_user"],
            session=s,
            cat=catalogue(),
        ),
        "Decision added to the trail.",
    )
    if ss["scr_msg"][0] == "success":
        ss.update(scr_t_decision="", scr_t_change="", scr_t_outcome="", scr_t_nodes=[])


def pick_trail() -> None:
    """Fill the fields with the chosen decision's practice change and outcome so far."""
    t = next((t for t in ss["scr_trail"] if t["id"] == ss["scr_t_pick"]), None)
    ss["scr_t_upd_change"], ss["scr_t_upd_outcome"] = (t["practice_change"], t["outcome"]) if t else ("", "")


@refusing
def update_trail() -> None:
    """Save what the chosen decision led to."""
    area, cycle = picked("log_evidence")  # as offered to this account, never as sent
    _run(
        lambda s: trail.update_trail(
            ss["scr_t_pick"],
            area=area,
            cycle=cycle,
            by=ss["scr_user"],
            practice_change=ss["scr_t_upd_change"],
            outcome=ss["scr_t_upd_outcome"],
            session=s,
            cat=catalogue(),
        ),
        "Trail updated.",
    )


def pick_check() -> None:
    """Fill the fields with the chosen checklist point's judgement so far."""
    j = ss["scr_checks"].get(ss["scr_c_pick"], {})
    ss["scr_c_status"], ss["scr_c_note"] = j.get("status", "not_checked"), j.get("note", "")


@refusing
def save_check() -> None:
    """Save the judgement of the chosen checklist point."""
    area, cycle = picked("log_evidence")  # as offered to this account, never as sent
    _run(
        lambda s: checklist.set_check(
            area,
            cycle,
            ss["scr_c_pick"],
            ss["scr_c_status"],
            ss["scr_c_note"],
            by=ss["scr_user"],
            session=s,
            cat=catalogue(),
        ),
        "Checklist judgement saved.",
    )


@refusing
def save_signoffs() -> None:
    """Save the three partners' sign-offs (a blank name withdraws one)."""
    area, cycle = picked("log_evidence")  # as offered to this account, never as sent

    def write(s: Session) -> None:
        for p in checklist.PARTNERS:
            checklist.sign_off(
                area, cycle, p, ss[f"scr_sign_{p}"], ss[f"scr_sign_on_{p}"], session=s, by=ss["scr_user"]
            )

    _run(write, "Sign-offs saved.")


@refusing
def save_statement() -> None:
    """Save the scrutineer's covering statement."""
    area, cycle = picked("log_evidence")  # as offered to this account, never as sent
    _run(
        lambda s: checklist.set_statement(area, cycle, ss["scr_statement"], by=ss["scr_user"], session=s),
        "Statement saved.",
    )
