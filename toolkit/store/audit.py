"""The append-only audit log: every change of record says who, when, what, before and after."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from toolkit.store.models import AuditEntry, Cycle, utcnow

# Who acted when no account is signed in: the command line, or someone holding an invitation or join code.
CLI = "cli"
ANONYMOUS = "anonymous"


class AuditRecord(BaseModel):
    """One line of the audit log as readers see it."""

    model_config = ConfigDict(frozen=True)

    at: datetime
    actor: str
    action: str
    area_id: int | None
    target: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def record(
    action: str,
    *,
    actor: str,
    session: Session,
    area_id: int | None = None,
    target: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> None:
    """Append one change of record in the caller's transaction (so the change and its audit line stand or fall together)."""
    session.add(
        AuditEntry(
            at=at or utcnow(),
            actor=(actor or ANONYMOUS)[:120],
            action=action[:60],
            area_id=area_id,
            target=target[:200],
            before=before,
            after=after,
        )
    )
    session.flush()


def entries(
    *, session: Session, area_id: int | None = None, action: str | None = None, limit: int = 500
) -> list[AuditRecord]:
    """The newest audit lines first, optionally for one area or one kind of action."""
    q = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    if area_id is not None:
        q = q.where(AuditEntry.area_id == area_id)
    if action is not None:
        q = q.where(AuditEntry.action == action)
    return [
        AuditRecord(
            at=e.at, actor=e.actor, action=e.action, area_id=e.area_id, target=e.target, before=e.before, after=e.after
        )
        for e in session.scalars(q)
    ]


def area_of_cycle(cycle_id: int, *, session: Session) -> int | None:
    """The area a cycle belongs to, for audit lines of records that know only their cycle."""
    return session.scalar(select(Cycle.area_id).where(Cycle.id == cycle_id))
