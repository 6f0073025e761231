"""Live status of a workshop (who joined, how far they are) and the room's results, as participants may see them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from toolkit.analysis.area import analyse_frame
from toolkit.analysis.config import Config
from toolkit.analysis.results import AreaAnalysis
from toolkit.analysis.suppression import suppressed_keys
from toolkit.core import ids
from toolkit.core.frameworks import Catalogue
from toolkit.store.models import Rating, Respondent, WorkshopParticipant
from toolkit.workshops.participants import Participant, expected_statements, own_answers, scope_of
from toolkit.workshops.rooms import WorkshopInfo
from toolkit.workshops.snapshot import latest_snapshot, reveals_made


def _members(w: WorkshopInfo):
    """Respondents of the workshop's cycle who joined it (join condition)."""
    return and_(Respondent.cycle_id == w.cycle_id, Respondent.pseudonym == WorkshopParticipant.pseudonym)


@dataclass(frozen=True)
class Progress:
    """How far one participant is: their answers of the statements their level rates, and when they last answered."""

    participant: str
    name: str
    agency: str
    level: str
    answered: int
    total: int
    last_answer: datetime | None


@dataclass(frozen=True)
class JoinedCell:
    """How many joined from one agency at one level; n is None where the cell is suppressed."""

    agency: str
    level: str
    n: int | None
    suppressed: bool


@dataclass(frozen=True)
class Status:
    """Who has joined and how far they are (for the facilitator; participants get `joined_cells(..., suppress)`)."""

    joined: int
    by_agency_level: dict[tuple[str, str], int]
    completion: list[Progress]
    per_statement: dict[tuple[str, str], int]
    ratings: int
    version: str = ""
    totals: dict[str, int] = field(default_factory=dict)


def status(w: WorkshopInfo, *, session: Session, cat: Catalogue) -> Status:
    """Joined by agency x level, answers per participant and per statement (two grouped queries)."""
    people = session.execute(
        select(
            WorkshopParticipant.pseudonym,
            WorkshopParticipant.display_name,
            WorkshopParticipant.agency,
            WorkshopParticipant.level,
            WorkshopParticipant.joined_at,
            WorkshopParticipant.last_active,
            func.count(Rating.id),
            func.max(Rating.updated_at),
        )
        .outerjoin(Respondent, _members(w))
        .outerjoin(Rating, Rating.respondent_id == Respondent.id)
        .where(WorkshopParticipant.workshop_id == w.id)
        .group_by(WorkshopParticipant.id)
        .order_by(WorkshopParticipant.joined_at, WorkshopParticipant.id)
    ).all()
    per_statement = {
        (f, i): int(n)
        for f, i, n in session.execute(
            select(Rating.framework, Rating.item, func.count(Rating.id))
            .join(Respondent, Respondent.id == Rating.respondent_id)
            .join(WorkshopParticipant, _members(w))
            .where(WorkshopParticipant.workshop_id == w.id)
            .group_by(Rating.framework, Rating.item)
        )
    }
    totals = {lv: len(expected_statements(cat, lv, scope_of(w))) for lv in ids.LEVELS}
    by_cell: dict[tuple[str, str], int] = {}
    completion = []
    for pseud, name, agency, level, _joined, _active, n, latest in people:
        by_cell[(agency, level)] = by_cell.get((agency, level), 0) + 1
        completion.append(Progress(pseud, name, agency, level, int(n), totals[level], latest))
    n_ratings = sum(c.answered for c in completion)
    latest = max((c.last_answer for c in completion if c.last_answer is not None), default=None)
    reveals = reveals_made(w.id, session=session)  # a new snapshot is a new version even with no new answer
    version = f"{w.id}:{w.status}:{len(people)}:{n_ratings}:{latest}:{reveals}"
    return Status(len(people), by_cell, completion, per_statement, n_ratings, version, totals)


def joined_cells(st: Status, min_n: int, *, suppress: bool) -> list[JoinedCell]:
    """Joined per agency x level; with `suppress`, cells under min_n (and a second to stop subtraction) hidden."""
    hidden = suppressed_keys(st.by_agency_level, min_n) if suppress else set()
    return [
        JoinedCell(a, lv, None if (a, lv) in hidden else n, (a, lv) in hidden)
        for (a, lv), n in sorted(
            st.by_agency_level.items(), key=lambda kv: (ids.AGENCIES.index(kv[0][0]), ids.LEVELS.index(kv[0][1]))
        )
    ]


def joined_table(cells: list[JoinedCell], min_n: int) -> pd.DataFrame:
    """An Agency column and one column per level, in words ('fewer than 3' where a cell is suppressed)."""
    levels = [ids.LEVEL_NAMES[lv] for lv in ids.LEVELS]
    present = [a for a in ids.AGENCIES if any(c.agency == a for c in cells)]
    table = pd.DataFrame("0", index=present, columns=levels)
    for c in cells:
        table.loc[c.agency, ids.LEVEL_NAMES[c.level]] = f"fewer than {min_n}" if c.suppressed else str(c.n)
    table.insert(0, "Agency", [ids.AGENCY_NAMES[a] for a in present])
    return table.reset_index(drop=True)


def completion_table(st: Status) -> pd.DataFrame:
    """One row per participant: name (or short id), agency, level, answered of total (facilitator only)."""
    rows = [
        {
            "Participant": c.name or c.participant,
            "Agency": ids.AGENCY_NAMES[c.agency],
            "Level": ids.LEVEL_NAMES[c.level],
            "Answered": c.answered,
            "Of": c.total,
            "Done": round(100 * c.answered / c.total) if c.total else 0,
        }
        for c in st.completion
    ]
    return pd.DataFrame(rows, columns=["Participant", "Agency", "Level", "Answered", "Of", "Done"])


def statement_table(w: WorkshopInfo, st: Status, cat: Catalogue) -> pd.DataFrame:
    """How many people have answered each statement (fewest first), against how many it applies to."""
    applies: dict[tuple[str, str], int] = {}
    for c in st.completion:
        for key in expected_statements(cat, c.level, scope_of(w)):
            applies[key] = applies.get(key, 0) + 1
    texts = {(fw.id, it.id): it.text for fw in cat.rated for it in fw.items}
    rows = [
        {"Statement": texts.get(k, k[1]), "Answered": st.per_statement.get(k, 0), "Of": n} for k, n in applies.items()
    ]
    df = pd.DataFrame(rows, columns=["Statement", "Answered", "Of"])
    return df.sort_values(["Answered", "Of"], ascending=[True, False], kind="stable").reset_index(drop=True)


def ratings_frame(w: WorkshopInfo, *, session: Session) -> pd.DataFrame:
    """The current ratings of the workshop's participants (a long table like store.ratings_frame)."""
    rows = session.execute(
        select(Respondent.pseudonym, Respondent.agency, Respondent.level, Rating.framework, Rating.item, Rating.score)
        .join(Rating, Rating.respondent_id == Respondent.id)
        .join(WorkshopParticipant, _members(w))
        .where(WorkshopParticipant.workshop_id == w.id)
    ).all()
    df = pd.DataFrame(rows, columns=["respondent", "agency", "level", "framework", "item", "score"])
    df["score"] = df["score"].astype("Int64")
    return df


def room_results(ratings: pd.DataFrame, w: WorkshopInfo, cat: Catalogue, cfg: Config) -> AreaAnalysis:
    """The room's analysis (small groups suppressed by analyse_frame), from its ratings table."""
    return analyse_frame(ratings, cat, cfg, area=w.area, cycle=w.cycle)


@dataclass(frozen=True)
class ParticipantView:
    """Everything a participant's device shows: their own answers, and the room's results as at the last reveal."""

    status: str
    revealed: bool
    joined: int
    joined_by_agency_level: list[JoinedCell]
    answers: dict[tuple[str, str], tuple[int | None, str]]
    progress: tuple[int, int]
    results: AreaAnalysis | None = None
    appraisal: dict[str, dict] | None = None
    reveal: int = 0  # the number of the reveal whose figures these are


def participant_view(
    w: WorkshopInfo,
    participant: Participant,
    *,
    session: Session,
    cat: Catalogue,
    cfg: Config,
    room: Callable[[WorkshopInfo, str], AreaAnalysis] | None = None,
) -> ParticipantView:
    """What a participant may see: the joined counts suppressed, and the figures of the last reveal (a snapshot:
    answers given since appear only at the next reveal, reveals.reveal_now), never figures made afresh."""
    st = status(w, session=session, cat=cat)
    mine = own_answers(w, participant.pseudonym, session=session)
    results = appraisal = None
    snap = latest_snapshot(w.id, session=session) if w.revealed else None
    if snap is not None:
        # `room` is the page's cached copy of the same snapshot, keyed by the status version (which counts reveals)
        results, appraisal = (room(w, st.version) if room else snap.results), snap.appraisal
    return ParticipantView(
        w.status,
        w.revealed,
        st.joined,
        joined_cells(st, cfg.min_group_size, suppress=True),
        mine,
        (len(mine), st.totals.get(participant.level, 0)),
        results,
        appraisal,
        snap.number if snap else 0,
    )
