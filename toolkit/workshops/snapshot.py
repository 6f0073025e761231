"""The figures the room was last shown: the newest reveal's snapshot, read back as published (never recomputed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from toolkit.analysis.area import analyse_frame
from toolkit.analysis.config import Config
from toolkit.analysis.results import AreaAnalysis
from toolkit.core.catalogue import catalogue as default_catalogue
from toolkit.store.models import WorkshopReveal
from toolkit.store.ratings import RATING_COLUMNS


@dataclass(frozen=True)
class Snapshot:
    """One reveal: its number, when it was made, and the room's figures and APEASE appraisal as then published."""

    number: int
    made_at: datetime
    results: AreaAnalysis
    appraisal: dict[str, dict]


def nothing_shown(area: str, cycle: str, cfg: Config) -> AreaAnalysis:
    """The analysis of no answers: what a workshop revealed before snapshots existed shows until it reveals again."""
    empty = pd.DataFrame({c: pd.Series(dtype=object) for c in RATING_COLUMNS[:-2]}).assign(
        score=pd.Series(dtype="Int64")
    )
    return analyse_frame(empty, default_catalogue(), cfg, area=area, cycle=cycle)


def latest_row(workshop_id: int, *, session: Session) -> WorkshopReveal | None:
    """The newest reveal's row (None before the first reveal)."""
    q = select(WorkshopReveal).where(WorkshopReveal.workshop_id == workshop_id)
    return session.scalar(q.order_by(WorkshopReveal.number.desc()).limit(1))


def latest_snapshot(workshop_id: int, *, session: Session) -> Snapshot | None:
    """What the room sees now: the newest reveal's figures (None before the first reveal)."""
    row = latest_row(workshop_id, session=session)
    if row is None:
        return None
    return Snapshot(row.number, row.made_at, AreaAnalysis.model_validate(row.figures), dict(row.appraisal or {}))


def reveals_made(workshop_id: int, *, session: Session) -> int:
    """How many snapshots the room has been shown (0 before the first reveal)."""
    q = select(func.count(WorkshopReveal.id)).where(WorkshopReveal.workshop_id == workshop_id)
    return session.scalar(q) or 0
