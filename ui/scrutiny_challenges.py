"""Callbacks of the Scrutiny page's challenges and validations: a member answers under their own account; the
scrutineer edits, resolves, withdraws, reopens and validates. toolkit.scrutiny checks each account's part again."""

from collections.abc import Callable
from datetime import date

import streamlit as st
from sqlalchemy.orm import Session

from toolkit.scrutiny import challenges, evidence, validation
from toolkit.scrutiny.fields import ScrutinyError
from ui.resources import catalogue, db
from ui.scope import actor
from ui.widgets import offered, picked, refusing

ss = st.session_state


def run(fn: Callable[[Session], object], ok: str) -> None:
    """Do one write for the selected area and cycle as the signed-in account; say what happened or why not."""
    try:
        with db() as s:
            fn(s)
        ss["scr_msg"] = ("success", ok)
    except ScrutinyError as exc:
        ss["scr_msg"] = ("error", f"Not saved: {exc}")


def challenge_labels(entries: list[dict]) -> dict[int, str]:
    """Each challenge's option label: number, status, owner, due date and what it is about."""
    cat = catalogue()
    return {
        e["id"]: f"#{e['id']} {evidence.status_of(e)} · owner {e['owner'] or '-'}"
        + (f", due {e['due_on'].isoformat()}" if e["due_on"] else "")
        + f" · {evidence.link_label(e['link'], cat)}"
        for e in entries
    }


def chosen_challenge() -> dict:
    """The challenge picked (the page shows it only once the pick is among those not closed)."""
    return next(e for e in ss["scr_open"] if e["id"] == ss["scr_pick"])


def pick_challenge() -> None:
    """Fill the fields with the chosen challenge's wording, owner and due date, and a blank answer and reason."""
    e = next((e for e in ss["scr_open"] if e["id"] == ss["scr_pick"]), None)
    ss["scr_answer"], ss["scr_reason"] = "", ""
    if e:
        ss["scr_e_note"], ss["scr_e_owner"], ss["scr_e_due"] = e["note"], e["owner"] or None, e["due_on"]


def _offered(key: str, listed: str) -> int | None:
    """The challenge chosen in `key`, only if the page offered it (a crafted client can send any id)."""
    pick = ss.get(key)
    if pick in {e["id"] for e in ss.get(listed) or []}:
        return pick
    ss["scr_msg"] = ("error", "Not saved: choose one of the challenges listed.")
    return None


@refusing
def answer() -> None:
    """Save the partnership's answer to the chosen challenge, under the signed-in account."""
    area, cycle = picked("answer_challenge")  # as offered to this account, never as sent
    if (pick := _offered("scr_pick", "scr_open")) is None:
        return
    who = actor()
    run(
        lambda s: challenges.answer_challenge(pick, ss["scr_answer"], area=area, cycle=cycle, actor=who, session=s),
        f"Your answer is recorded under your account ({who.username if who else ''}).",
    )
    if ss["scr_msg"][0] == "success":
        ss["scr_answer"] = ""


def _close(how: str) -> None:
    area, cycle = picked("log_evidence")
    if (pick := _offered("scr_pick", "scr_open")) is None:
        return
    fn = challenges.resolve_challenge if how == "resolved" else challenges.withdraw_challenge
    who = actor()
    run(
        lambda s: fn(pick, area=area, cycle=cycle, reason=ss["scr_reason"], actor=who, session=s),
        f"Challenge {how}.",
    )
    if ss["scr_msg"][0] == "success":
        ss["scr_pick"] = None


@refusing
def resolve() -> None:
    """Resolve the chosen challenge with the reason given."""
    _close("resolved")


@refusing
def withdraw() -> None:
    """Withdraw the chosen challenge with the reason given."""
    _close("withdrawn")


@refusing
def edit() -> None:
    """Save the chosen challenge's new wording, owner or due date."""
    area, cycle = picked("log_evidence")
    if (pick := _offered("scr_pick", "scr_open")) is None:
        return
    owner = offered(ss["scr_e_owner"], ss["scr_owners"])
    who = actor()
    run(
        lambda s: challenges.edit_challenge(
            pick,
            area=area,
            cycle=cycle,
            note=ss["scr_e_note"],
            owner=owner,
            due_on=ss["scr_e_due"],
            actor=who,
            session=s,
        ),
        "Challenge changed; the earlier wording stays in its history.",
    )


@refusing
def reopen() -> None:
    """Open a closed challenge again, with the reason, so the partnership can answer afresh."""
    area, cycle = picked("log_evidence")
    if (pick := _offered("scr_reopen_pick", "scr_closed")) is None:
        return
    who = actor()
    run(
        lambda s: challenges.reopen_challenge(
            pick, area=area, cycle=cycle, reason=ss["scr_reopen_reason"], actor=who, session=s
        ),
        "Challenge reopened.",
    )
    if ss["scr_msg"][0] == "success":
        ss.update(scr_reopen_pick=None, scr_reopen_reason="")


def pick_validation() -> None:
    """Fill the fields with the chosen stage's or C's validation so far."""
    v = ss["scr_validations"].get(ss["scr_v_pick"]) or {}
    ss["scr_v_state"] = v.get("state") if v.get("state") in validation.SET_BY_SCRUTINEER else "validated"
    ss["scr_v_figure"] = float(v["figure"]) if v.get("figure") is not None else 3.0
    ss["scr_v_reason"], ss["scr_v_dispute"] = v.get("reason", ""), ""


@refusing
def validate() -> None:
    """Save the scrutineer's validation of the chosen stage or C."""
    area, cycle = picked("log_evidence")
    link = offered(ss["scr_v_pick"], validation.LINKS)
    state = offered(ss["scr_v_state"], validation.SET_BY_SCRUTINEER)
    who = actor()
    run(
        lambda s: validation.set_validation(
            area,
            cycle,
            link,
            state,
            figure=ss["scr_v_figure"],
            reason=ss["scr_v_reason"],
            actor=who,
            session=s,
            cat=catalogue(),
        ),
        f"{validation.STATES[state]}: saved.",
    )


@refusing
def dispute() -> None:
    """Record the partnership's dispute of the chosen stage's or C's validation, under the signed-in account."""
    area, cycle = picked("answer_challenge")
    link = offered(ss["scr_v_pick"], validation.LINKS)
    who = actor()
    run(
        lambda s: validation.dispute_validation(area, cycle, link, ss["scr_v_dispute"], actor=who, session=s),
        "The partnership's dispute is recorded.",
    )


def due_default() -> date:
    """The due date a new challenge is offered: four weeks from today."""
    return date.fromordinal(date.today().toordinal() + 28)
