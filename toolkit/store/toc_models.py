"""The table of a partnership's own Theory of Change versions (re-exported by models)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from toolkit.store.base import Base, utcnow


class TocVersion(Base):
    """One saved version of a partnership's own Theory of Change: the whole document, numbered from 1 per area.

    Versions are appended, never edited; the newest is the one in use. `cycle_id` is the cycle it was made in.
    """

    __tablename__ = "toc_versions"
    __table_args__ = (UniqueConstraint("area_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    cycle_id: Mapped[int | None] = mapped_column(ForeignKey("cycles.id", ondelete="SET NULL"), nullable=True)
    doc: Mapped[dict] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(120), default="")
