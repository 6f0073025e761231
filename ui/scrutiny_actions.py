"""Callbacks of the Scrutiny page: log evidence, answer and resolve challenges, trace decisions, judge and sign off."""

from datetime import date

import pandas as pd
import streamlit as st

from toolkit.access.scope import area_id_of, holders
from toolkit.scrutiny import attachments, carry, checklist, evidence, trail, validation
from toolkit.scrutiny.summary import summary
from ui.cached import analysis
from ui.resources import catalogue, db
from ui.scope import actor, may_in
from ui.scrutiny_challenges import due_default, run
from ui.widgets import offered, picked, refusing

ss = st.session_state

# What the signed-in account may do on the page, as toolkit.access actions (the toolkit checks each write again).
CAN = {"scrutinise": "log_evidence", "answer": "answer_challenge", "sign": "sign_off_report"}
# The scrutiny summary's download formats and their MIME types.
EXPORTS = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "md": "text/markdown",
}


STATEMENT_MIME = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "application/zip",
}


def statement_bytes(area: str, cycle: str, fmt: str) -> bytes:
    """The scrutiny statement as a file, built when its button is pressed, for the signed-in account (the toolkit
    checks the account may see the area's scrutiny record)."""
    from toolkit.reports.statement import statement_file  # heavy (reportlab, python-docx): only when asked

    with db() as s:
        return statement_file(
            area, cycle, fmt, actor=actor(), session=s, cat=catalogue(), analysis=analysis(area, cycle)
        )


def trail_labels(steps: list[dict]) -> dict[int, str]:
    """Each decision's option label: number and the start of the decision."""
    return {t["id"]: f"#{t['id']} {t['decision'][:80]}" for t in steps}


def file_stem(area: str, cycle: str) -> str:
    """The download's file name without its extension."""
    return f"scrutiny-{area}-{cycle}".replace(" ", "_").replace("(", "").replace(")", "")


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
        judged_v = validation.validations(area, cycle, session=s)
    ss["scr_open"] = [e for e in entries if e["judgement"] == "challenges" and e["status"] != "closed"]
    ss["scr_closed"] = [e for e in entries if e["judgement"] == "challenges" and e["status"] == "closed"]
    ss["scr_can"] = {k: may_in(a, area) for k, a in CAN.items()}
    ss["scr_attachable"] = [
        e
        for e in entries
        if e["status"] != "closed" and (ss["scr_can"]["scrutinise"] or (ss["scr_can"]["answer"] and e["status"]))
    ]
    with db() as s:
        ss["scr_files"] = attachments.attachments(area, cycle, session=s)
        ss["scr_carry"] = carry.to_carry(area, cycle, session=s)
        ss["scr_change"] = carry.judgement_change(area, cycle, session=s, cat=cat)
    with db() as s:
        aid = area_id_of(area, session=s)
        ss["scr_owners"] = holders("answer_challenge", aid, session=s) if aid is not None else []
    ss["scr_validations"] = judged_v
    ss["scr_trail"], ss["scr_checks"] = steps, judged
    fresh = ss["scr_loaded"] != (area, cycle)  # a new area or cycle, or fields Streamlit cleared while on another page
    ss["scr_signed"] = {p: checklist.signed_in_words(s) for p, s in assured["signoffs"].items()}
    for p in checklist.PARTNERS:
        if fresh or ss[f"scr_sign_on_{p}"] is None:
            got = assured["signoffs"].get(p, {}).get("on")
            ss[f"scr_sign_on_{p}"] = date.fromisoformat(got) if got else None
    if fresh or not ss["scr_statement"]:
        ss["scr_statement"] = assured["statement"]
    if fresh:
        ss.update(scr_loaded=(area, cycle), scr_pick=None, scr_t_pick=None, scr_c_pick=None)
    for k in ("scr_date", "scr_t_date"):
        if ss[k] is None:
            ss[k] = date.today()
    if ss["scr_due"] is None:
        ss["scr_due"] = due_default()
    if ss["scr_owner"] not in ss["scr_owners"]:
        ss["scr_owner"] = ss["scr_owners"][0] if len(ss["scr_owners"]) == 1 else None
    return tables


def keep_view() -> None:
    """Keep the view the user chose under the page's plain key (a widget's own key is cleared on leaving the page)."""
    if ss.get("scr_tab_w") is not None:
        ss["scr_tab"] = ss["scr_tab_w"]


def show_message() -> None:
    """Say what the last write did (once)."""
    if msg := ss.pop("scr_msg", None):
        getattr(st, msg[0])(msg[1])


@refusing
def log() -> None:
    """Log the evidence note in the form (a challenge with its owner and due date); clear the note when saved."""
    area, cycle = picked("log_evidence")  # as offered to this account, never as sent
    challenge = ss["scr_judgement"] == "challenges"
    owner = offered(ss["scr_owner"], ss["scr_owners"]) if challenge and ss["scr_owner"] is not None else ""
    who = actor()
    run(
        lambda s: evidence.log_evidence(
            area,
            cycle,
            note=ss["scr_note"],
            source=ss["scr_source"],
            seen_on=ss["scr_date"],
            judgement=ss["scr_judgement"],
            link=ss["scr_link"],
            owner=owner,
            due_on=ss["scr_due"] if challenge else None,
            actor=who,
            session=s,
            cat=catalogue(),
        ),
        "Challenge raised." if challenge else "Evidence logged.",
    )
    if ss["scr_msg"][0] == "success":
        ss["scr_note"] = ""


@refusing
def carry_forward() -> None:
    """Carry the previous cycle's open challenges (and its evidence notes, if ticked) into this cycle."""
    area, cycle = picked("log_evidence")  # as offered to this account, never as sent
    who = actor()
    with_evidence = ss["scr_carry_evidence"] is True
    run(
        lambda s: carry.carry_forward(area, cycle, with_evidence=with_evidence, actor=who, session=s),
        "Carried forward from the previous cycle; each carried note is marked so.",
    )


@refusing
def add_trail() -> None:
    """Add the decision in the form to the trail; clear the form when it is saved."""
    area, cycle = picked("log_evidence")  # as offered to this account, never as sent
    run(
        lambda s: trail.add_trail(
            area,
            cycle,
            decision=ss["scr_t_decision"],
            decided_on=ss["scr_t_date"],
            practice_change=ss["scr_t_change"],
            outcome=ss["scr_t_outcome"],
            toc_nodes=ss["scr_t_nodes"],
            actor=actor(),
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
    run(
        lambda s: trail.update_trail(
            ss["scr_t_pick"],
            area=area,
            cycle=cycle,
            actor=actor(),
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
    run(
        lambda s: checklist.set_check(
            area,
            cycle,
            ss["scr_c_pick"],
            ss["scr_c_status"],
            ss["scr_c_note"],
            actor=actor(),
            session=s,
            cat=catalogue(),
        ),
        "Checklist judgement saved.",
    )


@refusing
def sign(partner: str) -> None:
    """Sign off the report for a partner under the signed-in account, on the date given (a blank date is refused)."""
    area, cycle = picked("sign_off_report")  # as offered to this account, never as sent
    who = actor()
    run(
        lambda s: checklist.sign_off(
            area, cycle, offered(partner, checklist.PARTNERS), ss[f"scr_sign_on_{partner}"], actor=who, session=s
        ),
        "Signed off under your account.",
    )


@refusing
def withdraw_sign(partner: str) -> None:
    """Take a partner's sign-off back."""
    area, cycle = picked("sign_off_report")
    who = actor()
    run(
        lambda s: checklist.withdraw_sign_off(area, cycle, offered(partner, checklist.PARTNERS), actor=who, session=s),
        "Sign-off withdrawn.",
    )


@refusing
def save_statement() -> None:
    """Save the scrutineer's covering statement."""
    area, cycle = picked("log_evidence")  # as offered to this account, never as sent
    run(
        lambda s: checklist.set_statement(area, cycle, ss["scr_statement"], actor=actor(), session=s),
        "Statement saved.",
    )
