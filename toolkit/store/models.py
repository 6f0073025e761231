"""Every table of the toolkit as a typed SQLAlchemy 2 model, in one place (migrations and tests see the whole schema)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.expression import false

# The account tables sit in their own module; they are re-exported here so the whole schema reads from one name.
from toolkit.core.cycle_dates import default_start
from toolkit.core.ids import C_IDS
from toolkit.store.account_models import LoginSession as LoginSession
from toolkit.store.account_models import Membership as Membership
from toolkit.store.account_models import SignInThrottle as SignInThrottle
from toolkit.store.account_models import User as User
from toolkit.store.base import MAX_NAME as MAX_NAME
from toolkit.store.base import Base as Base
from toolkit.store.base import utcnow as utcnow
from toolkit.store.room_models import WorkshopComment as WorkshopComment
from toolkit.store.room_models import WorkshopPoints as WorkshopPoints
from toolkit.store.scrutiny_models import EvidenceAttachment as EvidenceAttachment
from toolkit.store.scrutiny_models import EvidenceEntry as EvidenceEntry
from toolkit.store.scrutiny_models import ReportAssurance as ReportAssurance
from toolkit.store.scrutiny_models import ReportCheck as ReportCheck
from toolkit.store.scrutiny_models import TrailEntry as TrailEntry
from toolkit.store.scrutiny_models import Validation as Validation
from toolkit.store.toc_models import TocVersion as TocVersion


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


def _default_start(ctx) -> date:
    """A new cycle's start date when none is given (toolkit.core.cycle_dates.default_start), for every insert."""
    params = ctx.get_current_parameters()
    return default_start(params.get("name") or "", params.get("created_at"))


class Cycle(Base):
    """One assessment round of an area, e.g. `2026` or `2026-baseline`."""

    __tablename__ = "cycles"
    __table_args__ = (UniqueConstraint("area_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # when the round began: the cycles' order ("previous cycle" follows it, contracts section 3); set on creation
    # (toolkit.store.cycle_dates.default_start when not given) and editable
    starts_on: Mapped[date] = mapped_column(Date, default=lambda ctx: _default_start(ctx))

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
    # Presenter-paced mode: "self" (each phone walks on its own) or "presenter" (the facilitator moves the room part
    # by part); the part on the phones now (a step key: a stage or a group of the 12 C's), and whether the projector
    # shows its live answers.
    pace: Mapped[str] = mapped_column(String(12), default="self", server_default="self")
    part: Mapped[str | None] = mapped_column(String(40), nullable=True)
    points_open: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # the room's 100 points


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
