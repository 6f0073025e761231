"""The repository of a partnership's own Theory of Change: its versions, numbered per area, each a whole document.

Saving checks, in this order: the account may change the partnership's Theory of Change in that area (its
membership's role, `edit_toc`); the document is one the analysis can read (toolkit.analysis.toc_doc.problems); it
differs from the version in use. Then the version is appended and each difference is written to the audit log as
its own line (who, when, what, before and after), in the same transaction. Versions are never edited or deleted
(they go with their area).
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from toolkit.access.accounts import Identity
from toolkit.access.scope import authorise
from toolkit.analysis.toc_diff import TocChange, diff
from toolkit.analysis.toc_doc import TocDoc, TocEditError, kantar_doc, problems
from toolkit.store.areas import clean_text, find_area, find_cycle
from toolkit.store.audit import record
from toolkit.store.models import Cycle, TocVersion

EDIT = "edit_toc"
KANTAR = 0  # the number a comparison uses for Kantar's Theory of Change, every partnership's version 0


class TocVersionInfo(BaseModel):
    """A saved version as lists show it."""

    model_config = ConfigDict(frozen=True)

    number: int
    cycle: str | None
    note: str
    created_at: datetime
    created_by: str
    changes: int  # against the version before it (Kantar's for the first)


def latest_number(area_id: int, *, session: Session) -> int:
    """The number of the version in use (0: none saved, Kantar's is in use). Cheap: it keys the analysis cache."""
    return session.scalar(select(func.max(TocVersion.number)).where(TocVersion.area_id == area_id)) or 0


def current_doc(area_id: int, *, session: Session) -> TocDoc | None:
    """The partnership's Theory of Change in use, or None while it uses Kantar's unchanged."""
    row = session.scalar(
        select(TocVersion).where(TocVersion.area_id == area_id).order_by(TocVersion.number.desc()).limit(1)
    )
    return None if row is None else TocDoc.model_validate(row.doc)


def version_doc(area_id: int, number: int, *, session: Session, cat) -> TocDoc:
    """A version's document (number 0: Kantar's)."""
    if number == KANTAR:
        return kantar_doc(cat)
    row = session.scalar(select(TocVersion).where(TocVersion.area_id == area_id, TocVersion.number == number))
    if row is None:
        raise TocEditError(f"There is no version {number} of this partnership's Theory of Change.")
    return TocDoc.model_validate(row.doc)


def working_doc(area_id: int, *, session: Session, cat) -> TocDoc:
    """The document an edit starts from: the version in use, or Kantar's."""
    return current_doc(area_id, session=session) or kantar_doc(cat)


def versions(area_id: int, *, session: Session, cat) -> list[TocVersionInfo]:
    """Every saved version, oldest first, each with how many changes it made to the one before."""
    rows = session.execute(
        select(TocVersion, Cycle.name)
        .outerjoin(Cycle, Cycle.id == TocVersion.cycle_id)
        .where(TocVersion.area_id == area_id)
        .order_by(TocVersion.number)
    ).all()
    out, before = [], kantar_doc(cat)
    for r, cycle in rows:
        doc = TocDoc.model_validate(r.doc)
        out.append(
            TocVersionInfo(
                number=r.number,
                cycle=cycle,
                note=r.note,
                created_at=r.created_at,
                created_by=r.created_by,
                changes=len(diff(before, doc)),
            )
        )
        before = doc
    return out


def compare(area_id: int, old: int, new: int, *, session: Session, cat) -> list[TocChange]:
    """The changes from version `old` to version `new` (0: Kantar's)."""
    return diff(
        version_doc(area_id, old, session=session, cat=cat), version_doc(area_id, new, session=session, cat=cat)
    )


def save_version(
    area: str,
    doc: TocDoc,
    *,
    actor: Identity | None,
    session: Session,
    cat,
    cycle: str | None = None,
    note: str = "",
) -> TocVersionInfo:
    """Append `doc` as the partnership's next version of its Theory of Change, audited change by change."""
    a = find_area(area, session=session)
    authorise(actor, EDIT, a.id)
    found = problems(doc)
    if found:
        raise TocEditError("Not saved: " + " ".join(found))
    before = working_doc(a.id, session=session, cat=cat)
    changes = diff(before, doc)
    if not changes:
        raise TocEditError("Not saved: nothing differs from the version in use.")
    number = latest_number(a.id, session=session) + 1
    cycle_id = find_cycle(area, cycle, session=session).id if cycle else None
    by = clean_text(actor.username if actor else "", 120)
    row = TocVersion(
        area_id=a.id,
        number=number,
        cycle_id=cycle_id,
        doc=doc.model_dump(mode="json", by_alias=True),
        note=clean_text(note, 2000),
        created_by=by,
    )
    session.add(row)
    session.flush()
    for ch in changes:
        record(
            "toc_change",
            actor=by,
            session=session,
            area_id=a.id,
            target=f"v{number} {ch.kind} {ch.target}",
            before=ch.before,
            after={**(ch.after or {}), "change": ch.words} if ch.after else {"change": ch.words},
        )
    return TocVersionInfo(
        number=number,
        cycle=cycle,
        note=row.note,
        created_at=row.created_at,
        created_by=by,
        changes=len(changes),
    )
