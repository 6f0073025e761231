"""A partnership's review of each Theory of Change assumption in a cycle."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from toolkit.store.areas import CycleRef, clean_text
from toolkit.store.audit import record
from toolkit.store.models import AssumptionReview, utcnow

ASSUMPTION_STATUSES = ("holds", "doubtful", "fails", "unknown")


def save_assumption(
    ref: CycleRef, assumption: str, status: str, note: str = "", *, session: Session, by: str = ""
) -> None:
    """Record whether an assumption holds for this area and cycle (holds, doubtful, fails or unknown)."""
    if status not in ASSUMPTION_STATUSES:
        raise ValueError(f"status must be one of {', '.join(ASSUMPTION_STATUSES)}, not {status!r}")
    row = session.scalar(
        select(AssumptionReview).where(
            AssumptionReview.cycle_id == ref.cycle_id, AssumptionReview.assumption == assumption
        )
    )
    note, by = clean_text(note), clean_text(by, 100)
    before = None if row is None else {"status": row.status, "note": row.note}
    if row is None:
        row = AssumptionReview(cycle_id=ref.cycle_id, assumption=assumption, status=status, note=note, updated_by=by)
        session.add(row)
    else:
        row.status, row.note, row.updated_at, row.updated_by = status, note, utcnow(), by
    session.flush()
    record(
        "assumption",
        actor=by,
        session=session,
        area_id=ref.area_id,
        target=f"{ref.cycle} {assumption}",
        before=before,
        after={"status": status, "note": note},
    )


def assumption_register(ref: CycleRef, *, session: Session) -> dict[str, dict]:
    """The area's assumption judgements for a cycle: {assumption id: {"status", "note"}}."""
    rows = session.scalars(select(AssumptionReview).where(AssumptionReview.cycle_id == ref.cycle_id))
    return {r.assumption: {"status": r.status, "note": r.note} for r in rows}
