"""Workshops: created for an area and cycle with a join code, found, listed, revealed and closed."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from toolkit.access.accounts import Identity
from toolkit.access.scope import OPERATOR, AccessDenied, authorise, authorise_named, cross_area
from toolkit.core import ids
from toolkit.core.forms import DEFAULT_FORM, FORMS
from toolkit.core.text import CONTROL_CHARS
from toolkit.store.areas import CycleRef, cycle_frozen, get_or_create_area, get_or_create_cycle
from toolkit.store.audit import record
from toolkit.store.models import Area, Cycle, Workshop, utcnow
from toolkit.workshops.codes import code_problem, format_code, new_code, normalise_code

STATUSES = ("open", "revealed", "closed")
FRAMEWORKS = ids.RATED_FRAMEWORKS


class JoinError(ValueError):
    """A code or join that cannot go ahead; the message says what to do."""


@dataclass(frozen=True)
class WorkshopInfo:
    """A workshop as pages see it (no database objects leak into pages)."""

    id: int
    code: str
    title: str
    area: str
    cycle: str
    frameworks: tuple[str, ...]
    stages: tuple[str, ...]
    status: str
    appraisal_open: bool
    created_by: str
    created_at: datetime
    revealed: bool
    cycle_id: int = 0
    area_id: int = 0
    form: str = DEFAULT_FORM  # "short" (the core statements, with deep dives) or "full"
    cs: tuple[str, ...] = ids.C_IDS  # the 12 C's in scope, when the C's are rated
    pace: str = "self"  # "self": each phone walks on its own; "presenter": the facilitator moves the room
    part: str | None = None  # presenter-paced: the part on the phones now (a step key), None before the first
    points_open: bool = False  # the room gives its 100 points across the shortlist

    @property
    def paced(self) -> bool:
        return self.pace == "presenter"

    @property
    def ref(self) -> CycleRef:
        """The workshop's area and cycle, for the store's repository functions."""
        return CycleRef(self.area_id, self.cycle_id, self.area, self.cycle)

    @property
    def label(self) -> str:
        """A line for pickers: title or area and cycle, and code.

        Never the status: a selectbox sends back the label it showed, so a label that changed when the workshop was
        revealed no longer matched its option and the next rerun refused the picked workshop as not offered.
        """
        name = self.title or f"{self.area}, cycle {self.cycle}"
        return f"{name} · {format_code(self.code)}"


def info_of(w: Workshop, area: str, cycle: str) -> WorkshopInfo:
    return WorkshopInfo(
        w.id,
        w.code,
        w.title,
        area,
        cycle,
        tuple(w.frameworks or ()),
        tuple(w.stages or ()),
        w.status,
        bool(w.appraisal_open),
        w.created_by,
        w.created_at,
        w.revealed_at is not None,
        w.cycle_id,
        w.area_id,
        w.form or DEFAULT_FORM,
        tuple(w.cs or ()),
        w.pace or "self",
        w.part,
        bool(w.points_open),
    )


def load_row(code: str, session: Session, *, lock: bool = False) -> tuple[Workshop, str, str] | None:
    q = (
        select(Workshop, Area.name, Cycle.name)
        .join(Area, Area.id == Workshop.area_id)
        .join(Cycle, Cycle.id == Workshop.cycle_id)
        .where(Workshop.code == code)
    )
    if lock:  # PostgreSQL: a close waits for answers in flight, and answers after it see it (SQLite ignores this)
        q = q.with_for_update(read=True, of=Workshop)
    row = session.execute(q).first()
    return (row[0], row[1], row[2]) if row else None


def check_runs(actor: Identity | None, w: Workshop | WorkshopInfo) -> None:
    """Refuse (AccessDenied) unless the actor runs workshops in the workshop's area and it is theirs (or they are an
    administrator for every area): checked from the workshop's own row, never from what a page offered."""
    authorise(actor, "run_workshop", w.area_id)
    if actor is None or (actor.username != w.created_by and not cross_area(actor, "manage_users")):
        raise AccessDenied("This is another facilitator's workshop: only they or an administrator can run it.")


def create_workshop(
    area: str,
    cycle: str,
    *,
    frameworks: Iterable[str] = FRAMEWORKS,
    stages: Iterable[str] = ids.STAGES,
    form: str = DEFAULT_FORM,
    cs: Iterable[str] = ids.C_IDS,
    created_by: str,
    session: Session,
    title: str = "",
    actor: Identity | None = OPERATOR,
) -> WorkshopInfo:
    """A new open workshop with a unique join code (the area and cycle are created if new).

    The actor (default: the command line's operator) must run workshops in the area; a new area needs a role for
    every area.
    """
    area, cycle, title = (
        (area or "").strip(),
        (cycle or "").strip(),
        re.sub(CONTROL_CHARS, "", title or "").strip()[:120],
    )
    if not area or not cycle:
        raise ValueError("a workshop needs an area and a cycle")
    authorise_named(actor, "run_workshop", area, session=session)
    fws = [f for f in FRAMEWORKS if f in set(frameworks)]
    if not fws or set(frameworks) - set(FRAMEWORKS):
        raise ValueError(f"choose the frameworks to rate from {', '.join(FRAMEWORKS)}")
    sts = [s for s in ids.STAGES if s in set(stages)] if "opm" in fws else []
    if set(stages) - set(ids.STAGES):
        raise ValueError(f"stages must be among {', '.join(ids.STAGES)}")
    if "opm" in fws and not sts:
        raise ValueError("choose at least one stage of the Organisational Practice Model")
    if not isinstance(form, str) or form not in FORMS:
        raise ValueError(f"choose the form from {', '.join(FORMS)}")
    cs = list(cs)
    if any(not isinstance(c, str) or c not in ids.C_IDS for c in cs):
        raise ValueError("the C's must be among the 12 C's")
    c_scope = [c for c in ids.C_IDS if c in set(cs)] if "twelve_cs" in fws else []
    if "twelve_cs" in fws and not c_scope:
        raise ValueError("choose at least one of the 12 C's")
    c = get_or_create_cycle(get_or_create_area(area, session=session), cycle, session=session)
    if cycle_frozen(c.id, session=session):
        raise ValueError(
            f"a workshop for {area}, cycle {cycle} has closed and its ratings stand as the record: start a new cycle"
        )
    for _ in range(20):
        code = new_code()
        if session.scalar(select(Workshop.id).where(Workshop.code == code)) is not None:
            continue
        w = Workshop(
            code=code,
            title=title,
            area_id=c.area_id,
            cycle_id=c.id,
            frameworks=fws,
            stages=sts,
            form=form,
            cs=c_scope,
            status="open",
            appraisal_open=False,
            created_by=created_by,
        )
        try:
            with session.begin_nested():
                session.add(w)
        except IntegrityError:  # another server drew the same code at the same moment
            continue
        record(
            "workshop.create", actor=getattr(actor, "username", "") or created_by, session=session,
            area_id=c.area_id, target=f"workshop {code} ({area}, cycle {cycle})",
            after={"frameworks": fws, "stages": sts, "form": form, "cs": c_scope},
        )  # fmt: skip
        return info_of(w, area, cycle)
    raise RuntimeError("could not draw an unused join code")  # pragma: no cover - 20 collisions in 8.5e11


def find_workshop(code: str, *, session: Session) -> WorkshopInfo:
    """The workshop of a typed code, or a JoinError that says what is wrong with the code."""
    norm = normalise_code(code)
    if problem := code_problem(norm):
        raise JoinError(problem)
    found = load_row(norm, session)
    if found is None:
        raise JoinError(
            f"No workshop has the code {format_code(norm)}. Check the code on the facilitator's screen and try again."
        )
    return info_of(*found)


def list_workshops(*, session: Session, created_by: str | None = None) -> list[WorkshopInfo]:
    """Workshops, newest first (only one facilitator's when created_by is given)."""
    q = (
        select(Workshop, Area.name, Cycle.name)
        .join(Area, Area.id == Workshop.area_id)
        .join(Cycle, Cycle.id == Workshop.cycle_id)
        .order_by(Workshop.created_at.desc(), Workshop.id.desc())
    )
    if created_by is not None:
        q = q.where(Workshop.created_by == created_by)
    return [info_of(w, a, c) for w, a, c in session.execute(q)]


def _set_status(code: str, to: str, *, session: Session, actor: Identity | None) -> WorkshopInfo:
    found = load_row(code, session)
    if found is None:
        raise JoinError(f"No workshop has the code {format_code(code)}.")
    w, area, cycle = found
    check_runs(actor, w)
    if w.status == "closed":
        raise ValueError("this workshop has closed: its ratings are final")
    now = utcnow()
    if to == "revealed" and w.status == "open":
        w.status, w.revealed_at = "revealed", now
    elif to == "closed":
        w.status, w.closed_at, w.appraisal_open = "closed", now, False
        w.points_open = False  # closing the workshop closes the points: its choice is final and shown
    session.flush()
    return info_of(w, area, cycle)


def mark_revealed(code: str, *, session: Session, actor: Identity | None = OPERATOR) -> WorkshopInfo:
    """The workshop's status to revealed, checked against the actor (workshops.reveals.reveal takes the snapshot)."""
    return _set_status(code, "revealed", session=session, actor=actor)


def close(code: str, *, session: Session, actor: Identity | None = OPERATOR) -> WorkshopInfo:
    """Close: no more answers or appraisals; the cycle's ratings stand as the area's record."""
    return _set_status(code, "closed", session=session, actor=actor)
