"""Every table of the toolkit as a typed SQLAlchemy 2 model, in one place (migrations and tests see the whole schema)."""

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
from sqlalchemy.orm import Mapped, mapped_column, relationship

# The account tables sit in their own module; they are re-exported here so the whole schema reads from one name.
from toolkit.core.ids import C_IDS
from toolkit.store.account_models import LoginSession as LoginSession
from toolkit.store.account_models import Membership as Membership
from toolkit.store.account_models import SignInThrottle as SignInThrottle
from toolkit.store.account_models import User as User
from toolkit.store.base import MAX_NAME as MAX_NAME
from toolkit.store.base import Base as Base
from toolkit.store.base import utcnow as utcnow


class Area(Base):
    """A safeguarding partnership, with descriptive tags (nation, type, footprint) and its context notes."""

    __tablename__ = "areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    tags: Mapped[dict] = mapped_column(JSON, default=dict)
    context: Mapped[dict] = mapped_column(JSON, default=dict)
    fictional: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    cycles: Mapped[list[Cycle]] = relationship(back_populates="area", cascade="all, delete-orphan")


class Cycle(Base):
    """One assessment round of an area, e.g. `2026` or `2026-baseline`."""

    __tablename__ = "cycles"
    __table_args__ = (UniqueConstraint("area_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    area: Mapped[Area] = relationship(back_populates="cycles")


class Respondent(Base):
    """A pseudonymous person answering in one cycle, at one level, for one agency."""

    __tablename__ = "respondents"
    __table_args__ = (UniqueConstraint("cycle_id", "pseudonym"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="CASCADE"), index=True)
    pseudonym: Mapped[str] = mapped_column(String(100))
    agency: Mapped[str] = mapped_column(String(40))
    level: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # sha256 of the secret in their resume link (/assess?k=...); the pseudonym above is shown and grants nothing
    secret_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)


class Rating(Base):
    """The latest rating of one item by one respondent; a blank score is "don't know"."""

    __tablename__ = "ratings"
    __table_args__ = (UniqueConstraint("respondent_id", "framework", "item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    respondent_id: Mapped[int] = mapped_column(ForeignKey("respondents.id", ondelete="CASCADE"))
    framework: Mapped[str] = mapped_column(String(80))
    item: Mapped[str] = mapped_column(String(80))
    score: Mapped[int | None] = mapped_column(Integer, nullable=True)
    comment: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RatingHistory(Base):
    """An earlier value of a rating, kept when it changes (who changed it, when)."""

    __tablename__ = "rating_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    rating_id: Mapped[int] = mapped_column(ForeignKey("ratings.id", ondelete="CASCADE"), index=True)
    score: Mapped[int | None] = mapped_column(Integer, nullable=True)
    comment: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    replaced_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    replaced_by: Mapped[str] = mapped_column(String(100), default="")


class AssumptionReview(Base):
    """A partnership's judgement of one Theory of Change assumption in one cycle, with its evidence."""

    __tablename__ = "assumption_reviews"
    __table_args__ = (UniqueConstraint("cycle_id", "assumption"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="CASCADE"), index=True)
    assumption: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(100), default="")


class ShortlistEntry(Base):
    """An intervention an area has shortlisted in one cycle, to appraise with APEASE."""

    __tablename__ = "shortlist_entries"
    __table_args__ = (UniqueConstraint("cycle_id", "intervention"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="CASCADE"), index=True)
    intervention: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer, default=0)
    added_by: Mapped[str] = mapped_column(String(100), default="")
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ApeaseScore(Base):
    """One rater's score of a shortlisted intervention on one APEASE criterion; blank is don't know."""

    __tablename__ = "apease_scores"
    __table_args__ = (UniqueConstraint("cycle_id", "intervention", "criterion", "rater"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="CASCADE"), index=True)
    intervention: Mapped[str] = mapped_column(String(80))
    criterion: Mapped[str] = mapped_column(String(40))
    rater: Mapped[str] = mapped_column(String(100))
    score: Mapped[int | None] = mapped_column(Integer, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class InterventionDecision(Base):
    """Whether an area selected a shortlisted intervention in a cycle, why, who decided and when."""

    __tablename__ = "intervention_decisions"
    __table_args__ = (UniqueConstraint("cycle_id", "intervention"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="CASCADE"), index=True)
    intervention: Mapped[str] = mapped_column(String(80))
    selected: Mapped[bool] = mapped_column(Boolean)
    rationale: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[str] = mapped_column(String(100), default="")
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PlanGoal(Base):
    """A goal of an area's action plan in one cycle: a selected intervention, its ToC nodes and the items to move."""

    __tablename__ = "plan_goals"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="CASCADE"), index=True)
    intervention: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(Text)
    toc_nodes: Mapped[list] = mapped_column(JSON, default=list)
    items: Mapped[list] = mapped_column(JSON, default=list)  # [{"framework", "item"}]
    set_in: Mapped[str] = mapped_column(String(100))  # the cycle the goal was first set in
    carried_from_id: Mapped[int | None] = mapped_column(ForeignKey("plan_goals.id", ondelete="SET NULL"), nullable=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    steps: Mapped[list[PlanStep]] = relationship(
        cascade="all, delete-orphan", order_by="PlanStep.position", passive_deletes=True
    )


class PlanStep(Base):
    """One step towards a goal: who owns it, the messenger and channel, when it is due and where it stands."""

    __tablename__ = "plan_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("plan_goals.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200), default="")  # an agency id or a role
    messenger: Mapped[str | None] = mapped_column(String(80), nullable=True)
    channel: Mapped[str | None] = mapped_column(String(80), nullable=True)
    due: Mapped[date | None] = mapped_column(nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="not_started")
    updated_by: Mapped[str] = mapped_column(String(100), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


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


class Workshop(Base):
    """A facilitated session for one area and cycle: its join code, what the room rates, and where it stands."""

    __tablename__ = "workshops"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    title: Mapped[str] = mapped_column(String(120), default="")
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"), index=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="CASCADE"), index=True)
    frameworks: Mapped[list] = mapped_column(JSON, default=list)
    stages: Mapped[list] = mapped_column(JSON, default=list)
    form: Mapped[str] = mapped_column(String(8), default="full", server_default="full")  # "short" or "full"
    # The 12 C's in scope (create_workshop stores none when the C's are not rated); a row written without it, such as
    # a workshop in a bundle made before scopes, rated every C.
    cs: Mapped[list] = mapped_column(JSON, default=lambda: list(C_IDS))
    status: Mapped[str] = mapped_column(String(12), default="open")
    appraisal_open: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revealed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    roster: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # expected joins {"agency:police": 4, ...}


class WorkshopParticipant(Base):
    """Someone in the room: a pseudonymous id (their respondent id in the cycle), agency, level, optional name."""

    __tablename__ = "workshop_participants"
    __table_args__ = (UniqueConstraint("workshop_id", "pseudonym"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"), index=True)
    pseudonym: Mapped[str] = mapped_column(String(100))
    agency: Mapped[str] = mapped_column(String(40))
    level: Mapped[str] = mapped_column(String(20))
    display_name: Mapped[str] = mapped_column(String(MAX_NAME), default="")
    joined_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_active: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    secret_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)  # of the link's k=


class WorkshopReveal(Base):
    """What the room was shown at one reveal: its figures, frozen, and what each respondent's figures stood on."""

    __tablename__ = "workshop_reveals"
    __table_args__ = (UniqueConstraint("workshop_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # 1 for the first reveal, then 2, 3...
    made_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    made_by: Mapped[str] = mapped_column(String(120), default="")
    figures: Mapped[dict] = mapped_column(JSON, default=dict)  # the room's analysis as published (no raw answers)
    appraisal: Mapped[dict] = mapped_column(JSON, default=dict)  # the room's APEASE figures as published
    basis: Mapped[dict] = mapped_column(JSON, default=dict)  # server only: per respondent, measure: [unit, value]


class Invitation(Base):
    """A self-assessment invitation for one area and cycle: a link's secret (hashed), an expiry and a cap on uses."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="CASCADE"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(120), default="")
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    max_uses: Mapped[int] = mapped_column(Integer)
    uses: Mapped[int] = mapped_column(Integer, default=0)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_by: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditEntry(Base):
    """One change of record, appended and never edited: who, when, what, and the values before and after."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(60), index=True)
    area_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)  # kept when the area goes
    target: Mapped[str] = mapped_column(String(200), default="")
    before: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict | None] = mapped_column(JSON, nullable=True)


metadata = Base.metadata
