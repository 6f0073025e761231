"""Records of an area beyond its ratings and plans, in and out of a bundle as plain rows: scrutiny evidence, the
trail, checklist judgements, validations, sign-offs, the links and files attached to evidence (each file's bytes as
base64 inside its note, checked again on the way in), workshops with their participants and reveal snapshots (what the room was
shown, and what each figure stood on, so a later reveal there is checked as it would be here).

Each row holds every column of its table except the surrogate id and the links to its cycle, area or workshop
(the bundle's nesting carries those), so a column added to one of these tables travels without a change here.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Float, Integer, LargeBinary, String, Text, insert, select
from sqlalchemy.orm import Session

from toolkit.store.models import (
    EvidenceAttachment,
    EvidenceEntry,
    ReportAssurance,
    ReportCheck,
    TrailEntry,
    Validation,
    Workshop,
    WorkshopComment,
    WorkshopParticipant,
    WorkshopPoints,
    WorkshopReveal,
)

# The cycle-level parts: the bundle's key, the table, and the order rows are written in (stable across databases).
CYCLE_PARTS: dict[str, tuple[type, tuple[str, ...]]] = {
    "evidence": (EvidenceEntry, ("created_at", "link", "note")),
    "trail": (TrailEntry, ("created_at", "decision")),
    "checks": (ReportCheck, ("criterion",)),
    "assurance": (ReportAssurance, ("statement",)),
    "validations": (Validation, ("link",)),
}
# carried_from_id names a record of this database (the note a carried one came from): it means nothing elsewhere.
LINKS = {"id", "cycle_id", "area_id", "workshop_id", "participant_id", "evidence_id", "carried_from_id"}
ATTACHED = "attachments"  # the key, inside an evidence row, of the links and files attached to it
# What travels nested in each participant: their room comments and their points (the nesting carries who).
PERSON_PARTS: dict[str, tuple[type, tuple[str, ...]]] = {
    "comments": (WorkshopComment, ("sent_at", "text")),
    "points": (WorkshopPoints, ("intervention",)),
}
# A participant's resume secret (its hash) stays in the database it was issued by: a bundle is a copy for elsewhere,
# and a link must never resume anyone in another installation. Facilitators re-issue links there.
SECRETS = {"secret_hash"}


def _ts(dt: datetime | None) -> str | None:
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).isoformat()


def _columns(model: type) -> dict[str, Any]:
    return {c.key: c for c in model.__table__.columns if c.key not in LINKS | SECRETS}  # type: ignore[attr-defined]


def row_out(obj: object) -> dict[str, Any]:
    """One record as JSON-ready values (times as ISO text in UTC, dates as ISO dates)."""
    out: dict[str, Any] = {}
    for key in _columns(type(obj)):
        v = getattr(obj, key)
        if isinstance(v, bytes):
            out[key] = base64.b64encode(v).decode("ascii")
            continue
        out[key] = _ts(v) if isinstance(v, datetime) else v.isoformat() if isinstance(v, date) else v
    return out


def rows_out(model: type, where: Any, order: tuple[str, ...], *, session: Session) -> list[dict[str, Any]]:
    """Every record of a table matching `where`, in a stable order."""
    cols = [getattr(model, k) for k in order] + [model.id]  # type: ignore[attr-defined]
    return [row_out(r) for r in session.scalars(select(model).where(where).order_by(*cols))]


def cycle_parts_out(cycle_id: int, *, session: Session) -> dict[str, Any]:
    """The cycle's scrutiny records and workshops (each with its participants)."""
    out: dict[str, Any] = {
        key: rows_out(model, model.cycle_id == cycle_id, order, session=session)  # type: ignore[attr-defined]
        for key, (model, order) in CYCLE_PARTS.items()
        if key != "evidence"
    }
    notes = session.scalars(
        select(EvidenceEntry)
        .where(EvidenceEntry.cycle_id == cycle_id)
        .order_by(EvidenceEntry.created_at, EvidenceEntry.link, EvidenceEntry.note, EvidenceEntry.id)
    ).all()
    out["evidence"] = [
        {
            **row_out(e),
            ATTACHED: [
                row_out(a)
                for a in session.scalars(
                    select(EvidenceAttachment)
                    .where(EvidenceAttachment.evidence_id == e.id)
                    .order_by(EvidenceAttachment.id)
                )
            ],
        }
        for e in notes
    ]
    workshops = session.scalars(select(Workshop).where(Workshop.cycle_id == cycle_id).order_by(Workshop.code)).all()
    out["workshops"] = [
        {
            **row_out(w),
            "participants": [
                {
                    **row_out(p),
                    **{
                        key: rows_out(model, model.participant_id == p.id, order, session=session)  # type: ignore[attr-defined]
                        for key, (model, order) in PERSON_PARTS.items()
                    },
                }
                for p in session.scalars(
                    select(WorkshopParticipant)
                    .where(WorkshopParticipant.workshop_id == w.id)
                    .order_by(WorkshopParticipant.pseudonym, WorkshopParticipant.id)
                )
            ],
            "reveals": rows_out(WorkshopReveal, WorkshopReveal.workshop_id == w.id, ("number",), session=session),
        }
        for w in workshops
    ]
    return out


def _problems(model: type, row: dict[str, Any], where: str) -> list[str]:
    """What is wrong with a row before it is written: unknown or missing columns, values of the wrong kind."""
    cols = _columns(model)
    problems = [f"{where}: unknown field {k!r}" for k in row if k not in cols]
    for key, col in cols.items():
        if key not in row:
            if not (col.nullable or col.default is not None):
                problems.append(f"{where}: {key} is missing")
            continue
        v, kind = row[key], col.type
        if v is None:
            ok = bool(col.nullable)
        elif isinstance(kind, DateTime):
            ok = isinstance(v, str) and _parses(datetime.fromisoformat, v)
        elif isinstance(kind, Date):
            ok = isinstance(v, str) and _parses(date.fromisoformat, v)
        elif isinstance(kind, LargeBinary):
            ok = isinstance(v, str) and _decodes(v)
        elif isinstance(kind, Boolean):
            ok = isinstance(v, bool)
        elif isinstance(kind, Float):
            ok = isinstance(v, int | float) and not isinstance(v, bool)
        elif isinstance(kind, Integer):
            ok = isinstance(v, int) and not isinstance(v, bool)
        elif isinstance(kind, String | Text):
            limit = getattr(kind, "length", None)
            ok = isinstance(v, str) and (limit is None or len(v) <= limit)
        else:  # JSON
            ok = isinstance(v, dict | list)
        if not ok:
            problems.append(f"{where}: {key} has a value of the wrong kind or length")
    return problems


def _decodes(text: str) -> bool:
    try:
        base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


def _attachment_problems(row: dict[str, Any], where: str) -> list[str]:
    """An attached link or file as it arrives in a bundle: its columns, and a file's bytes checked as on upload."""
    from toolkit.scrutiny.attachments import check_file, check_url  # the one rule for what may be attached
    from toolkit.scrutiny.fields import ScrutinyError

    problems = _problems(EvidenceAttachment, row, where)
    if problems:
        return problems
    try:
        if row.get("kind") == "link":
            check_url(row.get("url", ""))
        elif row.get("kind") == "file":
            data = base64.b64decode(row.get("data") or "", validate=True)
            check_file(row.get("title", ""), data)
            if hashlib.sha256(data).hexdigest() != row.get("sha256") or len(data) != row.get("size"):
                problems.append(f"{where}: the file does not match its hash or size")
        else:
            problems.append(f"{where}: kind must be link or file")
    except ScrutinyError as exc:
        problems.append(f"{where}: {exc}")
    return problems


def _parses(parse: Any, text: str) -> bool:
    try:
        parse(text)
    except ValueError:
        return False
    return True


def check_cycle_parts(cycle: str, parts: dict[str, Any], *, session: Session) -> list[str]:
    """Problems in a cycle's scrutiny records and workshops, including workshop codes this database already uses."""
    problems: list[str] = []
    for key, (model, _order) in CYCLE_PARTS.items():
        for k, row in enumerate(parts.get(key) or []):
            row = dict(row) if isinstance(row, dict) else {}
            attached = row.pop(ATTACHED, []) if key == "evidence" else []
            problems += _problems(model, row, f"cycle {cycle}, {key} {k + 1}")
            if not isinstance(attached, list):
                problems.append(f"cycle {cycle}, {key} {k + 1}: {ATTACHED} is not a list")
                continue
            for j, a in enumerate(attached):
                where = f"cycle {cycle}, {key} {k + 1}, attachment {j + 1}"
                problems += _attachment_problems(a, where) if isinstance(a, dict) else [f"{where}: not a record"]
    for k, w in enumerate(parts.get("workshops") or []):
        w = dict(w)
        people, reveals = w.pop("participants", []), w.pop("reveals", [])
        problems += _problems(Workshop, w, f"cycle {cycle}, workshop {k + 1}")
        for j, p in enumerate(people if isinstance(people, list) else []):
            where = f"cycle {cycle}, workshop {k + 1}, participant {j + 1}"
            if not isinstance(p, dict):
                problems.append(f"{where}: not a record")
                continue
            p = dict(p)
            for key, (model, _order) in PERSON_PARTS.items():
                rows = p.pop(key, [])
                for i, r in enumerate(rows if isinstance(rows, list) else []):
                    problems += _problems(model, r, f"{where}, {key[:-1]} {i + 1}")
                if not isinstance(rows, list):
                    problems.append(f"{where}: {key} is not a list")
            problems += _problems(WorkshopParticipant, p, where)
        for j, r in enumerate(reveals if isinstance(reveals, list) else []):
            problems += _problems(WorkshopReveal, r, f"cycle {cycle}, workshop {k + 1}, reveal {j + 1}")
        if isinstance(w.get("code"), str) and session.scalar(select(Workshop.id).where(Workshop.code == w["code"])):
            problems.append(f"cycle {cycle}: the workshop code {w['code']} is already used in this database")
    return problems


def _row_in(model: type, row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, col in _columns(model).items():
        if key not in row:
            continue
        v = row[key]
        if v is not None and isinstance(col.type, LargeBinary):
            v = base64.b64decode(v)
        elif v is not None and isinstance(col.type, DateTime):
            v = datetime.fromisoformat(v)
        elif v is not None and isinstance(col.type, Date):
            v = date.fromisoformat(v)
        out[key] = v
    return out


def cycle_parts_in(area_id: int, cycle_id: int, parts: dict[str, Any], *, session: Session) -> int:
    """Write a cycle's scrutiny records and workshops (checked first); returns the number of records written."""
    n = 0
    for key, (model, _order) in CYCLE_PARTS.items():
        if key == "evidence":
            for r in parts.get(key) or []:
                eid = session.scalar(
                    insert(EvidenceEntry)
                    .values(cycle_id=cycle_id, **_row_in(EvidenceEntry, r))
                    .returning(EvidenceEntry.id)
                )
                attached = [{"evidence_id": eid, **_row_in(EvidenceAttachment, a)} for a in r.get(ATTACHED) or []]
                if attached:
                    session.execute(insert(EvidenceAttachment), attached)
                n += 1 + len(attached)
            continue
        values = [{"cycle_id": cycle_id, **_row_in(model, r)} for r in parts.get(key) or []]
        if values:
            session.execute(insert(model), values)
            n += len(values)
    for w in parts.get("workshops") or []:
        w = dict(w)
        people, reveals = w.pop("participants", []), w.pop("reveals", [])
        wid = session.scalar(
            insert(Workshop).values(area_id=area_id, cycle_id=cycle_id, **_row_in(Workshop, w)).returning(Workshop.id)
        )
        n += 1
        for p in people:
            p = dict(p)
            nested = {key: p.pop(key, []) for key in PERSON_PARTS}
            pid = session.scalar(
                insert(WorkshopParticipant)
                .values(workshop_id=wid, **_row_in(WorkshopParticipant, p))
                .returning(WorkshopParticipant.id)
            )
            n += 1
            for key, (model, _order) in PERSON_PARTS.items():
                values = [{"workshop_id": wid, "participant_id": pid, **_row_in(model, r)} for r in nested[key]]
                if values:
                    session.execute(insert(model), values)
                n += len(values)
        values = [{"workshop_id": wid, **_row_in(WorkshopReveal, r)} for r in reveals]
        if values:
            session.execute(insert(WorkshopReveal), values)
        n += len(values)
    return n
