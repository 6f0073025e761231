"""The evidence log: notes that support or challenge a self-rating, and challenges answered, resolved or reopened."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from toolkit.core import ids
from toolkit.core.frameworks import Catalogue
from toolkit.scrutiny.fields import ScrutinyError, author, note_text
from toolkit.store.areas import find_cycle
from toolkit.store.audit import record
from toolkit.store.models import EvidenceEntry, utcnow

SOURCES = {"audit": "Audit", "document": "Document", "meeting": "Meeting", "case_review": "Case review"}
JUDGEMENTS = {"supports": "Supports the self-rating", "challenges": "Challenges the self-rating"}


@lru_cache(maxsize=4)
def link_options(cat: Catalogue) -> dict[str, str]:
    """Everything a note can be linked to, value -> label: stages, C's, Theory of Change nodes, then statements."""
    out = {f"stage:{s}": f"Stage: {ids.STAGE_NAMES[s]}" for s in ids.STAGES}
    out |= {f"c:{c.id}": f"C: {c.number}. {c.name}" for c in cat.twelve_cs.cs}
    out |= {f"toc:{n.id}": f"Theory of Change: {n.label}" for n in cat.toc.nodes}
    for fw in cat.rated:
        out |= {f"item:{fw.id}:{it.id}": f"Statement ({fw.id}): {it.text}" for it in fw.items}
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
    by: str,
    session: Session,
    cat: Catalogue,
    today: date | None = None,
) -> EvidenceEntry:
    """Record a note that supports or challenges the self-rating of a stage, C, Theory of Change node or statement."""
    if source not in SOURCES:
        raise ScrutinyError(f"source must be one of {', '.join(SOURCES)}, not {source!r}.")
    if judgement not in JUDGEMENTS:
        raise ScrutinyError(f"judgement must be supports or challenges, not {judgement!r}.")
    if link not in link_options(cat):
        raise ScrutinyError(f"{link!r} is not a stage, C, Theory of Change node or statement of the frameworks.")
    if not isinstance(seen_on, date):
        raise ScrutinyError("the date the evidence was seen is missing.")
    if seen_on > (today or date.today()):
        raise ScrutinyError(f"the evidence date {seen_on.isoformat()} is in the future.")
    c = find_cycle(area, cycle, session=session)
    entry = EvidenceEntry(
        cycle_id=c.id,
        note=note_text(note, "The note"),
        source=source,
        seen_on=seen_on,
        judgement=judgement,
        link=link,
        created_by=author(by),
        response="",
        resolution="",
        responded_by="",
        resolved_by="",
        resolved=False,
    )
    session.add(entry)
    session.flush()
    record(
        "evidence_logged",
        actor=entry.created_by,
        session=session,
        area_id=c.area_id,
        target=f"evidence #{entry.id}",
        after=_state(entry),
    )
    return entry


def _state(e: EvidenceEntry) -> dict:
    """What the audit log keeps of a note: its judgement, link and where a challenge stands."""
    return {
        "judgement": e.judgement,
        "link": e.link,
        "response": e.response,
        "resolved": e.resolved,
        "resolution": e.resolution,
    }


def _entry(entry_id: int, area: str, cycle: str, session: Session) -> tuple[EvidenceEntry, int]:
    """The note, only if it belongs to this area and cycle (an id from elsewhere is refused), and the area's id."""
    c = find_cycle(area, cycle, session=session)
    e = session.get(EvidenceEntry, entry_id) if isinstance(entry_id, int) else None
    if e is None or e.cycle_id != c.id:
        raise ScrutinyError(f"there is no evidence note {entry_id} for {area} {cycle}.")
    return e, c.area_id


def answer_challenge(
    entry_id: int, response: str, *, area: str, cycle: str, by: str, session: Session
) -> EvidenceEntry:
    """Record the partnership's answer to a challenge (replacing an earlier answer while it is open)."""
    e, area_id = _entry(entry_id, area, cycle, session)
    before = _state(e)
    if e.judgement != "challenges":
        raise ScrutinyError("only a challenge needs the partnership's answer.")
    if e.resolved:
        raise ScrutinyError("this challenge is resolved; reopen it before changing the answer.")
    e.response, e.responded_by, e.responded_at = note_text(response, "The answer"), author(by), utcnow()
    session.flush()
    record(
        "challenge_answered",
        actor=e.responded_by,
        session=session,
        area_id=area_id,
        target=f"evidence #{e.id}",
        before=before,
        after=_state(e),
    )
    return e


def resolve_challenge(
    entry_id: int, *, area: str, cycle: str, by: str, session: Session, note: str = ""
) -> EvidenceEntry:
    """Mark a challenge resolved, with the scrutineer's reason."""
    e, area_id = _entry(entry_id, area, cycle, session)
    before = _state(e)
    if e.judgement != "challenges":
        raise ScrutinyError("only a challenge can be resolved.")
    e.resolved, e.resolution, e.resolved_by, e.resolved_at = (
        True,
        note_text(note, "The reason", required=False),
        author(by),
        utcnow(),
    )
    session.flush()
    record(
        "challenge_resolved",
        actor=e.resolved_by,
        session=session,
        area_id=area_id,
        target=f"evidence #{e.id}",
        before=before,
        after=_state(e),
    )
    return e


def reopen_challenge(entry_id: int, *, area: str, cycle: str, by: str, session: Session) -> EvidenceEntry:
    """Open a resolved challenge again (the partnership's answer can then change)."""
    e, area_id = _entry(entry_id, area, cycle, session)
    if e.judgement != "challenges" or not e.resolved:
        raise ScrutinyError("only a resolved challenge can be reopened.")
    before = _state(e)
    e.resolved, e.resolved_at = False, None
    session.flush()
    record(
        "challenge_reopened",
        actor=author(by),
        session=session,
        area_id=area_id,
        target=f"evidence #{e.id}",
        before=before,
        after=_state(e),
    )
    return e


def evidence_log(area: str, cycle: str, *, session: Session) -> list[dict]:
    """Every note of an area and cycle, newest evidence first."""
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
            "resolved": e.resolved,
            "resolution": e.resolution,
            "resolved_by": e.resolved_by,
            "created_by": e.created_by,
        }
        for e in rows
    ]


def status_of(e: dict) -> str:
    """A note's state in words: supports; challenge open, answered or resolved."""
    if e["judgement"] == "supports":
        return "supports"
    if e["resolved"]:
        return "challenge resolved"
    return "challenge answered" if e["response"] else "challenge open"
