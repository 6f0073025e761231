"""Callbacks and the removal dialog of the facilitator's workshop page: create and pick a workshop, reveal, close,
the shortlist and its appraisal, the roster, a lost link re-issued, a removal. Each action is checked in the toolkit
against the signed-in account and the workshop's own row (rooms.check_runs), never against what the page offered."""

from collections.abc import Callable

import streamlit as st
from sqlalchemy.orm import Session

from toolkit.access.accounts import Identity
from toolkit.access.scope import AccessDenied
from toolkit.core import ids
from toolkit.core.forms import FORMS
from toolkit.core.text import md_text
from toolkit.workshops import (
    LATE_JOIN_MINUTES,
    JoinError,
    WorkshopInfo,
    close,
    create_workshop,
    find_workshop,
    format_code,
    joins_since_reveal,
    late_joins,
    latest_snapshot,
    list_workshops,
    new_link,
    open_appraisal,
    removal_preview,
    remove_participant,
    reveal_now,
    roster_keys,
    save_shortlist,
    set_roster,
)
from ui.resources import catalogue, db
from ui.scope import actor
from ui.widgets import Confirm, NotOffered, confirmation, offered
from ui.workshops import config

ss = st.session_state


def act(action: Callable[..., object], *args: object) -> None:
    """Run a workshop action (reveal, close, appraisal) on the workshop on screen: the toolkit checks the signed-in
    account against the workshop's own area and owner (rooms.check_runs), never against what the page offered."""
    try:
        with db() as s:
            action(ss["workshop_sel"] or "", *args, session=s, actor=actor())
    except (ValueError, JoinError, AccessDenied) as exc:
        ss["workshop_msg"] = ("error", f"Not done: {str(exc).rstrip('.')}.")


def load(who: Identity) -> dict[str, WorkshopInfo]:
    """The workshops this account may run, by code (every one for an administrator); the one on screen chosen: the
    one picked before, else the newest still open, else the newest."""
    with db() as s:
        mine = list_workshops(session=s, created_by=None if who.can("manage_users") else who.username)
    codes = {w.code: w for w in mine}
    if ss["workshop_sel"] not in codes:
        ss["workshop_sel"] = next((w.code for w in mine if w.status != "closed"), next(iter(codes), None))
    return codes


def on_screen() -> WorkshopInfo:
    """The workshop on screen, as stored now."""
    with db() as s:
        return find_workshop(ss["workshop_sel"], session=s)


def show_message() -> None:
    """Say what the last action did (once)."""
    if msg := ss.pop("workshop_msg", None):
        getattr(st, msg[0])(msg[1])


def create(who: Identity) -> None:
    """Create the workshop the form describes; it becomes the one on screen."""
    try:
        with db() as s:
            w = create_workshop(
                ss.get("workshop_f_area") or "",
                ss.get("workshop_f_cycle") or "",
                frameworks=ss.get("workshop_f_frameworks") or [],
                stages=ss.get("workshop_f_stages") or [],
                form=offered(ss.get("workshop_f_form"), FORMS),
                cs=ss.get("workshop_f_cs") or [],
                title=ss.get("workshop_f_title") or "",
                created_by=who.username,
                session=s,
                actor=actor(),
            )
        ss["workshop_sel"] = w.code
        ss["workshop_msg"] = ("success", f"Workshop created. Its join code is {format_code(w.code)}.")
    except (ValueError, AccessDenied) as exc:
        ss["workshop_msg"] = ("error", f"Not created: {str(exc).rstrip('.')}.")


def pick(offered_codes: list[str]) -> None:
    """Put the workshop picked on screen, if it was among those the picker offered."""
    try:
        ss["workshop_sel"] = offered(ss.get("workshop_pick"), offered_codes)
    except NotOffered as exc:
        ss["workshop_msg"] = ("error", str(exc))


def ask_close() -> None:
    """Open the closing dialog for the workshop on screen (it stays open across reruns until answered)."""
    ss["workshop_closing"] = ss.get("workshop_sel")


def keep_open() -> None:
    ss["workshop_closing"] = None


def _closing_lines(code: str) -> list[str]:
    """What closing takes away, in sentences; ValueError once there is nothing to close."""
    with db() as s:
        w = find_workshop(code, session=s)
    if w.status == "closed":
        raise ValueError("it has closed already")
    return [
        "Nobody can join it or change an answer any more.",
        f"Its ratings stand as the record for {w.area}, cycle {w.cycle}; this cannot be undone.",
    ]


def close_workshop() -> None:
    """Close the workshop the dialog was opened for, if it is still the one on screen (the toolkit checks who)."""
    if ss.get("workshop_closing") == ss.get("workshop_sel"):
        act(lambda code, session, actor: close(code, session=session, actor=actor))
    keep_open()


CLOSING = Confirm(
    "workshop_closing",
    _closing_lines,
    "workshop_close",
    "Close it: the ratings become final",
    close_workshop,
    keep_open,
    "Nothing to close",
)


@st.dialog("Close this workshop?", on_dismiss=keep_open)
def confirm_close(code: str) -> None:
    confirmation(CLOSING, code)


def appraisal(is_open: bool) -> None:
    """Open (or stop) the APEASE appraisal on participants' devices."""
    act(lambda code, session, actor: open_appraisal(code, is_open, session=session, actor=actor))


def shortlist(who: Identity, code: str) -> None:
    """Save the shortlist as chosen (interventions no longer chosen leave it)."""
    try:
        with db() as s:
            save_shortlist(who, code, list(ss.get("workshop_shortlist") or []), session=s, cat=catalogue())
        ss["workshop_msg"] = ("success", "Shortlist saved.")
    except (ValueError, AccessDenied) as exc:
        ss["workshop_msg"] = ("error", f"Shortlist not saved: {exc}.")


def save_roster(who: Identity, code: str) -> None:
    expected = {k: int(ss.get(f"workshop_roster_{k}") or 0) for k in roster_keys()}
    try:
        with db() as s:
            set_roster(who, code, expected, session=s)
        ss["workshop_msg"] = ("success", "Expected roster saved.")
    except (ValueError, JoinError) as exc:
        ss["workshop_msg"] = ("error", f"Roster not saved: {exc}.")


def reissue(who: Identity, code: str) -> None:
    """A new link for the participant picked; the old one stops working at once (on every device that used it)."""
    try:
        with db() as s:
            ss["workshop_new_link"] = new_link(
                who, code, ss.get("workshop_person") or "", st.context.url or "", session=s
            )
    except JoinError as exc:
        ss["workshop_msg"] = ("error", f"No new link: {exc}.")


def link_done() -> None:
    ss["workshop_new_link"] = None


def _what_goes(who: Identity, code: str, pseudonym: str) -> str:
    with db() as s:
        r = removal_preview(who, code, pseudonym, session=s)
    name = f"{md_text(r.name)} ({r.pseudonym})" if r.name else r.pseudonym
    return (
        f"Remove **{name}**, {ids.AGENCY_NAMES[r.agency]}, {ids.LEVEL_NAMES[r.level].lower()}, from this workshop? "
        f"This deletes from the record, for good: **{r.ratings} ratings** with **{r.history} earlier values**, and "
        f"**{r.appraisals} APEASE scores** they gave in this cycle. Their link stops working. The audit log keeps "
        "that you removed them and the counts before and after, never their answers."
    )


def ask_removal() -> None:
    """Open the removal dialog for the participant picked (it stays open across reruns until answered or dismissed)."""
    ss["workshop_removing"] = ss.get("workshop_person")


def _dismiss() -> None:
    ss["workshop_removing"] = None


@st.dialog("Remove a participant", on_dismiss=_dismiss)
def confirm_removal(who: Identity, code: str, pseudonym: str) -> None:
    """Say exactly what will go, and remove only on a second, explicit click."""
    try:
        st.markdown(_what_goes(who, code, pseudonym))
    except JoinError as exc:
        st.error(f"Nothing to remove: {exc}.")
        _dismiss()
        return
    c1, c2 = st.columns(2)
    if c1.button("Remove them and their answers", type="primary", key="workshop_remove_yes"):
        try:
            with db() as s:
                r = remove_participant(who, code, pseudonym, session=s)
            ss["workshop_msg"] = ("success", f"Removed {r.pseudonym} and their {r.ratings} ratings.")
        except JoinError as exc:
            ss["workshop_msg"] = ("error", f"Not removed: {exc}.")
        _dismiss()
        st.rerun()
    if c2.button("Keep them", key="workshop_remove_no"):
        _dismiss()
        st.rerun()


# Reveals: snapshots (toolkit.workshops.reveals) ----------------------------------------------------------------------


def shown_appraisal(w: WorkshopInfo, session: Session) -> dict[str, dict]:
    """The room's APEASE appraisal as at the last reveal (nothing before the first)."""
    snap = latest_snapshot(w.id, session=session) if w.revealed else None
    return snap.appraisal if snap else {}


def reveal_clicked() -> None:
    """Reveal: the toolkit stores what the room now sees, or keeps the last snapshot and says why."""
    try:
        with db() as s:
            out = reveal_now(ss["workshop_sel"] or "", session=s, actor=actor(), cat=catalogue(), cfg=config())
    except (ValueError, JoinError, AccessDenied) as exc:
        ss["workshop_msg"] = ("error", f"Not revealed: {str(exc).rstrip('.')}.")
        return
    ss["workshop_msg"] = ("success" if out.results_updated or out.appraisal_updated else "warning", out.message)


def reveal_box(w: WorkshopInfo) -> None:
    """The facilitator's reveal control: what the room sees now, who joined late, and the button."""
    st.markdown("**Reveal the results**")
    with db() as s:
        snap = latest_snapshot(w.id, session=s) if w.revealed else None
        late = late_joins(w, session=s)
        since = joins_since_reveal(w, session=s)
    n = config().min_group_size
    if snap is None:
        st.write(
            "Shows the room's results here and on every participant's device as they stand at that moment, small "
            "groups hidden. Answers can still change; the room sees them only when you reveal again."
        )
    else:
        st.write(
            f"The room sees the results of reveal {snap.number} (made at {snap.made_at:%H:%M}). Answers given since "
            f"appear only when you reveal again, and only where at least {n} people have answered anew."
        )
    if since:
        st.warning(
            "Joined after the first reveal: " + "; ".join(since) + ". Someone joining again under another name can "
            "try to compare the figures before and after to find a colleague's answers: check the roster and the "
            "progress table, and remove anyone who should not be there, before you reveal again."
        )
    elif late and snap is None:
        st.warning(
            f"Joined in the last {LATE_JOIN_MINUTES} minutes: {', '.join(late)}. One person joining several times "
            "can pad a small group and uncover the others' answers: check the roster and the progress table, and "
            "remove anyone who should not be there, before you reveal."
        )
    st.button(
        "Reveal results" if snap is None else "Reveal the latest answers",
        type="primary",
        key="workshop_reveal",
        on_click=reveal_clicked,
    )
