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
from toolkit.capture.assessment import AnswerError, answer_as, deep_dives, resume_respondent, start_respondent
from toolkit.core import ids
from toolkit.core.forms import DEFAULT_FORM, FORMS
from toolkit.store.areas import NotFound, resolve_cycle
from ui.resources import catalogue, db
from ui.scope import actor
from ui.widgets import NotOffered, offered, offered_score

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
                assess_form=qp.get("form") if qp.get("form") in FORMS else DEFAULT_FORM,
                assess_deep=[d for d in (qp.get("deep") or "").split(",") if d in deep_keys(me.level)],
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
        form = offered(ss.get("assess_pick_form"), FORMS)
        agency = offered(ss.get("assess_pick_agency"), ids.AGENCIES)
        level = offered(ss.get("assess_pick_level"), ids.LEVELS)
        with db() as s:
            me = start_respondent(
                ss.get("sel_area") or "",
                ss.get("sel_cycle") or "",
                agency,
                level,
                invitation=ss["assess_invite"],
                session=s,
            )
    except (AnswerError, InvitationError, NotOffered) as exc:
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
        assess_form=form,
        assess_deep=[],
        assess_invite=None,
        assess_invite_where=None,
    )
    st.query_params.clear()
    st.query_params.update(k=me.secret, all="1" if everything else "0", form=form)


def deep_keys(level: str) -> set[str]:
    """The deep dives the short form offers a respondent at this level (every stage and every C)."""
    return {d.key for d in deep_dives(catalogue(), level, all_levels=True, form="short")}


def add_deep(offered_keys: list[str]) -> None:
    """Add the deep dives picked (each among those the page offered) after the steps answered so far."""
    try:
        picked = [offered(k, offered_keys) for k in ss.get("assess_pick_deep") or []]
    except NotOffered as exc:
        ss["assess_error"] = str(exc)
        return
    ss["assess_deep"] = [*ss["assess_deep"], *(k for k in picked if k not in ss["assess_deep"])]
    ss["assess_pick_deep"] = []
    st.query_params["deep"] = ",".join(ss["assess_deep"])


def save(fw: str, item: str) -> None:
    choice = ss.get(f"assess_{fw}_{item}")
    comment = ss.get(f"assess_c_{fw}_{item}", "") or ""
    if choice is None:
        return
    try:
        score = offered_score(choice, catalogue().get(fw).scale)
        with db() as s:
            answer_as(ss["assess_secret"] or "", fw, item, score, comment, session=s, cat=catalogue())
        ss["assess_answers"][(fw, item)] = (score, comment)
    except (AnswerError, NotOffered, KeyError) as exc:  # KeyError: a framework the page never showed
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
