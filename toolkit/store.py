"""Typed SQLAlchemy 2 models of areas, cycles, respondents and ratings, and the repository functions over them."""

from __future__ import annotations

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


def get_or_create_area(name: str, *, session: Session, tags: dict | None = None, fictional: bool = False) -> Area:
    """The area of that name, created if new (tags given for a new area are stored; an existing area's are merged)."""
    area = session.scalar(select(Area).where(Area.name == name))
    if area is None:
        area = Area(name=name, tags=dict(tags or {}), context={}, fictional=fictional)
        session.add(area)
        session.flush()
    elif tags:
        area.tags = {**area.tags, **tags}
    return area


def get_or_create_cycle(area: Area, name: str, *, session: Session) -> Cycle:
    cycle = session.scalar(select(Cycle).where(Cycle.area_id == area.id, Cycle.name == name))
    if cycle is None:
        cycle = Cycle(area_id=area.id, name=name)
        session.add(cycle)
        session.flush()
    return cycle


def find_area(name: str, *, session: Session) -> Area:
    area = session.scalar(select(Area).where(Area.name == name))
    if area is None:
        known = session.scalars(select(Area.name).order_by(Area.name).limit(8)).all()
        hint = (
            f" Known areas include: {', '.join(known)}." if known else " There are no areas yet: import or create one."
        )
        raise NotFound(f"No area called {name!r}.{hint}")
    return area


def find_cycle(area_name: str, cycle_name: str, *, session: Session) -> Cycle:
    area = find_area(area_name, session=session)
    cycle = session.scalar(select(Cycle).where(Cycle.area_id == area.id, Cycle.name == cycle_name))
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
    resp = session.scalar(select(Respondent).where(Respondent.cycle_id == cycle.id, Respondent.pseudonym == pseudonym))
    if resp is None:
        resp = Respondent(cycle_id=cycle.id, pseudonym=pseudonym, agency=agency, level=level)
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
    return session.scalar(select(Respondent).where(Respondent.cycle_id == c.id, Respondent.pseudonym == pseudonym))
