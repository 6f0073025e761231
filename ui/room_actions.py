"""Callbacks of the facilitator's room controls: the pace and the part on the phones, the comments' moderation, the
room's points. Each action is checked in the toolkit against the signed-in account and the workshop's own row."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from toolkit.access.scope import AccessDenied
from toolkit.reports.errors import ReportError
from toolkit.reports.render import render, slug
from toolkit.reports.workshop_summary import workshop_summary
from toolkit.workshops import (
    JoinError,
    agree_plan,
    find_workshop,
    moderate,
    move_to,
    open_points,
    parts_of,
    set_pace,
    show_part,
)
from ui.resources import catalogue, db
from ui.scope import actor
from ui.widgets import offered
from ui.workshops import config

ss = st.session_state


def _run(what: str, action: Callable[..., object]) -> None:
    try:
        with db() as s:
            action(s)
    except (ValueError, JoinError, AccessDenied) as exc:
        ss["workshop_msg"] = ("error", f"{what}: {str(exc).rstrip('.')}.")


def pace() -> None:
    """The pace chosen in the control (the toolkit refuses a value it does not know)."""
    chosen = ss.get("workshop_pace") or ""
    _run(
        "Pace not changed",
        lambda s: set_pace(ss["workshop_sel"] or "", chosen, session=s, cat=catalogue(), actor=actor()),
    )


def step(delta: int) -> None:
    """The room one part on (or back), from the part it is on now; the toolkit checks the part is the workshop's."""

    def run(s) -> None:
        w = find_workshop(ss["workshop_sel"] or "", session=s)
        keys = [p.key for p in parts_of(w, catalogue())]
        at = keys.index(w.part) if w.part in keys else -1
        to = min(max(at + delta, 0), len(keys) - 1)
        move_to(w.code, keys[to], session=s, cat=catalogue(), actor=actor())

    _run("Not moved", run)


def shown(is_shown: bool) -> None:
    _run("Not changed", lambda s: show_part(ss["workshop_sel"] or "", is_shown, session=s, actor=actor()))


def judge(comment_id: int, approve: bool) -> None:
    """Approve or reject a waiting comment; the toolkit refuses an id that is not waiting in this workshop."""
    _run("Not done", lambda s: moderate(ss["workshop_sel"] or "", comment_id, approve, session=s, actor=actor()))


def points(is_open: bool) -> None:
    """Open (or stop) the 100 points on participants' devices."""
    _run("Not done", lambda s: open_points(ss["workshop_sel"] or "", is_open, session=s, actor=actor()))


def plan(listed: tuple[str, ...]) -> None:
    """Add the room's choice to the plan as typed (the toolkit checks who, the shortlist and the guidance's names)."""

    def run(s) -> None:
        iv = offered(ss.get("room_plan_iv"), list(listed))
        agree_plan(
            actor(), ss["workshop_sel"] or "", iv, goal=ss.get("room_plan_goal") or "",
            first_step=ss.get("room_plan_step") or "", owner=ss.get("room_plan_owner") or "",
            messenger=ss.get("room_plan_messenger"), channel=ss.get("room_plan_channel"), due=ss.get("room_plan_due"),
            session=s, cat=catalogue(),
        )  # fmt: skip
        ss["workshop_msg"] = ("success", "Added to the plan: it is on the screen now, and on the action plan page.")

    _run("Not added to the plan", run)  # (NotOffered is a ValueError: said like any refusal)


def summary() -> None:
    """Make the workshop's closing summary as PDF and DOCX (from the area's record; the toolkit checks who)."""

    def run(s) -> None:
        report = workshop_summary(actor(), ss["workshop_sel"] or "", session=s, cat=catalogue(), cfg=config())
        ss["workshop_summary"] = (ss["workshop_sel"], slug(report.title), render(report, "pdf"), render(report, "docx"))

    try:
        _run("No summary", run)
    except ReportError as exc:
        ss["workshop_msg"] = ("error", f"No summary: {exc}")
