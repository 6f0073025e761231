"""The one write path for ratings: the latest counts, earlier values are kept (who, when, by which path), and a
cycle a closed workshop made final is refused. Self-assessment, workshops, ratings files and bundles all use it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple, Protocol

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from toolkit.store.areas import cycle_frozen
from toolkit.store.audit import ANONYMOUS, record
from toolkit.store.models import Cycle, Rating, RatingHistory, Respondent, metadata, utcnow

# Core tables (not the ORM classes) for the bulk inserts: see write_ratings.
RATINGS = metadata.tables[Rating.__tablename__]
HISTORY = metadata.tables[RatingHistory.__tablename__]
RESPONDENTS = metadata.tables[Respondent.__tablename__]
IN_LIMIT = 500  # respondent ids per query (SQLite allows a few hundred bound values at least)


class StoredHistory(Protocol):
    """An earlier value of a rating as a record keeps it."""

    score: int | None
    comment: str
    recorded_at: str | None
    replaced_at: str | None
    replaced_by: str


class StoredRating(Protocol):
    """A rating as a record keeps it: its latest value, when, and its earlier values."""

    framework: str
    item: str
    score: int | None
    comment: str
    updated_at: str | None
    history: list  # of StoredHistory (a Protocol attribute cannot be a list of a Protocol and stay assignable)


class StoredRespondent(Protocol):
    """A respondent as a record keeps them, with their ratings."""

    pseudonym: str
    agency: str
    level: str
    created_at: str | None
    ratings: list  # of StoredRating


class CycleFrozen(ValueError):
    """The cycle's ratings are final: a workshop for it has closed."""


class NewRating(NamedTuple):
    """One rating to write, already validated (capture.validate): whose, which statement, the score and comment.

    A named tuple, so that a bulk writer (an import of 200,000 rows) may pass plain tuples in this order instead:
    building a frozen dataclass per row cost the import a tenth of its CPU time."""

    respondent_id: int
    framework: str
    item: str
    score: int | None
    comment: str = ""


# What write_ratings takes: a NewRating, or a plain tuple of its fields in the same order.
RatingRow = tuple[int, str, str, int | None, str]


@dataclass(frozen=True)
class Written:
    """What a write did: ratings inserted, changed (their old value kept in the history) and already as given."""

    inserted: int
    updated: int
    unchanged: int


def refuse_frozen(cycle_id: int, *, session: Session) -> None:
    """Raise CycleFrozen if a closed workshop has made the cycle's ratings final."""
    if cycle_frozen(cycle_id, session=session):
        raise CycleFrozen("a workshop for this cycle has closed, so its ratings are final")


def write_ratings(
    cycle_id: int, rows: Sequence[RatingRow], *, by: str, session: Session, now: datetime | None = None
) -> Written:
    """Write ratings of one cycle in bulk: new ones inserted, changed ones updated with the old value kept.

    `by` is who (or which path, e.g. "import:file.csv") replaced a value, as the history records it. Core inserts,
    one executemany per table: an ORM bulk insert drops None values from a row's parameters, so every don't-know
    would split the batch (~200,000 round trips for a national import).
    """
    refuse_frozen(cycle_id, session=session)
    now = now or utcnow()
    q = (
        select(Rating.id, Rating.respondent_id, Rating.framework, Rating.item, Rating.score, Rating.comment)
        .add_columns(Rating.updated_at)
        .join(Respondent, Respondent.id == Rating.respondent_id)
        .where(Respondent.cycle_id == cycle_id)
    )
    if len(rows) == 1:  # one answer: read its one stored rating, not the whole cycle's
        ((rid, fw, item, _score, _comment),) = rows
        queries = [q.where(Rating.respondent_id == rid, Rating.framework == fw, Rating.item == item)]
    else:  # a batch: the stored ratings of its respondents only (a batch of a big cycle must not read the cycle)
        ids = sorted({r[0] for r in rows})
        queries = [q.where(Rating.respondent_id.in_(ids[i : i + IN_LIMIT])) for i in range(0, len(ids), IN_LIMIT)]
    existing = {
        (rid, fw, item): (pk, score, comment, at)
        for query in queries
        for pk, rid, fw, item, score, comment, at in session.execute(query)
    }
    new, changed, history = [], [], []
    for rid, fw, item, score, comment in rows:  # unpacked once: attribute reads per row cost an import dearly
        old = existing.get((rid, fw, item))
        if old is None:
            new.append((rid, fw, item, score, comment))
        elif (old[1], old[2]) != (score, comment):
            changed.append({"id": old[0], "score": score, "comment": comment, "updated_at": now})
            history.append(
                {
                    "rating_id": old[0],
                    "score": old[1],
                    "comment": old[2],
                    "recorded_at": old[3],
                    "replaced_at": now,
                    "replaced_by": by[:100],
                }
            )
    if new:
        _insert_new(new, session=session, now=now)
    if changed:
        session.execute(insert(HISTORY), history)
        session.execute(update(Rating), changed)
    done = Written(len(new), len(changed), len(rows) - len(new) - len(changed))
    if new or changed:  # counts and which statement, never a score: a removed respondent's answers must not linger
        what = f"{rows[0][1]}/{rows[0][2]}" if len(rows) == 1 else f"{len(rows)} ratings"
        record(
            "ratings.write",
            actor=by or ANONYMOUS,
            session=session,
            area_id=session.scalar(select(Cycle.area_id).where(Cycle.id == cycle_id)),
            target=f"cycle {cycle_id}: {what}",
            after={"inserted": done.inserted, "updated": done.updated},
        )
    return done


def _insert_new(rows: list[RatingRow], *, session: Session, now: datetime) -> None:
    """Insert new ratings, all stamped `now`, in one executemany of plain tuples.

    Through the driver, still parameterised: SQLAlchemy's per-row parameter building and timestamp processing cost
    a large import a fifth of its CPU time, and every row here has the same, already processed, timestamp."""
    conn = session.connection()
    dialect = conn.dialect
    stamp_type = RATINGS.c.updated_at.type.dialect_impl(dialect)
    process = stamp_type.bind_processor(dialect)
    stamp = process(now) if process else now
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    columns = ("respondent_id", "framework", "item", "score", "comment", "updated_at")
    sql = f"INSERT INTO {RATINGS.name} ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})"
    conn.exec_driver_sql(sql, [(*row, stamp) for row in rows])


def record_rating(
    respondent: Respondent,
    framework: str,
    item: str,
    score: int | None,
    comment: str = "",
    *,
    session: Session,
    by: str = "",
) -> None:
    """Save one answer through write_ratings; a changed answer keeps its earlier value, replaced by `by` (or them)."""
    row = NewRating(respondent.id, framework, item, score, comment)
    write_ratings(respondent.cycle_id, [row], by=by or respondent.pseudonym, session=session)
    session.flush()


def restore_ratings(
    cycle_id: int,
    respondents: Sequence[StoredRespondent],
    parse: Callable[[str | None], datetime | None],
    *,
    session: Session,
) -> int:
    """Write back a record as it was kept (a bundle): respondents, ratings and their history with their own times.

    For a cycle new to this database (bundles import whole areas); returns the number of ratings written.
    """
    refuse_frozen(cycle_id, session=session)
    if not respondents:
        return 0
    session.execute(
        insert(RESPONDENTS),
        [
            {
                "cycle_id": cycle_id,
                "pseudonym": p.pseudonym,
                "agency": p.agency,
                "level": p.level,
                "created_at": parse(p.created_at),
            }
            for p in respondents
        ],
    )
    pid = dict(
        session.execute(select(Respondent.pseudonym, Respondent.id).where(Respondent.cycle_id == cycle_id)).all()
    )
    plain, n = [], 0
    for p in respondents:
        for r in p.ratings:
            n += 1
            row = {
                "respondent_id": pid[p.pseudonym],
                "framework": r.framework,
                "item": r.item,
                "score": r.score,
                "comment": r.comment,
                "updated_at": parse(r.updated_at),
            }
            if not r.history:
                plain.append(row)
                continue
            rating = Rating(**row)
            session.add(rating)
            session.flush()
            session.execute(
                insert(HISTORY),
                [
                    {
                        "rating_id": rating.id,
                        "score": h.score,
                        "comment": h.comment,
                        "recorded_at": parse(h.recorded_at),
                        "replaced_at": parse(h.replaced_at),
                        "replaced_by": h.replaced_by,
                    }
                    for h in r.history
                ],
            )
    if plain:
        session.execute(insert(RATINGS), plain)
    return n
