"""The workshop room's tables: moderated comments from phones and the room's 100 points (re-exported by models)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from toolkit.store.base import Base, utcnow


class WorkshopComment(Base):
    """A short comment or question from a phone, shown on the projector only once the facilitator approves it.

    The participant is kept only so a removal takes their comments with it; no view shows who sent a comment."""

    __tablename__ = "workshop_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("workshop_participants.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(String(280))
    status: Mapped[str] = mapped_column(String(12), default="pending")  # pending, approved, rejected
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    moderated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    moderated_by: Mapped[str] = mapped_column(String(80), default="", server_default="")


class WorkshopPoints(Base):
    """The points one participant gives one shortlisted intervention (at most 100 over the shortlist)."""

    __tablename__ = "workshop_points"
    __table_args__ = (UniqueConstraint("workshop_id", "participant_id", "intervention"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("workshop_participants.id", ondelete="CASCADE"))
    intervention: Mapped[str] = mapped_column(String(100))
    points: Mapped[int] = mapped_column(Integer)
    given_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
