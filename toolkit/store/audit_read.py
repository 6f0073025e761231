"""Reading the audit log: its lines with area names, filtered by area or action, for the app and the command line."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from toolkit.store.areas import find_area
from toolkit.store.audit import entries
from toolkit.store.models import Area, AuditEntry


class AuditLine(BaseModel):
    """One audit line as an administrator reads it: the area by name (or its old number if it has gone)."""

    model_config = ConfigDict(frozen=True)

    at: datetime
    actor: str
    action: str
    area: str
    target: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    def change(self) -> str:
        """Before and after in one line of JSON."""
        return json.dumps({"before": self.before, "after": self.after}, ensure_ascii=False, default=str)


def audit_lines(
    *, session: Session, area: str | None = None, action: str | None = None, limit: int = 500
) -> list[AuditLine]:
    """The newest lines first, for one area (by name; an unknown one is refused) and one kind of action if given."""
    area_id = find_area(area, session=session).id if area else None
    names = {i: n for i, n in session.execute(select(Area.id, Area.name))}
    return [
        AuditLine(
            at=e.at,
            actor=e.actor,
            action=e.action,
            area="" if e.area_id is None else names.get(e.area_id, f"(deleted area {e.area_id})"),
            target=e.target,
            before=e.before,
            after=e.after,
        )
        for e in entries(session=session, area_id=area_id, action=action or None, limit=limit)
    ]


def audit_actions(*, session: Session) -> list[str]:
    """Every kind of action the log holds, in order."""
    return sorted(session.scalars(select(AuditEntry.action).distinct()))
