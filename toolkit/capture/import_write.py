"""The writing half of an import: the checks against the database, then the checked batches, in the caller's
transaction, one import at a time.

Imports serialise on a lock taken before the database is read (PostgreSQL: a transaction advisory lock; SQLite:
the write lock, which waits its busy timeout), so two imports into one area and cycle never both create it or its
respondents: the second reads what the first committed and adds only what is new.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import cast

import pandas as pd
from sqlalchemy import delete, insert, select, text
from sqlalchemy.orm import Session

from toolkit.capture.across import Across
from toolkit.capture.import_errors import ImportResult
from toolkit.capture.validate import RowError
from toolkit.capture.write import RESPONDENTS, RatingRow, write_ratings
from toolkit.store.areas import cycle_frozen
from toolkit.store.audit import record
from toolkit.store.models import Area, Cycle, Respondent

IMPORT_LOCK = 15_015  # the advisory lock every import takes (PostgreSQL)


def lock_imports(session: Session) -> None:
    """Wait for any other import to finish (up to the statement timeout), then hold the lock to the commit."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": IMPORT_LOCK})
    else:  # a write that changes nothing takes SQLite's write lock, waiting out another writer's busy time
        session.execute(delete(Area).where(Area.id == -1))


def _stored(area_name: str, cycle_name: str, *, session: Session) -> tuple[Area | None, Cycle | None]:
    area = session.scalar(select(Area).where(Area.name == area_name))
    if area is None:
        return None, None
    return area, session.scalar(select(Cycle).where(Cycle.area_id == area.id, Cycle.name == cycle_name))


def _people(cycle_id: int, *, session: Session) -> dict[str, tuple[int, str, str]]:
    rows = session.execute(
        select(Respondent.id, Respondent.pseudonym, Respondent.agency, Respondent.level).where(
            Respondent.cycle_id == cycle_id
        )
    )
    return {p: (i, a, lv) for i, p, a, lv in rows}


def conflicts(across: Across, *, session: Session) -> list[RowError]:
    """What the database forbids: a cycle a closed workshop froze, a respondent stored with another agency or level."""
    out = []
    for (area_name, cycle_name), group in across.people.items():
        area, cycle = _stored(area_name, cycle_name, session=session)
        if cycle is None:
            continue
        where = across.first_row[(area_name, cycle_name)]
        sheet = across.sheets[where >> 32]
        if cycle_frozen(cycle.id, session=session):
            name = area.name if area is not None else ""  # (a stored cycle always has its area)
            reason = f"is closed: a workshop made {name} {cycle.name}'s ratings final; import into a new cycle"
            out.append(RowError(where & 0xFFFFFFFF, "cycle", cycle.name, reason, sheet))
            continue
        stored = _people(cycle.id, session=session)
        for who, (_i, agency, level, at) in group.items():
            known = stored.get(who)
            if known is None or (known[1], known[2]) == (agency, level):
                continue
            col, value = ("agency", agency) if known[1] != agency else ("level", level)
            reason = f"differs from the stored respondent {who!r} ({known[1]}, {known[2]})"
            out.append(RowError(at & 0xFFFFFFFF, col, value, reason, across.sheets[at >> 32]))
    return sorted(out, key=lambda e: (across.sheets.index(e.sheet), e.row))


class Writer:
    """Writes checked batches; holds each area-cycle's ids and respondents (pseudonym -> id) as it goes."""

    def __init__(self, result: ImportResult, *, session: Session, now: datetime, by: str):
        self.result, self.session, self.now, self.by = result, session, now, by
        self.cycles: dict[tuple[str, str], tuple[int, int]] = {}  # area-cycle -> (area id, cycle id)
        self.people: dict[int, dict[str, int]] = {}  # cycle id -> pseudonym -> respondent id
        self.counts: dict[tuple[str, str], list[int]] = {}  # area-cycle -> [rows, inserted, updated]

    def _cycle(self, area_name: str, cycle_name: str) -> tuple[int, int]:
        key = (area_name, cycle_name)
        if key not in self.cycles:
            area, cycle = _stored(area_name, cycle_name, session=self.session)
            if area is None:
                area = Area(name=area_name, tags={}, context={}, fictional=False)
                self.session.add(area)
                self.session.flush()
            if cycle is None:
                cycle = Cycle(area_id=area.id, name=cycle_name)
                self.session.add(cycle)
                self.session.flush()
            self.cycles[key] = (area.id, cycle.id)
            self.people[cycle.id] = {p: v[0] for p, v in _people(cycle.id, session=self.session).items()}
            self.counts[key] = [0, 0, 0]
            self.result.area_cycles.append(key)
        return self.cycles[key]

    def write(self, df: pd.DataFrame) -> None:
        """One checked batch: new respondents first, then the ratings through the one write path."""
        for key, part in df.groupby(["area", "cycle"], sort=False):
            area_name, cycle_name = cast(tuple[str, str], key)
            _area_id, cycle_id = self._cycle(area_name, cycle_name)
            people = self.people[cycle_id]
            firsts = part.drop_duplicates("respondent")[["respondent", "agency", "level"]]
            new = [
                {"cycle_id": cycle_id, "pseudonym": p, "agency": a, "level": lv, "created_at": self.now}
                for p, a, lv in firsts.itertuples(index=False, name=None)
                if p not in people
            ]
            if new:
                made = self.session.execute(
                    insert(RESPONDENTS).returning(RESPONDENTS.c.id, RESPONDENTS.c.pseudonym), new
                )
                people.update({p: i for i, p in made})
                self.result.respondents_added += len(new)
            scores = [
                None if s is pd.NA else s for s in part["score"].tolist()
            ]  # Int64: ints and NA; pd.isna per row cost a tenth
            # Plain tuples in NewRating's field order (write_ratings takes either): no object built per row.
            rows: list[RatingRow] = list(
                zip(
                    [people[p] for p in part["respondent"].tolist()],
                    part["framework"].tolist(),
                    part["item"].tolist(),
                    scores,
                    part["comment"].tolist(),
                    strict=True,
                )
            )
            written = write_ratings(cycle_id, rows, by=f"import:{self.result.file}", session=self.session, now=self.now)
            self.result.inserted += written.inserted
            self.result.updated += written.updated
            self.result.unchanged += written.unchanged
            count = self.counts[(area_name, cycle_name)]
            count[0] += len(rows)
            count[1] += written.inserted
            count[2] += written.updated

    def finish(self, areas: Iterable[tuple[str, str]] | None = None) -> None:
        """One audit line per area-cycle the import changed (an import that changes nothing leaves no line)."""
        for key in areas or list(self.counts):
            rows, inserted, updated = self.counts[key]
            if inserted or updated:
                record(
                    "import",
                    actor=self.by,
                    session=self.session,
                    area_id=self.cycles[key][0],
                    target=f"{key[1]} {self.result.file}"[:200],
                    after={"rows": rows, "inserted": inserted, "updated": updated},
                )
        self.session.flush()
