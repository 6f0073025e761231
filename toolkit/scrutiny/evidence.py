"""The evidence log: notes that support or challenge a self-rating, and challenges answered, resolved or reopened."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from toolkit.access.accounts import Identity
from toolkit.access.scope import authorise, role_for
from toolkit.core import ids
from toolkit.core.frameworks import Catalogue
from toolkit.scrutiny.challenges import SCRUTINEER, checked_due, checked_owner, event, overdue, state
from toolkit.scrutiny.fields import ScrutinyError, note_text
from toolkit.store.areas import find_cycle
from toolkit.store.audit import record
from toolkit.store.models import EvidenceEntry

SOURCES = {"audit": "Audit", "document": "Document", "meeting": "Meeting", "case_review": "Case review"}
CHECKLIST = "yearly_report"  # the checklist framework's id (toolkit.scrutiny.checklist reads it too)
JUDGEMENTS = {"supports": "Supports the self-rating", "challenges": "Challenges the self-rating"}


@lru_cache(maxsize=4)
def link_options(cat: Catalogue) -> dict[str, str]:
    """Everything a note can be linked to, value -> label: stages, C's, Theory of Change nodes, then statements."""
    out = {f"stage:{s}": f"Stage: {ids.STAGE_NAMES[s]}" for s in ids.STAGES}
    out |= {f"c:{c.id}": f"C: {c.number}. {c.name}" for c in cat.twelve_cs.cs}
    out |= {f"toc:{n.id}": f"Theory of Change: {n.label}" for n in cat.toc.nodes}
    for fw in cat.rated:
        out |= {f"item:{fw.id}:{it.id}": f"Statement ({fw.id}): {it.text}" for it in fw.items}
    if CHECKLIST in cat.frameworks:
        out |= {f"check:{c.id}": f"Yearly report checklist: {c.name}" for c in cat.get(CHECKLIST).criteria}
    return out


def link_label(link: str, cat: Catalogue) -> str:
    """A link in words (the raw value if the framework no longer has it)."""
    return link_options(cat).get(link, link)


def log_evidence(
    area: str,
    cycle: str,
    *,
    note: str,
    source: str,
    seen_on: date,
    judgement: str,
    link: str,
    actor: Identity | None,
    session: Session,
    cat: Catalogue,
    owner: str = "",
    due_on: date | None = None,
    today: date | None = None,
) -> EvidenceEntry:
    """Record a note that supports or challenges the self-rating of a stage, C, Theory of Change node, statement or
    checklist point. A challenge names its owner (an account of the partnership) and the date its answer is due."""
    c = find_cycle(area, cycle, session=session)
    authorise(actor, SCRUTINEER, c.area_id)
    assert actor is not None  # authorise refuses a visitor who is not signed in
    today = today or date.today()
    if source not in SOURCES:
        raise ScrutinyError(f"source must be one of {', '.join(SOURCES)}, not {source!r}.")
    if judgement not in JUDGEMENTS:
        raise ScrutinyError(f"judgement must be supports or challenges, not {judgement!r}.")
    if link not in link_options(cat):
        raise ScrutinyError(f"{link!r} is not a stage, C, Theory of Change node, statement or checklist point.")
    if not isinstance(seen_on, date):
        raise ScrutinyError("the date the evidence was seen is missing.")
    if seen_on > today:
        raise ScrutinyError(f"the evidence date {seen_on.isoformat()} is in the future.")
    text = note_text(note, "The note")
    challenge = judgement == "challenges"
    if challenge:
        owner, due_on = checked_owner(owner, c.area_id, session), checked_due(due_on, today)
    role = role_for(actor, SCRUTINEER, c.area_id)
    entry = EvidenceEntry(
        cycle_id=c.id,
        note=text,
        source=source,
        seen_on=seen_on,
        judgement=judgement,
        link=link,
        created_by=actor.username,
        response="",
        resolution="",
        responded_by="",
        resolved_by="",
        resolved=False,
        owner=owner if challenge else "",
        due_on=due_on if challenge else None,
        status="open" if challenge else "",
        closed_as="",
        history=[event(actor, role, "raised" if challenge else "logged", text)],
    )
    session.add(entry)
    session.flush()
    record(
        "evidence_logged",
        actor=actor.username,
        session=session,
        area_id=c.area_id,
        target=f"evidence #{entry.id}",
        after=state(entry),
    )
    return entry


def evidence_log(area: str, cycle: str, *, session: Session) -> list[dict]:
    """Every note of an area and cycle, newest evidence first, with its history and system timestamps."""
    c = find_cycle(area, cycle, session=session)
    rows = session.scalars(
        select(EvidenceEntry)
        .where(EvidenceEntry.cycle_id == c.id)
        .order_by(EvidenceEntry.seen_on.desc(), EvidenceEntry.id.desc())
    )
    return [
        {
            "id": e.id,
            "seen_on": e.seen_on,
            "source": e.source,
            "judgement": e.judgement,
            "link": e.link,
            "note": e.note,
            "response": e.response,
            "responded_by": e.responded_by,
            "resolved": e.status == "closed",
            "resolution": e.resolution,
            "resolved_by": e.resolved_by,
            "created_by": e.created_by,
            "created_at": e.created_at,
            "owner": e.owner,
            "due_on": e.due_on,
            "status": e.status,
            "closed_as": e.closed_as,
            "history": list(e.history or []),
            "carried_from_id": e.carried_from_id,
        }
        for e in rows
    ]


def status_of(e: dict, today: date | None = None) -> str:
    """A note's state in words: supports; challenge open (overdue), answered, resolved or withdrawn."""
    if e["judgement"] == "supports":
        return "supports"
    if e["status"] == "closed":
        return f"challenge {e['closed_as'] or 'closed'}"
    if overdue(e, today or date.today()):
        return "challenge open, overdue"
    return f"challenge {e['status'] or 'open'}"
