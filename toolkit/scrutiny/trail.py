"""The decision-to-outcome trail: a partner decision, the practice change it led to, and the outcome seen."""

# The Wood Report (2021) asks scrutiny to "trace a line between decisions taken by safeguarding partners and outcomes
# for children and improvements in multi-agency practice" (paragraph 139).

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from toolkit.access.accounts import Identity
from toolkit.access.scope import authorise
from toolkit.core.frameworks import Catalogue
from toolkit.scrutiny.fields import ScrutinyError, note_text
from toolkit.store.areas import find_cycle
from toolkit.store.audit import record
from toolkit.store.models import TrailEntry, utcnow


def _nodes(nodes: list[str], cat: Catalogue) -> list[str]:
    unknown = [n for n in nodes if n not in cat.nodes]
    if unknown:
        raise ScrutinyError(f"not Theory of Change nodes: {', '.join(unknown)}.")
    return list(dict.fromkeys(nodes))


def add_trail(
    area: str,
    cycle: str,
    *,
    decision: str,
    decided_on: date | None = None,
    practice_change: str = "",
    outcome: str = "",
    toc_nodes: list[str] | None = None,
    actor: Identity | None,
    session: Session,
    cat: Catalogue,
) -> TrailEntry:
    """Record a partner decision and, when known, the practice change it led to and the outcome seen, under the
    signed-in scrutineer's account (its id is what the trail keeps as who recorded it, never a typed name)."""
    c = find_cycle(area, cycle, session=session)
    authorise(actor, "log_evidence", c.area_id)
    assert actor is not None  # authorise refuses a visitor who is not signed in
    t = TrailEntry(
        cycle_id=c.id,
        decision=note_text(decision, "The decision"),
        decided_on=decided_on,
        practice_change=note_text(practice_change, "The practice change", required=False),
        outcome=note_text(outcome, "The outcome", required=False),
        toc_nodes=_nodes(toc_nodes or [], cat),
        created_by=actor.username,
    )
    session.add(t)
    session.flush()
    record(
        "trail_added", actor=t.created_by, session=session, area_id=c.area_id, target=f"trail #{t.id}", after=_state(t)
    )
    return t


def _state(t: TrailEntry) -> dict:
    """What the audit log keeps of a trail entry."""
    return {
        "decision": t.decision,
        "practice_change": t.practice_change,
        "outcome": t.outcome,
        "toc_nodes": list(t.toc_nodes or []),
    }


def update_trail(
    trail_id: int,
    *,
    area: str,
    cycle: str,
    practice_change: str,
    outcome: str,
    toc_nodes: list[str] | None = None,
    actor: Identity | None,
    session: Session,
    cat: Catalogue,
) -> TrailEntry:
    """Add or change what a decision led to: the practice change and the outcome seen (a scrutineer of the area)."""
    c = find_cycle(area, cycle, session=session)
    authorise(actor, "log_evidence", c.area_id)
    assert actor is not None
    t = session.get(TrailEntry, trail_id) if isinstance(trail_id, int) else None
    if t is None or t.cycle_id != c.id:  # an id from another area or cycle is refused like an unknown one
        raise ScrutinyError(f"there is no trail entry {trail_id} for {area} {cycle}.")
    before = _state(t)
    t.practice_change = note_text(practice_change, "The practice change", required=False)
    t.outcome = note_text(outcome, "The outcome", required=False)
    if toc_nodes is not None:
        t.toc_nodes = _nodes(toc_nodes, cat)
    t.updated_at = utcnow()
    session.flush()
    record(
        "trail_changed",
        actor=actor.username,
        session=session,
        area_id=c.area_id,
        target=f"trail #{t.id}",
        before=before,
        after=_state(t),
    )
    return t


def trail_stage(t: dict) -> str:
    """How far a decision has been traced: decision only, practice change seen, outcome seen."""
    if t["outcome"]:
        return "outcome seen"
    return "practice change seen" if t["practice_change"] else "decision only"


def trail(area: str, cycle: str, *, session: Session) -> list[dict]:
    """Every decision traced for an area and cycle, oldest decision first."""
    c = find_cycle(area, cycle, session=session)
    rows = session.scalars(select(TrailEntry).where(TrailEntry.cycle_id == c.id).order_by(TrailEntry.id))
    return [
        {
            "id": t.id,
            "decision": t.decision,
            "decided_on": t.decided_on,
            "practice_change": t.practice_change,
            "outcome": t.outcome,
            "toc_nodes": list(t.toc_nodes or []),
            "created_by": t.created_by,
        }
        for t in rows
    ]
