"""Carry-forward into the next cycle: the previous cycle's challenges not yet closed, and (if asked) its evidence
notes, copied with their attachments and marked as carried; and the cycle-on-cycle change of each judgement.

A carried note keeps its history, with one more step saying where it came from, and points back at the note it
was copied from; a note is never carried into the same cycle twice. The scrutineer carries (toolkit.access's
log_evidence for the area); every carry is audited.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from toolkit.access.accounts import Identity
from toolkit.access.scope import authorise, role_for
from toolkit.core import ids
from toolkit.core.frameworks import Catalogue
from toolkit.scrutiny.challenges import SCRUTINEER, event
from toolkit.scrutiny.evidence import evidence_log
from toolkit.scrutiny.fields import ScrutinyError
from toolkit.scrutiny.validation import LINKS, short_words, states_of
from toolkit.store.areas import CycleRef, previous_cycle, resolve_cycle
from toolkit.store.audit import record
from toolkit.store.models import EvidenceAttachment, EvidenceEntry


def _candidates(src: CycleRef, dst: CycleRef, with_evidence: bool, session: Session) -> list[EvidenceEntry]:
    done = set(session.scalars(select(EvidenceEntry.carried_from_id).where(EvidenceEntry.cycle_id == dst.cycle_id)))
    rows = session.scalars(
        select(EvidenceEntry).where(EvidenceEntry.cycle_id == src.cycle_id).order_by(EvidenceEntry.id)
    ).all()
    return [
        e
        for e in rows
        if e.id not in done
        and ((e.judgement == "challenges" and e.status != "closed") or (with_evidence and e.judgement == "supports"))
    ]


def to_carry(area: str, cycle: str, *, session: Session) -> dict:
    """What the previous cycle (in the cycles' own order) has to carry into this one: {"from": cycle name or None,
    "challenges": open challenges not yet carried, "evidence": supporting notes not yet carried}."""
    dst = resolve_cycle(area, cycle, session=session)
    src = previous_cycle(dst, session=session)
    if src is None:
        return {"from": None, "challenges": 0, "evidence": 0}
    got = _candidates(src, dst, True, session)
    return {
        "from": src.cycle,
        "challenges": sum(e.judgement == "challenges" for e in got),
        "evidence": sum(e.judgement == "supports" for e in got),
    }


def carry_forward(
    area: str, cycle: str, *, with_evidence: bool, actor: Identity | None, session: Session
) -> dict[str, int]:
    """Copy the previous cycle's open challenges (and its evidence notes, if asked) into this cycle, marked as
    carried, with their links and files; returns how many of each were carried."""
    dst = resolve_cycle(area, cycle, session=session)
    authorise(actor, SCRUTINEER, dst.area_id)
    assert actor is not None  # authorise refuses a visitor who is not signed in
    src = previous_cycle(dst, session=session)
    if src is None:
        raise ScrutinyError(f"{cycle} is the first cycle of {area}: there is nothing to carry forward.")
    role = role_for(actor, SCRUTINEER, dst.area_id)
    got = _candidates(src, dst, with_evidence, session)
    if not got:
        raise ScrutinyError(f"nothing in {src.cycle} is left to carry forward.")
    for e in got:
        new = EvidenceEntry(
            cycle_id=dst.cycle_id,
            note=e.note,
            source=e.source,
            seen_on=e.seen_on,
            judgement=e.judgement,
            link=e.link,
            response=e.response,
            responded_by=e.responded_by,
            responded_at=e.responded_at,
            resolved=False,
            resolution="",
            resolved_by="",
            created_by=e.created_by,
            owner=e.owner,
            due_on=e.due_on,
            status=e.status,
            closed_as="",
            carried_from_id=e.id,
            history=[
                *(e.history or []),
                event(actor, role, "carried", f"carried forward from {src.cycle} (note #{e.id})", from_cycle=src.cycle),
            ],
        )
        session.add(new)
        session.flush()
        files = session.scalars(
            select(EvidenceAttachment)
            .options(undefer(EvidenceAttachment.data))
            .where(EvidenceAttachment.evidence_id == e.id, EvidenceAttachment.withdrawn_at.is_(None))
            .order_by(EvidenceAttachment.id)
        )
        for a in files:
            session.add(
                EvidenceAttachment(
                    evidence_id=new.id,
                    kind=a.kind,
                    url=a.url,
                    title=a.title,
                    sha256=a.sha256,
                    content_type=a.content_type,
                    size=a.size,
                    data=a.data,
                    added_by=a.added_by,
                    added_by_role=a.added_by_role,
                    added_at=a.added_at,
                )
            )
    session.flush()
    counts = {
        "challenges": sum(e.judgement == "challenges" for e in got),
        "evidence": sum(e.judgement == "supports" for e in got),
    }
    record(
        "scrutiny_carried",
        actor=actor.username,
        session=session,
        area_id=dst.area_id,
        target=f"{src.cycle} -> {cycle}",
        after=counts | {"notes": [e.id for e in got]},
    )
    return counts


def judgement_change(area: str, cycle: str, *, session: Session, cat: Catalogue) -> list[dict]:
    """Each stage's and C's judgement in the previous cycle beside this cycle's, and whether it changed
    ([] for a first cycle)."""
    dst = resolve_cycle(area, cycle, session=session)
    src = previous_cycle(dst, session=session)
    if src is None:
        return []
    now = states_of(area, cycle, evidence_log(area, cycle, session=session), session=session)
    before = states_of(area, src.cycle, evidence_log(area, src.cycle, session=session), session=session)
    names = {f"stage:{s}": f"Stage: {ids.STAGE_NAMES[s]}" for s in ids.STAGES}
    names |= {f"c:{c.id}": f"C: {c.number}. {c.name}" for c in cat.twelve_cs.cs}
    return [
        {
            "about": names[link],
            "previous_cycle": src.cycle,
            "then": short_words(before[link]),
            "now": short_words(now[link]),
            "changed": short_words(before[link]) != short_words(now[link]),
        }
        for link in LINKS
    ]
