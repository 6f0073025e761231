"""Areas and cycles: names checked, found or created, listed, ordered, versioned and deleted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from toolkit.capture.validate import name_problem, nfc
from toolkit.core.cycle_dates import cycle_key, parse_start
from toolkit.core.text import CONTROL
from toolkit.store.audit import record
from toolkit.store.models import Area, AssumptionReview, Cycle, Rating, Respondent, TocVersion, Workshop

# ---- repository functions -------------------------------------------------------------------


@dataclass(frozen=True)
class CycleSummary:
    cycle: str
    respondents: int
    starts_on: date | None = None


@dataclass(frozen=True)
class AreaSummary:
    area: str
    tags: dict
    fictional: bool
    cycles: list[CycleSummary]


class NotFound(LookupError):
    """An area or cycle that does not exist; the message says which."""


@dataclass(frozen=True)
class CycleRef:
    """One cycle of one area, resolved once: ids for the queries, names for messages and output."""

    area_id: int
    cycle_id: int
    area: str
    cycle: str


def check_name(value: object, what: str) -> str:
    """A name to store (area, cycle or respondent), in NFC, under the one validator's rules (capture.validate): text,
    not blank, within its column's length, no control, line-break, invisible or bidirectional characters.

    Raises ValueError with a message a person can act on (PostgreSQL would otherwise fail on the insert).
    """
    if why := name_problem(what, value):
        raise ValueError(f"the {what} name {why}")
    return nfc(str(value))


def clean_text(value: str | None, limit: int | None = None) -> str:
    """Free text as stored: control characters (a NUL, which PostgreSQL refuses) removed, cut to the column's limit."""
    text = CONTROL.sub("", value or "")
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


def get_or_create_cycle(area: Area, name: str, *, session: Session, starts_on: object = None) -> Cycle:
    """The area's cycle of that name, created if new: starting `starts_on` (a date or YYYY-MM-DD; BadDate, saying why,
    if it is not one), else on toolkit.core.cycle_dates.default_start. An existing cycle keeps its date."""
    cycle = (
        session.scalar(select(Cycle).where(Cycle.area_id == area.id, Cycle.name == name)) if findable(name) else None
    )
    if cycle is None:
        when = parse_start(starts_on) if starts_on not in (None, "") else None
        cycle = Cycle(area_id=area.id, name=check_name(name, "cycle"))
        if when is not None:
            cycle.starts_on = when
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
    return _find_cycle(find_area(area_name, session=session), cycle_name, session=session)


def resolve_cycle(area: str, cycle: str, *, session: Session) -> CycleRef:
    """The area and cycle of those names, as a CycleRef; raises NotFound (saying which) as find_cycle does."""
    a = find_area(area, session=session)
    c = _find_cycle(a, cycle, session=session)
    return CycleRef(a.id, c.id, a.name, c.name)


def _find_cycle(area: Area, cycle_name: str, *, session: Session) -> Cycle:
    cycle = (
        session.scalar(select(Cycle).where(Cycle.area_id == area.id, Cycle.name == cycle_name))
        if findable(cycle_name)
        else None
    )
    if cycle is None:
        known = [c.name for c in ordered_cycles(area.id, session=session)]
        raise NotFound(f"Area {area.name!r} has no cycle {cycle_name!r}. Its cycles: {', '.join(known) or 'none'}.")
    return cycle


def list_areas(*, session: Session) -> list[AreaSummary]:
    """Every area with its tags, cycles (earliest first: ordered_cycles) and respondent counts, by name."""
    counts = session.execute(
        select(Cycle.area_id, Cycle.name, Cycle.id, Cycle.starts_on, func.count(Respondent.id))
        .outerjoin(Respondent, Respondent.cycle_id == Cycle.id)
        .group_by(Cycle.id, Cycle.area_id, Cycle.name, Cycle.starts_on)
    ).all()
    by_area: dict[int, list[tuple[tuple, CycleSummary]]] = {}
    for area_id, cycle, id_, starts, n in counts:
        by_area.setdefault(area_id, []).append((cycle_key(starts, cycle, id_), CycleSummary(cycle, n, starts)))
    return [
        AreaSummary(
            a.name, a.tags or {}, a.fictional, [c for _k, c in sorted(by_area.get(a.id, []), key=lambda x: x[0])]
        )
        for a in session.scalars(select(Area).order_by(Area.name))
    ]


def ordered_cycles(area_id: int, *, session: Session) -> list[Cycle]:
    """An area's cycles, earliest first: by start date, then name as read ("Round 9" before "Round 10"), then id."""
    cycles = session.scalars(select(Cycle).where(Cycle.area_id == area_id)).all()
    return sorted(cycles, key=lambda c: cycle_key(c.starts_on, c.name, c.id))


def area_cycles(area: str, *, session: Session) -> list[CycleRef]:
    """An area's cycles as CycleRefs, earliest first (NotFound, saying which, for an unknown area)."""
    a = find_area(area, session=session)
    return [CycleRef(a.id, c.id, a.name, c.name) for c in ordered_cycles(a.id, session=session)]


def previous_cycle(ref: CycleRef, *, session: Session) -> CycleRef | None:
    """The cycle before this one in the area's order (start date: ordered_cycles), never the order of names."""
    cycles = ordered_cycles(ref.area_id, session=session)
    ids_ = [c.id for c in cycles]
    k = ids_.index(ref.cycle_id) if ref.cycle_id in ids_ else -1
    return CycleRef(ref.area_id, cycles[k - 1].id, ref.area, cycles[k - 1].name) if k > 0 else None


def set_cycle_start(area: str, cycle: str, value: object, *, session: Session, by: str = "") -> date:
    """Change a cycle's start date (BadDate, saying why, when it is not a date); audited. Returns the date stored."""
    c = find_cycle(area, cycle, session=session)
    when = parse_start(value)
    before = c.starts_on
    if before != when:
        c.starts_on = when
        session.flush()
        record(
            "cycle_start",
            actor=by,
            session=session,
            area_id=c.area_id,
            target=c.name,
            before={"starts_on": before.isoformat() if before else None},
            after={"starts_on": when.isoformat()},
        )
    return when


def cycle_frozen(cycle_id: int, *, session: Session) -> bool:
    """Whether a closed workshop has made this cycle's ratings final."""
    q = select(Workshop.id).where(Workshop.cycle_id == cycle_id, Workshop.status == "closed").limit(1)
    return session.scalar(q) is not None


def cycle_version(ref: CycleRef, *, session: Session) -> str:
    """A cheap token that changes whenever the cycle's ratings, its assumption reviews or the area's own Theory of
    Change change (for cache keys)."""
    c = ref.cycle_id
    n, latest = session.execute(
        select(func.count(Rating.id), func.max(Rating.updated_at))
        .join(Respondent, Respondent.id == Rating.respondent_id)
        .where(Respondent.cycle_id == c)
    ).one()
    a_n, a_latest = session.execute(
        select(func.count(AssumptionReview.id), func.max(AssumptionReview.updated_at)).where(
            AssumptionReview.cycle_id == c
        )
    ).one()
    toc = session.scalar(select(func.max(TocVersion.number)).where(TocVersion.area_id == ref.area_id)) or 0
    return f"{c}:{n}:{latest}:{a_n}:{a_latest}:{toc}"


def set_area_context(
    area: str, context: dict[str, str], tags: dict[str, str] | None = None, *, session: Session, by: str = ""
) -> None:
    """Save an area's context notes (one per context factor) and, optionally, its tags."""
    a = find_area(area, session=session)
    before = {"context": dict(a.context or {}), "tags": dict(a.tags or {})}
    a.context = {**(a.context or {}), **{k: v for k, v in context.items()}}
    if tags is not None:
        a.tags = {k: v for k, v in tags.items() if v}
    session.flush()
    after = {"context": dict(a.context or {}), "tags": dict(a.tags or {})}
    if after != before:
        record("context", actor=by, session=session, area_id=a.id, target=a.name, before=before, after=after)


def delete_area(name: str, *, session: Session, by: str = "") -> bool:
    """Delete an area and everything under it (cycles, respondents, ratings, history, reviews); False if absent."""
    area_id = session.scalar(select(Area.id).where(Area.name == name))
    if area_id is None:
        return False
    cycles = sorted(session.scalars(select(Cycle.name).where(Cycle.area_id == area_id)))
    session.expunge_all()  # objects of the area would otherwise linger in this session's identity map
    session.execute(delete(Area).where(Area.id == area_id))  # the foreign keys cascade to everything below
    session.flush()
    record("area_deleted", actor=by, session=session, area_id=area_id, target=name, before={"cycles": cycles})
    return True
