"""Callbacks and the removal dialog of the facilitator's workshop page: roster, a lost link re-issued, a removal."""

import streamlit as st

from toolkit.access.accounts import Identity
from toolkit.access.scope import AccessDenied
from toolkit.core import ids
from toolkit.workshops import (
    JoinError,
    join_link,
    reissue_link,
    removal_preview,
    remove_participant,
    roster_keys,
    set_roster,
)
from ui.resources import db
from ui.scope import actor
from ui.workshops import plain

ss = st.session_state


def act(action, *args) -> None:
    """Run a workshop action (reveal, close, appraisal) on the workshop on screen: the toolkit checks the signed-in
    account against the workshop's own area and owner (rooms.check_runs), never against what the page offered."""
    try:
        with db() as s:
            action(ss["workshop_sel"] or "", *args, session=s, actor=actor())
    except (ValueError, JoinError, AccessDenied) as exc:
        ss["workshop_msg"] = ("error", f"Not done: {str(exc).rstrip('.')}.")


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
            p = reissue_link(who, code, ss.get("workshop_person") or "", session=s)
    except JoinError as exc:
        ss["workshop_msg"] = ("error", f"No new link: {exc}.")
        return
    ss["workshop_new_link"] = (p.display_name or p.pseudonym, join_link(st.context.url or "", code, p.secret))


def _what_goes(who: Identity, code: str, pseudonym: str) -> str:
    with db() as s:
        r = removal_preview(who, code, pseudonym, session=s)
    name = f"{plain(r.name)} ({r.pseudonym})" if r.name else r.pseudonym
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
