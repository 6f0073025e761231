"""Validation of the self-rating, per OPM stage and per C: self-assessed, challenged, validated, adjusted (with the
scrutineer's figure and reason) or disputed (by the partnership, with its reason).

A scrutineer validates or adjusts; a member of the partnership disputes a validation or adjustment under their own
account; neither can do the other's part (toolkit.access.scope). "Challenged" is never set by hand: a stage or C is
challenged while a challenge about it is not closed and the scrutineer has not yet validated, adjusted it, or had it
disputed. Every change is kept in the record's history and written to the audit log.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from toolkit.access.accounts import Identity
from toolkit.access.scope import authorise, role_for
from toolkit.core import ids
from toolkit.core.frameworks import Catalogue
from toolkit.scrutiny.challenges import MEMBER, SCRUTINEER, event
from toolkit.scrutiny.fields import ScrutinyError, note_text
from toolkit.store.areas import find_cycle
from toolkit.store.audit import record
from toolkit.store.models import Validation, utcnow

STATES = {
    "self_assessed": "Self-assessed",
    "challenged": "Challenged",
    "validated": "Validated",
    "adjusted": "Adjusted",
    "disputed": "Disputed",
}
SET_BY_SCRUTINEER = ("validated", "adjusted", "self_assessed")  # self_assessed: the validation is taken back
LINKS: tuple[str, ...] = tuple(f"stage:{s}" for s in ids.STAGES) + tuple(f"c:{c}" for c in ids.C_IDS)


def _scale(link: str, cat: Catalogue) -> tuple[int, int]:
    fw = cat.opm if link.startswith("stage:") else cat.twelve_cs
    assert fw.scale is not None  # rated frameworks declare their scale
    return fw.scale.min, fw.scale.max


def _row(area: str, cycle: str, link: str, action: str, actor: Identity | None, session: Session):
    if link not in LINKS:
        raise ScrutinyError(f"{link!r} is not an OPM stage or one of the 12 C's.")
    c = find_cycle(area, cycle, session=session)
    authorise(actor, action, c.area_id)
    assert actor is not None  # authorise refuses a visitor who is not signed in
    row = session.scalar(select(Validation).where(Validation.cycle_id == c.id, Validation.link == link))
    return row, c, role_for(actor, action, c.area_id)


def _snap(v: Validation | None) -> dict | None:
    return None if v is None else {"state": v.state, "figure": v.figure, "reason": v.reason}


def set_validation(
    area: str,
    cycle: str,
    link: str,
    state: str,
    *,
    figure: float | None = None,
    reason: str = "",
    actor: Identity | None,
    session: Session,
    cat: Catalogue,
) -> Validation:
    """The scrutineer's validation of a stage's or C's self-rating: validated, adjusted to a figure on the
    framework's scale (a reason required), or taken back to self-assessed."""
    row, c, role = _row(area, cycle, link, SCRUTINEER, actor, session)
    assert actor is not None
    if state not in SET_BY_SCRUTINEER:
        raise ScrutinyError(f"a scrutineer sets {', '.join(SET_BY_SCRUTINEER)}, not {state!r}.")
    why = note_text(reason, "The reason", required=state == "adjusted")
    if state == "adjusted":
        lo, hi = _scale(link, cat)
        if not isinstance(figure, int | float) or isinstance(figure, bool) or not lo <= figure <= hi:
            raise ScrutinyError(f"the scrutineer's figure must be a number from {lo} to {hi}.")
        figure = round(float(figure), 2)
    else:
        figure = None
    before = _snap(row)
    if row is None:
        row = Validation(cycle_id=c.id, link=link, history=[])
        session.add(row)
    row.figure = figure
    return _apply(row, state, why, "validation", before, cycle, link, c.area_id, actor, role, session)


def dispute_validation(
    area: str, cycle: str, link: str, reason: str, *, actor: Identity | None, session: Session
) -> Validation:
    """A member of the partnership disputes the scrutineer's validation or adjustment, with the reason."""
    row, c, role = _row(area, cycle, link, MEMBER, actor, session)
    assert actor is not None
    if row is None or row.state not in ("validated", "adjusted"):
        raise ScrutinyError("only a validated or adjusted rating can be disputed.")
    why = note_text(reason, "The reason")
    before = _snap(row)
    return _apply(row, "disputed", why, "validation_disputed", before, cycle, link, c.area_id, actor, role, session)


def _apply(
    row: Validation,
    state: str,
    why: str,
    action: str,
    before: dict | None,
    cycle: str,
    link: str,
    area_id: int,
    actor: Identity,
    role: str,
    session: Session,
) -> Validation:
    """Set the state with who and when, add it to the row's history, and audit it (one tail for every change)."""
    row.state, row.reason = state, why
    row.set_by, row.set_by_role, row.set_at = actor.username, role, utcnow()
    row.history = [*(row.history or []), event(actor, role, state, why, figure=row.figure)]
    session.flush()
    record(
        action,
        actor=actor.username,
        session=session,
        area_id=area_id,
        target=f"{cycle} {link}",
        before=before,
        after=_snap(row),
    )
    return row


def validations(area: str, cycle: str, *, session: Session) -> dict[str, dict]:
    """The recorded validations of an area and cycle: {link: {"state", "figure", "reason", "by", "role", "at",
    "history"}}."""
    c = find_cycle(area, cycle, session=session)
    rows = session.scalars(select(Validation).where(Validation.cycle_id == c.id))
    return {
        v.link: {
            "state": v.state,
            "figure": v.figure,
            "reason": v.reason,
            "by": v.set_by,
            "role": v.set_by_role,
            "at": v.set_at,
            "history": list(v.history or []),
        }
        for v in rows
    }


def effective(link: str, recorded: dict[str, dict], entries: list[dict]) -> dict:
    """A stage's or C's validation state now: the recorded one, else challenged while a challenge about it is not
    closed, else self-assessed."""
    got = recorded.get(link)
    if got and got["state"] != "self_assessed":
        return got
    if any(e["link"] == link and e["judgement"] == "challenges" and e["status"] != "closed" for e in entries):
        return {"state": "challenged", "figure": None, "reason": "", "by": "", "role": "", "at": None}
    return {"state": "self_assessed", "figure": None, "reason": "", "by": "", "role": "", "at": None}


def in_words(v: dict) -> str:
    """A validation state in words: 'Adjusted to 2.50 by scrut (scrutineer): reason'."""
    head = STATES[v["state"]]
    if v["state"] in ("self_assessed", "challenged"):
        return head
    fig = f" to {v['figure']:.2f}" if v["state"] == "adjusted" and v["figure"] is not None else ""
    if v["state"] == "disputed" and v["figure"] is not None:
        fig = f" (the scrutineer's figure {v['figure']:.2f})"
    who = f" by {v['by']}" + (f" ({v['role']})" if v["role"] else "") if v["by"] else ""
    return f"{head}{fig}{who}" + (f": {v['reason']}" if v["reason"] else "")


def short_words(v: dict) -> str:
    """A validation state for a table cell: 'Validated', 'Adjusted to 2.50', 'Disputed (scrutineer 2.50)'."""
    head = STATES[v["state"]]
    if v["state"] == "adjusted" and v["figure"] is not None:
        return f"{head} to {v['figure']:.2f}"
    if v["state"] == "disputed" and v["figure"] is not None:
        return f"{head} (scrutineer {v['figure']:.2f})"
    return head


def states_of(area: str, cycle: str, entries: list[dict], *, session: Session) -> dict[str, dict]:
    """The validation state now of every stage and C of an area and cycle ({link: state as effective() gives})."""
    recorded = validations(area, cycle, session=session)
    return {link: effective(link, recorded, entries) for link in LINKS}
