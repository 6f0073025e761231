"""Participants: joining a workshop, finding them again, the statements they rate, and their answers saved."""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

from sqlalchemy import Engine, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from toolkit.access.invitations import hash_secret, new_secret, plausible_secret
from toolkit.capture.assessment import AnswerError, Step, deep_dives, new_pseudonym, submit_answer, walk
from toolkit.core import ids
from toolkit.core.forms import DEFAULT_FORM
from toolkit.core.frameworks import Catalogue
from toolkit.core.text import CONTROL_CHARS
from toolkit.store.areas import findable
from toolkit.store.audit import ANONYMOUS, record
from toolkit.store.db import session_scope
from toolkit.store.models import MAX_NAME, Rating, Respondent, Workshop, WorkshopParticipant, utcnow
from toolkit.workshops.codes import code_problem, normalise_code
from toolkit.workshops.rooms import JoinError, WorkshopInfo, find_workshop, load_row

T = TypeVar("T")


class WorkshopClosed(AnswerError):
    """The workshop has closed: its ratings are final."""


@dataclass(frozen=True)
class Participant:
    """A participant as pages see them."""

    pseudonym: str
    agency: str
    level: str
    display_name: str
    secret: str = ""  # only when just issued (join, re-issue): the link's k=, which the database keeps as a hash


def join(code: str, agency: str, level: str, display_name: str = "", *, session: Session) -> Participant:
    """Join an open workshop: a pseudonym the room sees, and a secret for this person's link (no account needed)."""
    w = find_workshop(code, session=session)
    if w.status == "closed":
        raise JoinError("That workshop has closed, so it cannot be joined: its ratings are final.")
    if agency not in ids.AGENCIES:
        raise JoinError("Choose your agency.")
    if level not in ids.LEVELS:
        raise JoinError("Choose your level.")
    name = " ".join(re.sub(CONTROL_CHARS, "", display_name or "").split())[:MAX_NAME]
    secret = new_secret()
    p = WorkshopParticipant(
        workshop_id=w.id,
        pseudonym=new_pseudonym(),
        agency=agency,
        level=level,
        display_name=name,
        secret_hash=hash_secret(secret),
    )
    session.add(p)
    session.flush()
    record(
        "workshop.join",
        actor=ANONYMOUS,
        session=session,
        area_id=w.area_id,
        target=f"workshop {w.code}: participant {p.pseudonym}",
        after={"agency": agency, "level": level},
    )
    return Participant(p.pseudonym, p.agency, p.level, p.display_name, secret)


PLACE_FIXED = (
    "Your agency and level are fixed now that the room's results have been revealed: changing them would let the "
    "figures before and after be compared to find your answers. If they are wrong, ask the facilitator."
)


def change_place(code: str, secret: object, agency: str, level: str, *, session: Session) -> Participant:
    """Correct one's own agency and level (the link's secret says who), only until the first reveal. Audited."""
    me = resume_participant(code, secret, session=session)
    if me is None:
        raise JoinError("We could not find your place in that workshop: join it again with the code.")
    found = load_row(normalise_code(code), session, lock=True)
    assert found is not None  # the participant's row exists, so the workshop does
    w, _area, _cycle = found
    if w.status == "closed":
        raise JoinError("That workshop has closed: its ratings are final.")
    if w.revealed_at is not None:
        raise JoinError(PLACE_FIXED)
    if agency not in ids.AGENCIES:
        raise JoinError("Choose your agency.")
    if level not in ids.LEVELS:
        raise JoinError("Choose your level.")
    row = session.scalar(
        select(WorkshopParticipant).where(
            WorkshopParticipant.workshop_id == w.id, WorkshopParticipant.pseudonym == me.pseudonym
        )
    )
    assert row is not None
    resp = session.scalar(
        select(Respondent).where(Respondent.cycle_id == w.cycle_id, Respondent.pseudonym == me.pseudonym)
    )
    before = {"agency": row.agency, "level": row.level}
    row.agency, row.level = agency, level
    if resp is not None:  # answers given so far move with them: the room has seen no figure yet
        resp.agency, resp.level = agency, level
    session.flush()
    record(
        "workshop.change_place", actor=ANONYMOUS, session=session, area_id=w.area_id,
        target=f"workshop {w.code}: participant {me.pseudonym}", before=before, after={"agency": agency, "level": level},
    )  # fmt: skip
    return Participant(me.pseudonym, agency, level, me.display_name)


def resume_participant(code: str, secret: object, *, session: Session) -> Participant | None:
    """The participant whose link's secret this is, in that workshop (to resume after a refresh), or None."""
    if code_problem(normalise_code(code)) or not plausible_secret(secret):
        return None
    assert isinstance(secret, str)
    row = session.scalar(
        select(WorkshopParticipant)
        .join(Workshop, Workshop.id == WorkshopParticipant.workshop_id)
        .where(Workshop.code == normalise_code(code), WorkshopParticipant.secret_hash == hash_secret(secret))
    )
    return Participant(row.pseudonym, row.agency, row.level, row.display_name) if row else None


def find_participant(code: str, pseudonym: str, *, session: Session) -> Participant | None:
    """The participant of that pseudonym in the workshop, for server-side code that already knows who it serves.

    Never call it with a value from a link or a widget: a pseudonym is shown to the facilitator and opens nothing.
    """
    if code_problem(normalise_code(code)) or not findable(pseudonym or ""):  # e.g. a forged link: nothing to find
        return None
    row = session.scalar(
        select(WorkshopParticipant)
        .join(Workshop, Workshop.id == WorkshopParticipant.workshop_id)
        .where(Workshop.code == normalise_code(code), WorkshopParticipant.pseudonym == (pseudonym or ""))
    )
    return Participant(row.pseudonym, row.agency, row.level, row.display_name) if row else None


Scope = tuple[tuple[str, ...], tuple[str, ...], str, tuple[str, ...]]  # frameworks, stages, form, C's


def scope_of(w: WorkshopInfo | Workshop) -> Scope:
    """What a workshop rates: its frameworks, stages, form and C's (from its info or its row alike)."""
    return (tuple(w.frameworks or ()), tuple(w.stages or ()), w.form or DEFAULT_FORM, tuple(w.cs or ()))


def _walk_args(scope: Scope) -> dict:
    frameworks, stages, form, cs = scope
    sts = stages if "opm" in frameworks else ()
    others = tuple(f for f in frameworks if f not in ("opm", "twelve_cs"))  # user-added rated frameworks chosen
    return {"stages": sts, "include_cs": "twelve_cs" in frameworks, "form": form, "cs": cs, "others": others}


@lru_cache(maxsize=64)
def _steps(cat: Catalogue, level: str, scope: Scope) -> tuple[Step, ...]:
    return tuple(walk(cat, level, **_walk_args(scope)))


@lru_cache(maxsize=64)
def _deep(cat: Catalogue, level: str, scope: Scope) -> tuple[Step, ...]:
    return tuple(deep_dives(cat, level, **_walk_args(scope)))


def steps_for(w: WorkshopInfo, level: str, cat: Catalogue) -> list[Step]:
    """The statements a participant at this level rates in this workshop, step by step: its form and its scope."""
    return list(_steps(cat, level, scope_of(w)))


def deep_dives_for(w: WorkshopInfo, level: str, cat: Catalogue) -> list[Step]:
    """A short-form workshop's optional deep dives for this level, per stage and per C in scope (none in full form)."""
    return list(_deep(cat, level, scope_of(w)))


@lru_cache(maxsize=64)
def expected_statements(cat: Catalogue, level: str, scope: Scope) -> frozenset:
    """The statements of the participant's steps (what their progress counts against)."""
    return frozenset((s.framework, i.id) for s in _steps(cat, level, scope) for i in s.items)


@lru_cache(maxsize=64)
def allowed_statements(cat: Catalogue, level: str, scope: Scope) -> frozenset:
    """The statements a participant may answer: their steps and the deep dives in scope."""
    deep = frozenset((s.framework, i.id) for s in _deep(cat, level, scope) for i in s.items)
    return expected_statements(cat, level, scope) | deep


@lru_cache(maxsize=256)
def part_keys(cat: Catalogue, level: str, scope: Scope, part: str | None) -> frozenset:
    """The statements a participant may answer in a presenter-paced workshop: those of the part on now."""
    return frozenset((s.framework, i.id) for s in _steps(cat, level, scope) if s.key == part for i in s.items)


def active_participant(code: str, pseudonym: str, session: Session) -> WorkshopParticipant:
    """The participant's row, marked active; on SQLite this first write takes the lock for the whole answer."""
    if code_problem(normalise_code(code)) or not findable(pseudonym or ""):
        raise AnswerError("you are not in this workshop: join it again with the code")
    p = session.scalar(
        select(WorkshopParticipant)
        .join(Workshop, Workshop.id == WorkshopParticipant.workshop_id)
        .where(Workshop.code == normalise_code(code), WorkshopParticipant.pseudonym == (pseudonym or ""))
    )
    if p is None:
        raise AnswerError("you are not in this workshop: join it again with the code")
    p.last_active = utcnow()
    session.flush()
    return p


def submit(
    code: str,
    pseudonym: str,
    framework: str,
    item: str,
    score: int | None,
    comment: str = "",
    *,
    session: Session,
    cat: Catalogue,
) -> None:
    """Save a participant's answer through submit_answer; refused once the workshop has closed."""
    p = active_participant(code, pseudonym, session)
    found = load_row(normalise_code(code), session, lock=True)
    if found is None:  # the participant's row exists, so only a deleted workshop gets here
        raise AnswerError("you are not in this workshop: join it again with the code")
    w, area, cycle = found
    if w.status == "closed":
        raise WorkshopClosed("this workshop has closed, so its ratings are final")
    if (framework, item) not in allowed_statements(cat, p.level, scope_of(w)):
        raise AnswerError(f"statement {framework}/{item} is not part of this workshop")
    if (w.pace or "self") == "presenter" and (framework, item) not in part_keys(cat, p.level, scope_of(w), w.part):
        raise AnswerError("that statement is not in the part the room is on now: the facilitator moves the room")
    submit_answer(
        area, cycle, p.pseudonym, p.agency, p.level, framework, item, score, comment, session=session, cat=cat
    )


def _is_transient(exc: BaseException) -> bool:
    """A conflict worth retrying: SQLite busy or locked, PostgreSQL serialisation failure or deadlock."""
    text = str(getattr(exc, "orig", exc)).lower()
    return any(s in text for s in ("database is locked", "database is busy", "could not serialize", "deadlock"))


def with_retry(
    run: Callable[[], T],
    *,
    attempts: int = 6,
    base_delay: float = 0.05,
    on_retry: Callable[[Exception], None] | None = None,
) -> T:
    """Run a whole transaction, again with backoff and jitter when the database reports a passing lock conflict."""
    for k in range(attempts):
        try:
            return run()
        except OperationalError as exc:
            if not _is_transient(exc) or k == attempts - 1:
                raise
            if on_retry is not None:
                on_retry(exc)
            time.sleep(base_delay * 2**k * (0.5 + secrets.randbelow(1000) / 1000))
    raise AssertionError("unreachable")  # pragma: no cover


def answer(
    code: str,
    pseudonym: str,
    framework: str,
    item: str,
    score: int | None,
    comment: str = "",
    *,
    engine: Engine,
    cat: Catalogue,
    retry: bool = True,
    on_retry: Callable[[Exception], None] | None = None,
) -> None:
    """The submit path the join page uses: submit() in a transaction of its own, retried on a passing lock conflict."""

    def run() -> None:
        with session_scope(engine) as s:
            submit(code, pseudonym, framework, item, score, comment, session=s, cat=cat)

    with_retry(run, on_retry=on_retry) if retry else run()


def own_answers(w: WorkshopInfo, pseudonym: str, *, session: Session) -> dict[tuple[str, str], tuple[int | None, str]]:
    """One participant's current answers in the workshop's cycle: {(framework, item): (score, comment)}."""
    rows = session.execute(
        select(Rating.framework, Rating.item, Rating.score, Rating.comment)
        .join(Respondent, Respondent.id == Rating.respondent_id)
        .where(Respondent.cycle_id == w.cycle_id, Respondent.pseudonym == pseudonym)
    )
    return {(f, i): (s, c) for f, i, s, c in rows}
