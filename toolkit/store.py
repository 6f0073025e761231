"""Typed SQLAlchemy 2 models of areas, cycles, respondents and ratings, and the repository functions over them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


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


# ---- repository functions -------------------------------------------------------------------


@dataclass(frozen=True)
class CycleSummary:
    cycle: str
    respondents: int


@dataclass(frozen=True)
class AreaSummary:
    area: str
    tags: dict
    fictional: bool
    cycles: list[CycleSummary]


class NotFound(LookupError):
    """An area or cycle that does not exist; the message says which."""


# Characters no name may hold: PostgreSQL cannot store NUL, and the others are invisible or break files.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # as ratings_io.CONTROL_CHARS
NAME_LIMITS = {"area": 200, "cycle": 100, "respondent": 100}


def check_name(value: object, what: str) -> str:
    """A name to store (area, cycle or respondent): text, not blank, within its column's length, no control characters.

    Raises ValueError with a message a person can act on (PostgreSQL would otherwise fail on the insert).
    """
    limit = NAME_LIMITS[what]
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"the {what} name is blank" if isinstance(value, str) or value is None else
                         f"the {what} name must be text, not {type(value).__name__}")  # fmt: skip
    if len(value) > limit:
        raise ValueError(f"the {what} name is {len(value)} characters long; the limit is {limit}")
    if _CONTROL.search(value):
        raise ValueError(f"the {what} name contains a control character; remove it")
    return value


def clean_text(value: str | None, limit: int | None = None) -> str:
    """Free text as stored: control characters (a NUL, which PostgreSQL refuses) removed, cut to the column's limit."""
    text = _CONTROL.sub("", value or "")
    return text[:limit] if limit else text


def findable(*values: object) -> bool:
    """Whether values can be looked up at all (a NUL would make PostgreSQL refuse the query): else nothing matches."""
    return all(isinstance(v, str) and "\x00" not in v for v in values)


def get_or_create_area(name: str, *, session: Session, tags: dict | None = None, fictional: bool = False) -> Area:
    """The area of that name, created if new (tags given for a new area are stored; an existing area's are merged)."""
    area = session.scalar(select(Area).where(Area.name == name)) if findable(name) else None
    if area is None:
        area = Area(name=check_name(name, "area"), tags=dict(tags or {}), context={}, fictional=fictional)
        session.add(area)
        session.flush()
    elif tags:
        area.tags = {**area.tags, **tags}
    return area


def get_or_create_cycle(area: Area, name: str, *, session: Session) -> Cycle:
    cycle = (
        session.scalar(select(Cycle).where(Cycle.area_id == area.id, Cycle.name == name)) if findable(name) else None
    )
    if cycle is None:
        cycle = Cycle(area_id=area.id, name=check_name(name, "cycle"))
        session.add(cycle)
        session.flush()
    return cycle


def find_area(name: str, *, session: Session) -> Area:
    area = session.scalar(select(Area).where(Area.name == name)) if findable(name) else None
    if area is None:
        known = session.scalars(select(Area.name).order_by(Area.name).limit(8)).all()
        hint = (
            f" Known areas include: {', '.join(known)}." if known else " There are no areas yet: import or create one."
        )
        raise NotFound(f"No area called {name!r}.{hint}")
    return area


def find_cycle(area_name: str, cycle_name: str, *, session: Session) -> Cycle:
    area = find_area(area_name, session=session)
    cycle = (
        session.scalar(select(Cycle).where(Cycle.area_id == area.id, Cycle.name == cycle_name))
        if findable(cycle_name)
        else None
    )
    if cycle is None:
        known = session.scalars(select(Cycle.name).where(Cycle.area_id == area.id).order_by(Cycle.name)).all()
        raise NotFound(f"Area {area_name!r} has no cycle {cycle_name!r}. Its cycles: {', '.join(known) or 'none'}.")
    return cycle


def list_areas(*, session: Session) -> list[AreaSummary]:
    """Every area with its tags, cycles and respondent counts, by name."""
    counts = session.execute(
        select(Cycle.area_id, Cycle.name, func.count(Respondent.id))
        .outerjoin(Respondent, Respondent.cycle_id == Cycle.id)
        .group_by(Cycle.id, Cycle.area_id, Cycle.name)
        .order_by(Cycle.name)
    ).all()
    by_area: dict[int, list[CycleSummary]] = {}
    for area_id, cycle, n in counts:
        by_area.setdefault(area_id, []).append(CycleSummary(cycle, n))
    return [
        AreaSummary(a.name, a.tags or {}, a.fictional, by_area.get(a.id, []))
        for a in session.scalars(select(Area).order_by(Area.name))
    ]


def upsert_respondent(cycle: Cycle, pseudonym: str, agency: str, level: str, *, session: Session) -> Respondent:
    """The respondent of that pseudonym in the cycle, created if new; their agency and level are fixed once set."""
    resp = session.scalar(select(Respondent).where(Respondent.cycle_id == cycle.id, Respondent.pseudonym == pseudonym)) if findable(pseudonym) else None  # fmt: skip
    if resp is None:
        resp = Respondent(cycle_id=cycle.id, pseudonym=check_name(pseudonym, "respondent"), agency=agency, level=level)
        session.add(resp)
        session.flush()
    elif (resp.agency, resp.level) != (agency, level):
        raise ValueError(
            f"respondent {pseudonym!r} is already recorded as {resp.agency}/{resp.level}, not {agency}/{level}"
        )
    return resp


def record_rating(
    respondent: Respondent,
    framework: str,
    item: str,
    score: int | None,
    comment: str = "",
    *,
    session: Session,
    by: str = "",
) -> Rating:
    """Save one answer; a changed answer keeps its earlier value in the history."""
    rating = session.scalar(
        select(Rating).where(Rating.respondent_id == respondent.id, Rating.framework == framework, Rating.item == item)
    )
    now = utcnow()
    if rating is None:
        rating = Rating(
            respondent_id=respondent.id, framework=framework, item=item, score=score, comment=comment, updated_at=now
        )
        session.add(rating)
    elif (rating.score, rating.comment) != (score, comment):
        session.add(
            RatingHistory(
                rating_id=rating.id,
                score=rating.score,
                comment=rating.comment,
                recorded_at=rating.updated_at,
                replaced_at=now,
                replaced_by=by or respondent.pseudonym,
            )
        )
        rating.score, rating.comment, rating.updated_at = score, comment, now
    session.flush()
    return rating


def rating_history(rating_id: int, *, session: Session) -> list[RatingHistory]:
    return list(
        session.scalars(select(RatingHistory).where(RatingHistory.rating_id == rating_id).order_by(RatingHistory.id))
    )


RATING_COLUMNS = ["respondent", "agency", "level", "framework", "item", "score", "comment"]


def ratings_frame(area: str, cycle: str, *, session: Session, with_comments: bool = True) -> pd.DataFrame:
    """The current ratings of one area and cycle as a long table (score is a nullable integer)."""
    c = find_cycle(area, cycle, session=session)
    cols = [Respondent.pseudonym, Respondent.agency, Respondent.level, Rating.framework, Rating.item, Rating.score]
    if with_comments:
        cols.append(Rating.comment)
    rows = session.execute(
        select(*cols).join(Rating, Rating.respondent_id == Respondent.id).where(Respondent.cycle_id == c.id)
    ).all()
    names = RATING_COLUMNS if with_comments else RATING_COLUMNS[:-1]
    df = pd.DataFrame(rows, columns=names)
    df["score"] = df["score"].astype("Int64")
    return df


def respondents_frame(area: str, cycle: str, *, session: Session) -> pd.DataFrame:
    """Every respondent of one area and cycle, including those who have not answered yet."""
    c = find_cycle(area, cycle, session=session)
    rows = session.execute(
        select(Respondent.pseudonym, Respondent.agency, Respondent.level).where(Respondent.cycle_id == c.id)
    ).all()
    return pd.DataFrame(rows, columns=["respondent", "agency", "level"])


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


ASSUMPTION_STATUSES = ("holds", "doubtful", "fails", "unknown")


def save_assumption(
    area: str, cycle: str, assumption: str, status: str, note: str = "", *, session: Session, by: str = ""
) -> None:
    """Record whether an assumption holds for this area and cycle (holds, doubtful, fails or unknown)."""
    if status not in ASSUMPTION_STATUSES:
        raise ValueError(f"status must be one of {', '.join(ASSUMPTION_STATUSES)}, not {status!r}")
    c = find_cycle(area, cycle, session=session)
    row = session.scalar(
        select(AssumptionReview).where(AssumptionReview.cycle_id == c.id, AssumptionReview.assumption == assumption)
    )
    note, by = clean_text(note), clean_text(by, 100)
    if row is None:
        row = AssumptionReview(cycle_id=c.id, assumption=assumption, status=status, note=note, updated_by=by)
        session.add(row)
    else:
        row.status, row.note, row.updated_at, row.updated_by = status, note, utcnow(), by
    session.flush()


def assumption_register(area: str, cycle: str, *, session: Session) -> dict[str, dict]:
    """The area's assumption judgements for a cycle: {assumption id: {"status", "note"}}."""
    c = find_cycle(area, cycle, session=session)
    rows = session.scalars(select(AssumptionReview).where(AssumptionReview.cycle_id == c.id))
    return {r.assumption: {"status": r.status, "note": r.note} for r in rows}


def previous_cycle(area: str, cycle: str, *, session: Session) -> str | None:
    """The cycle before this one (by name order, as cycles are named by year or round)."""
    a = find_area(area, session=session)
    names = sorted(session.scalars(select(Cycle.name).where(Cycle.area_id == a.id)))
    k = names.index(cycle) if cycle in names else -1
    return names[k - 1] if k > 0 else None


def cycle_version(area: str, cycle: str, *, session: Session) -> str:
    """A cheap token that changes whenever the cycle's ratings or assumption reviews change (for cache keys)."""
    c = find_cycle(area, cycle, session=session)
    n, latest = session.execute(
        select(func.count(Rating.id), func.max(Rating.updated_at))
        .join(Respondent, Respondent.id == Rating.respondent_id)
        .where(Respondent.cycle_id == c.id)
    ).one()
    a_n, a_latest = session.execute(
        select(func.count(AssumptionReview.id), func.max(AssumptionReview.updated_at)).where(
            AssumptionReview.cycle_id == c.id
        )
    ).one()
    return f"{c.id}:{n}:{latest}:{a_n}:{a_latest}"


def set_area_context(
    area: str, context: dict[str, str], tags: dict[str, str] | None = None, *, session: Session
) -> None:
    """Save an area's context notes (one per context factor) and, optionally, its tags."""
    a = find_area(area, session=session)
    a.context = {**(a.context or {}), **{k: v for k, v in context.items()}}
    if tags is not None:
        a.tags = {k: v for k, v in tags.items() if v}
    session.flush()


def respondent_answers(
    area: str, cycle: str, pseudonym: str, *, session: Session
) -> dict[tuple[str, str], tuple[int | None, str]]:
    """One respondent's current answers: {(framework, item): (score, comment)}."""
    c = find_cycle(area, cycle, session=session)
    rows = session.execute(
        select(Rating.framework, Rating.item, Rating.score, Rating.comment)
        .join(Respondent, Respondent.id == Rating.respondent_id)
        .where(Respondent.cycle_id == c.id, Respondent.pseudonym == pseudonym)
    )
    return {(f, i): (s, cm) for f, i, s, cm in rows}


def find_respondent(area: str, cycle: str, pseudonym: str, *, session: Session) -> Respondent | None:
    """The respondent of that pseudonym in the area and cycle, or None (also when the area or cycle is unknown)."""
    try:
        c = find_cycle(area, cycle, session=session)
    except NotFound:
        return None
    if not findable(pseudonym):
        return None
    return session.scalar(select(Respondent).where(Respondent.cycle_id == c.id, Respondent.pseudonym == pseudonym))


def delete_area(name: str, *, session: Session) -> bool:
    """Delete an area and everything under it (cycles, respondents, ratings, history, reviews); False if absent."""
    from sqlalchemy import delete

    area_id = session.scalar(select(Area.id).where(Area.name == name))
    if area_id is None:
        return False
    session.expunge_all()  # objects of the area would otherwise linger in this session's identity map
    session.execute(delete(Area).where(Area.id == area_id))  # the foreign keys cascade to everything below
    session.flush()
    return True


# ---- interventions: shortlist, APEASE appraisal, decisions and action plans ----------------------

from datetime import date  # noqa: E402

STEP_STATUSES = ("not_started", "in_progress", "done", "blocked")


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


def _catalogue(cat):
    if cat is not None:
        return cat
    from toolkit.catalogue import catalogue

    return catalogue()


def _known_intervention(intervention: str, cat) -> None:
    if intervention not in {iv.id for iv in _catalogue(cat).interventions}:
        raise ValueError(f"no intervention {intervention!r} in the intervention libraries")


def shortlist_add(area: str, cycle: str, intervention: str, *, session: Session, by: str = "", cat=None) -> None:
    """Put an intervention on the cycle's shortlist (again is a no-op), after those already there."""
    _known_intervention(intervention, cat)
    c = find_cycle(area, cycle, session=session)
    rows = session.scalars(select(ShortlistEntry).where(ShortlistEntry.cycle_id == c.id)).all()
    if any(r.intervention == intervention for r in rows):
        return
    position = max((r.position for r in rows), default=-1) + 1
    session.add(
        ShortlistEntry(cycle_id=c.id, intervention=intervention, position=position, added_by=clean_text(by, 100))
    )
    session.flush()


def shortlist_remove(area: str, cycle: str, intervention: str, *, session: Session) -> None:
    """Take an intervention off the shortlist; its APEASE scores stay, in case it comes back."""
    c = find_cycle(area, cycle, session=session)
    row = session.scalar(
        select(ShortlistEntry).where(ShortlistEntry.cycle_id == c.id, ShortlistEntry.intervention == intervention)
    )
    if row is not None:
        session.delete(row)
        session.flush()


def shortlist(area: str, cycle: str, *, session: Session) -> list[str]:
    """The shortlisted intervention ids of an area and cycle, in the order they were added."""
    c = find_cycle(area, cycle, session=session)
    q = select(ShortlistEntry.intervention).where(ShortlistEntry.cycle_id == c.id)
    return list(session.scalars(q.order_by(ShortlistEntry.position, ShortlistEntry.id)))


def record_apease(
    area: str, cycle: str, intervention: str, criterion: str, rater: str, score: int | None, note: str = "",
    *, session: Session, cat=None,
) -> None:  # fmt: skip
    """Save one rater's score (on apease.yaml's scale, or None for don't know); a new score replaces their old one."""
    from toolkit import ids

    if criterion not in ids.APEASE:
        raise ValueError(f"criterion must be one of {', '.join(ids.APEASE)}, not {criterion!r}")
    scale = _catalogue(cat).scale("apease")
    if score is not None and not (isinstance(score, int) and scale.min <= score <= scale.max):
        raise ValueError(f"score must be a whole number from {scale.min} to {scale.max}, or blank, not {score!r}")
    rater, note = clean_text(rater, 100), clean_text(note)  # a typed name: the column holds 100 characters
    if not rater.strip():
        raise ValueError("a score needs a rater (a pseudonym or the facilitator's name)")
    c = find_cycle(area, cycle, session=session)
    if intervention not in shortlist(area, cycle, session=session):
        raise ValueError(f"{intervention!r} is not on the shortlist of {area} {cycle}; shortlist it first")
    key = (c.id, intervention, criterion, rater)
    cols = (ApeaseScore.cycle_id, ApeaseScore.intervention, ApeaseScore.criterion, ApeaseScore.rater)
    row = session.scalar(select(ApeaseScore).where(*(col == v for col, v in zip(cols, key, strict=True))))
    if row is None:
        row = ApeaseScore(cycle_id=c.id, intervention=intervention, criterion=criterion, rater=rater)
        session.add(row)
    row.score, row.note, row.updated_at = score, note, utcnow()
    session.flush()


def apease_scores(area: str, cycle: str, *, session: Session) -> list[dict]:
    """Every current APEASE score of an area and cycle: intervention, criterion, rater, score, note, when."""
    c = find_cycle(area, cycle, session=session)
    rows = session.scalars(select(ApeaseScore).where(ApeaseScore.cycle_id == c.id).order_by(ApeaseScore.id))
    return [
        {"intervention": r.intervention, "criterion": r.criterion, "rater": r.rater, "score": r.score,
         "note": r.note, "when": r.updated_at}
        for r in rows
    ]  # fmt: skip


def record_decision(
    area: str, cycle: str, intervention: str, selected: bool, rationale: str = "", *, session: Session, by: str = "",
    cat=None,
) -> None:  # fmt: skip
    """Record whether an intervention is selected, and why; a later decision replaces the earlier one."""
    _known_intervention(intervention, cat)
    c = find_cycle(area, cycle, session=session)
    row = session.scalar(
        select(InterventionDecision).where(
            InterventionDecision.cycle_id == c.id, InterventionDecision.intervention == intervention
        )
    )
    if row is None:
        row = InterventionDecision(cycle_id=c.id, intervention=intervention)
        session.add(row)
    row.selected, row.decided_at = bool(selected), utcnow()
    row.rationale, row.decided_by = clean_text(rationale), clean_text(by, 100)
    session.flush()


def decisions(area: str, cycle: str, *, session: Session) -> dict[str, dict]:
    """{intervention: {"selected", "rationale", "by", "when"}} for an area and cycle."""
    c = find_cycle(area, cycle, session=session)
    rows = session.scalars(select(InterventionDecision).where(InterventionDecision.cycle_id == c.id))
    return {
        r.intervention: {"selected": r.selected, "rationale": r.rationale, "by": r.decided_by, "when": r.decided_at}
        for r in rows
    }


def add_goal(
    area: str, cycle: str, intervention: str, *, session: Session, title: str = "", toc_nodes: list[str] | None = None,
    items: list[dict] | None = None, by: str = "", cat=None,
) -> int:  # fmt: skip
    """Turn an intervention selected in this cycle into a goal of the cycle's plan; returns the goal id."""
    cat = _catalogue(cat)
    iv = next((i for i in cat.interventions if i.id == intervention), None)
    if iv is None:
        raise ValueError(f"no intervention {intervention!r} in the intervention libraries")
    if not decisions(area, cycle, session=session).get(intervention, {}).get("selected"):
        raise ValueError(f"{intervention!r} has not been selected in {area} {cycle}; record the decision first")
    nodes = list(iv.toc_nodes if toc_nodes is None else toc_nodes)
    unknown = [n for n in nodes if n not in cat.nodes]
    rated = {(fw.id, it) for fw in cat.rated for it in fw.item_index}
    bad_items = [i for i in items or [] if (i.get("framework"), i.get("item")) not in rated]
    if unknown or bad_items:
        raise ValueError(f"unknown Theory of Change nodes {unknown} or items {bad_items}")
    c = find_cycle(area, cycle, session=session)
    n = session.scalar(select(func.count(PlanGoal.id)).where(PlanGoal.cycle_id == c.id)) or 0
    goal = PlanGoal(
        cycle_id=c.id, intervention=intervention, title=clean_text(title) or iv.title, toc_nodes=nodes,
        items=[{"framework": i["framework"], "item": i["item"]} for i in items or []], set_in=cycle,
        position=n, created_by=by,
    )  # fmt: skip
    session.add(goal)
    session.flush()
    return goal.id


def _check_step(status: str, messenger: str | None, channel: str | None, cat) -> None:
    if status not in STEP_STATUSES:
        raise ValueError(f"status must be one of {', '.join(STEP_STATUSES)}, not {status!r}")
    guide = _catalogue(cat).get("implementation_guidance")
    if messenger and messenger not in {m.id for m in guide.messengers}:
        raise ValueError(f"no messenger {messenger!r} in the implementation guidance")
    if channel and channel not in {ch.id for ch in guide.channels}:
        raise ValueError(f"no channel {channel!r} in the implementation guidance")


def add_step(
    goal_id: int, text: str, *, session: Session, owner: str = "", messenger: str | None = None,
    channel: str | None = None, due: date | None = None, status: str = "not_started", by: str = "", cat=None,
) -> int:  # fmt: skip
    """Add a step to a goal (messenger and channel ids from implementation_guidance.yaml); returns the step id."""
    _check_step(status, messenger, channel, cat)
    goal = session.get(PlanGoal, goal_id)
    if goal is None:
        raise NotFound(f"No goal {goal_id}.")
    if not text.strip():
        raise ValueError("a step needs some text")
    step = PlanStep(
        goal_id=goal_id, position=len(goal.steps), text=clean_text(text), owner=clean_text(owner, 200), messenger=messenger or None,
        channel=channel or None, due=due, status=status, updated_by=by,
    )  # fmt: skip
    session.add(step)
    session.flush()
    session.refresh(goal)
    return step.id


_UNSET = object()


def update_step(
    step_id: int, *, session: Session, status: str | None = None, text: str | None = None, owner: str | None = None,
    messenger=_UNSET, channel=_UNSET, due=_UNSET, by: str = "", cat=None,
) -> None:  # fmt: skip
    """Change a step: its status, text, owner, messenger, channel or due date (pass None to clear those three)."""
    step = session.get(PlanStep, step_id)
    if step is None:
        raise NotFound(f"No step {step_id}.")
    new_messenger = step.messenger if messenger is _UNSET else messenger
    new_channel = step.channel if channel is _UNSET else channel
    _check_step(status or step.status, new_messenger, new_channel, cat)
    step.status = status or step.status
    step.text = step.text if text is None else clean_text(text)
    step.owner = step.owner if owner is None else clean_text(owner, 200)
    step.messenger, step.channel = new_messenger or None, new_channel or None
    step.due = step.due if due is _UNSET else due
    step.updated_by, step.updated_at = by, utcnow()
    session.flush()


def delete_goal(goal_id: int, *, session: Session) -> None:
    """Remove a goal and its steps from its plan."""
    goal = session.get(PlanGoal, goal_id)
    if goal is not None:
        session.delete(goal)
        session.flush()


def action_plan(area: str, cycle: str, *, session: Session) -> dict:
    """The action plan of an area in one cycle: its goals, each with its steps, in order."""
    c = find_cycle(area, cycle, session=session)
    goals = session.scalars(select(PlanGoal).where(PlanGoal.cycle_id == c.id).order_by(PlanGoal.position, PlanGoal.id))
    return {
        "area": area,
        "cycle": cycle,
        "goals": [
            {"id": g.id, "intervention": g.intervention, "title": g.title, "toc_nodes": list(g.toc_nodes or []),
             "items": list(g.items or []), "set_in": g.set_in, "carried_from": g.carried_from_id,
             "steps": [{"id": s.id, "text": s.text, "owner": s.owner, "messenger": s.messenger,
                        "channel": s.channel, "due": s.due, "status": s.status} for s in g.steps]}
            for g in goals
        ],
    }  # fmt: skip


def carry_plan_forward(area: str, from_cycle: str, to_cycle: str, *, session: Session, by: str = "") -> int:
    """Copy a cycle's plan into the next cycle (the old version is kept); returns how many goals were copied.

    Goals already carried into the new cycle are not copied twice.
    """
    src = find_cycle(area, from_cycle, session=session)
    dst = find_cycle(area, to_cycle, session=session)
    if src.id == dst.id:
        raise ValueError("a plan is carried into a different cycle")
    done = set(session.scalars(select(PlanGoal.carried_from_id).where(PlanGoal.cycle_id == dst.id)))
    n = session.scalar(select(func.count(PlanGoal.id)).where(PlanGoal.cycle_id == dst.id)) or 0
    copied = 0
    for g in session.scalars(select(PlanGoal).where(PlanGoal.cycle_id == src.id).order_by(PlanGoal.position)):
        if g.id in done:
            continue
        new = PlanGoal(
            cycle_id=dst.id, intervention=g.intervention, title=g.title, toc_nodes=list(g.toc_nodes or []),
            items=list(g.items or []), set_in=g.set_in, carried_from_id=g.id, position=n + copied, created_by=by,
        )  # fmt: skip
        new.steps = [
            PlanStep(position=s.position, text=s.text, owner=s.owner, messenger=s.messenger, channel=s.channel,
                     due=s.due, status=s.status, updated_by=s.updated_by)
            for s in g.steps
        ]  # fmt: skip
        session.add(new)
        copied += 1
    session.flush()
    return copied
