"""The scrutiny record's tables: evidence and its attachments, the decision trail, validations, the yearly-report
checklist and its assurance (re-exported by models)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from toolkit.store.base import Base, utcnow


class EvidenceEntry(Base):
    """A scrutineer's note on one self-rating: its source, date and whether it supports or challenges the rating."""

    __tablename__ = "scrutiny_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="CASCADE"), index=True)
    note: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(20))
    seen_on: Mapped[date] = mapped_column(Date)
    judgement: Mapped[str] = mapped_column(String(20))
    link: Mapped[str] = mapped_column(String(200))
    response: Mapped[str] = mapped_column(Text, default="")
    responded_by: Mapped[str] = mapped_column(String(100), default="")
    responded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)
    resolution: Mapped[str] = mapped_column(Text, default="")
    resolved_by: Mapped[str] = mapped_column(String(100), default="")
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_by: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # A challenge's owner (the account in the partnership that answers it), due date and status (open, answered,
    # closed; empty for a supporting note), how it was closed (resolved or withdrawn), and its full history of
    # edits and answers ([{"at", "by", "role", "action", "text", ...}], oldest first; append-only in toolkit.scrutiny).
    owner: Mapped[str] = mapped_column(String(100), default="")
    due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(12), default="")
    closed_as: Mapped[str] = mapped_column(String(12), default="")
    history: Mapped[list] = mapped_column(JSON, default=list)
    # The note or challenge of the previous cycle this one was carried forward from (None: raised in this cycle).
    carried_from_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class EvidenceAttachment(Base):
    """A link or a file attached to a note or challenge. A file's bytes are kept in the database under the SHA-256 of
    its content (its stored name): no path on disk is ever built from what a user sent, and every server of a
    multi-server install sees the same file. The name given on upload is kept, cleaned, for the download only."""

    __tablename__ = "scrutiny_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    evidence_id: Mapped[int] = mapped_column(ForeignKey("scrutiny_evidence.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # "link" or "file"
    url: Mapped[str] = mapped_column(Text, default="")
    title: Mapped[str] = mapped_column(String(200), default="")  # a link's words, or the file's cleaned name
    sha256: Mapped[str] = mapped_column(String(64), default="")  # a file's stored name: the hash of its bytes
    content_type: Mapped[str] = mapped_column(String(100), default="")
    size: Mapped[int] = mapped_column(Integer, default=0)
    data: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, deferred=True)
    added_by: Mapped[str] = mapped_column(String(100), default="")
    added_by_role: Mapped[str] = mapped_column(String(20), default="")
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    withdrawn_by: Mapped[str] = mapped_column(String(100), default="")
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class TrailEntry(Base):
    """A partner decision, the practice change it led to and the outcome seen, linked to Theory of Change nodes."""

    __tablename__ = "scrutiny_trail"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="CASCADE"), index=True)
    decision: Mapped[str] = mapped_column(Text)
    decided_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    practice_change: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(Text, default="")
    toc_nodes: Mapped[list] = mapped_column(JSON, default=list)
    created_by: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Validation(Base):
    """The scrutineer's validation of one stage's or C's self-rating (validated, or adjusted to the scrutineer's
    figure with a reason), or the partnership's dispute of it; every change kept in its history."""

    __tablename__ = "scrutiny_validations"
    __table_args__ = (UniqueConstraint("cycle_id", "link"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="CASCADE"), index=True)
    link: Mapped[str] = mapped_column(String(200))  # stage:<id> or c:<id>
    state: Mapped[str] = mapped_column(String(20))
    figure: Mapped[float | None] = mapped_column(Float, nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    set_by: Mapped[str] = mapped_column(String(100), default="")
    set_by_role: Mapped[str] = mapped_column(String(20), default="")
    set_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    history: Mapped[list] = mapped_column(JSON, default=list)


class ReportCheck(Base):
    """The scrutineer's judgement of one yearly-report checklist point for an area and cycle."""

    __tablename__ = "scrutiny_checks"
    __table_args__ = (UniqueConstraint("cycle_id", "criterion"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="CASCADE"), index=True)
    criterion: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    updated_by: Mapped[str] = mapped_column(String(100), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ReportAssurance(Base):
    """The yearly report's sign-off by the three partners and the scrutineer's covering statement."""

    __tablename__ = "scrutiny_assurance"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="CASCADE"), unique=True)
    signoffs: Mapped[dict] = mapped_column(JSON, default=dict)
    statement: Mapped[str] = mapped_column(Text, default="")
    statement_by: Mapped[str] = mapped_column(String(100), default="")
    statement_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
