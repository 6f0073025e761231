"""The room decides: each participant shares 100 points across the cycle's shortlist on their phone; the room's
choice is the points summed, shown only once at least the minimum group has given points.

Every allocation is checked here, whatever a page sent: only the shortlist's interventions, whole points from 0 to
100, at most 100 in all, only while the facilitator has the points open, only in the workshop the phone joined.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from toolkit.access.accounts import Identity
from toolkit.access.scope import OPERATOR
from toolkit.capture.assessment import AnswerError
from toolkit.store.areas import CycleRef
from toolkit.store.audit import ANONYMOUS, record
from toolkit.store.models import Workshop, WorkshopParticipant, WorkshopPoints
from toolkit.store.plans import shortlist
from toolkit.workshops.codes import format_code, normalise_code
from toolkit.workshops.participants import WorkshopClosed, active_participant
from toolkit.workshops.rooms import JoinError, WorkshopInfo, check_runs, info_of, load_row

TOTAL = 100


def open_points(code: str, is_open: bool, *, session: Session, actor: Identity | None = OPERATOR) -> WorkshopInfo:
    """Open (or stop) the 100 points on participants' devices, for the facilitator who runs the workshop."""
    found = load_row(normalise_code(code), session)
    if found is None:
        raise JoinError(f"No workshop has the code {format_code(code)}.")
    w, area, cycle = found
    check_runs(actor, w)
    if w.status == "closed" and is_open:
        raise ValueError("this workshop has closed")
    if is_open and not shortlist(CycleRef(w.area_id, w.cycle_id, area, cycle), session=session):
        raise ValueError("shortlist at least one intervention first")
    w.points_open = bool(is_open)
    session.flush()
    return info_of(w, area, cycle)


def give_points(code: str, pseudonym: str, allocation: Mapping[str, object], *, session: Session) -> dict[str, int]:
    """Replace this participant's points with this allocation (refused whole unless every rule holds)."""
    p = active_participant(code, pseudonym, session)
    found = load_row(normalise_code(code), session, lock=True)
    assert found is not None  # the participant's row exists, so the workshop does
    w, area, cycle = found
    if w.status == "closed":
        raise WorkshopClosed("this workshop has closed, so its choice is final")
    if not w.points_open:
        raise AnswerError("the points are not open: wait for the facilitator to open them")
    listed = shortlist(CycleRef(w.area_id, w.cycle_id, area, cycle), session=session)
    if not isinstance(allocation, Mapping) or any(k not in listed for k in allocation):
        raise AnswerError("points can go only to the interventions on the shortlist")
    if any(isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= TOTAL for v in allocation.values()):
        raise AnswerError(f"give each intervention whole points from 0 to {TOTAL}")
    given = {k: int(v) for k, v in allocation.items() if isinstance(v, int) and v > 0}  # type: ignore[arg-type]
    if sum(given.values()) > TOTAL:
        raise AnswerError(f"that is {sum(given.values())} points: share at most {TOTAL}")
    session.execute(
        delete(WorkshopPoints).where(WorkshopPoints.workshop_id == w.id, WorkshopPoints.participant_id == p.id)
    )
    session.add_all(
        WorkshopPoints(workshop_id=w.id, participant_id=p.id, intervention=k, points=v) for k, v in given.items()
    )
    session.flush()
    record(
        "workshop.points", actor=ANONYMOUS, session=session, area_id=w.area_id,
        target=f"workshop {w.code}: participant {p.pseudonym}", after={"points": sum(given.values())},
    )  # fmt: skip
    return given


def own_points(code: str, pseudonym: str, *, session: Session) -> dict[str, int]:
    """One participant's points: {intervention: points} (for their phone only)."""
    rows = session.execute(
        select(WorkshopPoints.intervention, WorkshopPoints.points)
        .join(WorkshopParticipant, WorkshopParticipant.id == WorkshopPoints.participant_id)
        .join(Workshop, Workshop.id == WorkshopPoints.workshop_id)
        .where(Workshop.code == normalise_code(code), WorkshopParticipant.pseudonym == pseudonym)
    )
    return {i: n for i, n in rows}


@dataclass(frozen=True)
class ChoiceRow:
    intervention: str
    points: int
    share: float  # of all the points given, 0 to 1
    backers: int  # people who gave it any points


@dataclass(frozen=True)
class RoomChoice:
    """The room's points per shortlisted intervention, most first; no rows while fewer than min_n have given."""

    voters: int
    rows: list[ChoiceRow]
    min_n: int

    @property
    def hidden(self) -> bool:
        return 0 < self.voters < self.min_n

    @property
    def top(self) -> str | None:
        return self.rows[0].intervention if self.rows and self.rows[0].points > 0 else None


def room_choice(w: WorkshopInfo, *, session: Session, min_n: int) -> RoomChoice:
    """The points summed over the room (the shortlist's interventions only), hidden below the minimum group."""
    rows = session.execute(
        select(WorkshopPoints.participant_id, WorkshopPoints.intervention, WorkshopPoints.points).where(
            WorkshopPoints.workshop_id == w.id
        )
    ).all()
    voters = len({r[0] for r in rows})
    if voters < min_n:
        return RoomChoice(voters, [], min_n)
    listed = shortlist(w.ref, session=session)
    total = sum(r[2] for r in rows if r[1] in listed) or 1
    out = [
        ChoiceRow(
            iv,
            sum(r[2] for r in rows if r[1] == iv),
            sum(r[2] for r in rows if r[1] == iv) / total,
            len({r[0] for r in rows if r[1] == iv and r[2] > 0}),
        )
        for iv in listed
    ]
    out.sort(key=lambda r: (-r.points, listed.index(r.intervention)))
    return RoomChoice(voters, out, min_n)


def voters(w: WorkshopInfo, *, session: Session) -> int:
    """How many people have given points (a count the facilitator may see at any size)."""
    return (
        session.scalar(
            select(func.count(func.distinct(WorkshopPoints.participant_id))).where(WorkshopPoints.workshop_id == w.id)
        )
        or 0
    )
