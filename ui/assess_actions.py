"""Callbacks of the self-assessment page: resume from the respondent's own link, open an invitation, start, save,
and (for facilitators) create and revoke invitations."""

import streamlit as st

from toolkit.access.invitations import (
    InvitationError,
    check_invitation,
    create_invitation,
    invitation_link,
    revoke_invitation,
)
from toolkit.capture.assessment import AnswerError, answer_as, resume_respondent, start_respondent
from toolkit.store.areas import NotFound, resolve_cycle
from ui.resources import catalogue, db
from ui.scope import actor
from ui.widgets import DONT_KNOW as DK

ss = st.session_state
PSEUDONYM_LINK = (
    "That link names a respondent but does not hold their private key, so it opens nobody's answers. Use the link "
    "this page gave you when you started (it ends in k=...), or start afresh from your invitation."
)
LOST = "This link does not open any answers. Check that you opened the whole link, or start afresh."


def restore() -> None:
    """Pick a respondent up from their own link (?k=SECRET), or an invitation from ?i=...; ?r= opens nothing."""
    qp = st.query_params
    if ss["assess_respondent"]:
        return
    if "r" in qp and "k" not in qp:  # an old-style link naming a pseudonym: a label, not a key
        ss["assess_error"] = PSEUDONYM_LINK
        for k in ("r", "area", "cycle"):
            qp.pop(k, None)
    if "k" in qp:
        with db() as s:
            found = resume_respondent(qp["k"], session=s)
        if found is None:
            ss["assess_error"] = LOST
            del qp["k"]
        else:
            me, answers = found
            ss.update(
                assess_respondent=me.pseudonym,
                assess_secret=me.secret,
                assess_area=me.ref.area,
                assess_cycle=me.ref.cycle,
                assess_agency=me.agency,
                assess_level=me.level,
                assess_answers=answers,
                assess_all_levels=qp.get("all") == "1",
            )
            return
    if "i" in qp and ss["assess_invite"] != qp["i"]:
        try:
            with db() as s:
                inv = check_invitation(qp["i"], session=s)
            ss.update(assess_invite=qp["i"], assess_invite_where=(inv.area, inv.cycle))
        except InvitationError as exc:
            ss.update(assess_invite=None, assess_invite_where=None, assess_error=str(exc))
            del qp["i"]


def start() -> None:
    """A new respondent: through the invitation this browser opened, or (no accounts) the area and cycle picked."""
    everything = bool(ss.get("assess_pick_all"))
    try:
        with db() as s:
            me = start_respondent(
                ss.get("sel_area") or "",
                ss.get("sel_cycle") or "",
                ss.get("assess_pick_agency") or "",
                ss.get("assess_pick_level") or "",
                invitation=ss["assess_invite"],
                session=s,
            )
    except (AnswerError, InvitationError) as exc:
        ss.update(assess_error=f"Not started: {exc}", assess_invite=None, assess_invite_where=None)
        st.query_params.pop("i", None)
        return
    ss.update(
        assess_respondent=me.pseudonym,
        assess_secret=me.secret,
        assess_area=me.ref.area,
        assess_cycle=me.ref.cycle,
        assess_answers={},
        assess_step=0,
        assess_agency=me.agency,
        assess_level=me.level,
        assess_all_levels=everything,
        assess_invite=None,
        assess_invite_where=None,
    )
    st.query_params.clear()
    st.query_params.update(k=me.secret, all="1" if everything else "0")


def save(fw: str, item: str) -> None:
    choice = ss.get(f"assess_{fw}_{item}")
    comment = ss.get(f"assess_c_{fw}_{item}", "") or ""
    if choice is None:
        return
    score = None if choice == DK else int(choice)
    try:
        with db() as s:
            answer_as(ss["assess_secret"] or "", fw, item, score, comment, session=s, cat=catalogue())
        ss["assess_answers"][(fw, item)] = (score, comment)
    except AnswerError as exc:
        ss["assess_error"] = f"That answer was not saved: {exc}."


def go(delta: int) -> None:
    ss["assess_step"] = max(0, ss["assess_step"] + delta)


def leave() -> None:
    ss.update(assess_respondent=None, assess_secret=None, assess_answers={}, assess_step=0)
    st.query_params.clear()


def invite(area: str, cycle: str) -> None:
    """Create an invitation for the area and cycle on screen; its link is shown once (only a hash is kept)."""
    try:
        with db() as s:
            ref = resolve_cycle(area, cycle, session=s)
            new = create_invitation(
                actor(),
                ref,
                days=int(ss.get("assess_inv_days") or 0),
                max_uses=int(ss.get("assess_inv_cap") or 0),
                label=ss.get("assess_inv_label") or "",
                session=s,
            )
    except (InvitationError, NotFound, ValueError) as exc:
        ss["assess_inv_msg"] = ("error", f"No invitation made: {exc}.")
        return
    ss["assess_inv_new"] = invitation_link(st.context.url or "", new.secret)
    ss["assess_inv_msg"] = ("success", f"Invitation made: up to {new.info.max_uses} respondents, until "
                            f"{new.info.expires_at:%d %B %Y %H:%M} UTC. Copy the link now: it is shown only once.")  # fmt: skip


def revoke(invitation_id: int) -> None:
    try:
        with db() as s:
            revoke_invitation(actor(), invitation_id, session=s)
        ss["assess_inv_msg"] = ("success", "Invitation withdrawn: its link admits nobody more.")
    except InvitationError as exc:
        ss["assess_inv_msg"] = ("error", f"Not withdrawn: {exc}.")
