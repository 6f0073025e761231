"""Presenter-paced mode: the facilitator moves the room part by part, the phones show only the part on now.

A part is a step of the walk (a stage of the journey, or a group of the 12 C's), the same for every level (each
level rates its own statements of it). The projector shows the part's live distribution of answers when the
facilitator shows it, each statement only once at least the minimum group has answered it. Self-paced mode stays
for remote use. Every change is checked against the facilitator who runs the workshop (rooms.check_runs).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from toolkit.access.accounts import Identity
from toolkit.access.scope import OPERATOR
from toolkit.core import ids
from toolkit.core.frameworks import Catalogue
from toolkit.store.audit import record
from toolkit.store.models import Rating, Respondent, WorkshopParticipant
from toolkit.workshops.answering import Statement, statements_for
from toolkit.workshops.codes import format_code, normalise_code
from toolkit.workshops.participants import steps_for
from toolkit.workshops.rooms import JoinError, WorkshopInfo, check_runs, info_of, load_row

PACES = ("self", "presenter")
PACE_NAMES = {"self": "Self-paced (each phone at its own speed)", "presenter": "Presenter-paced (you move the room)"}
WAITING = "Wait for the facilitator to start the first part: it appears here on its own."


@dataclass(frozen=True)
class Part:
    """One part the room moves through: a stage of the journey or a group of the 12 C's."""

    key: str
    title: str
    framework: str


def parts_of(w: WorkshopInfo, cat: Catalogue) -> list[Part]:
    """The workshop's parts in journey order (a part any level rates; each level rates its own statements of it)."""
    found: dict[str, Part] = {}
    for level in ids.LEVELS:
        for step in steps_for(w, level, cat):
            found.setdefault(step.key, Part(step.key, step.title, step.framework))
    order = list(ids.STAGES) + [g.id for g in cat.twelve_cs.groups]
    return sorted(found.values(), key=lambda p: order.index(p.key))


def part_statements(w: WorkshopInfo, level: str, cat: Catalogue) -> list[Statement]:
    """What the phone walks through now: the whole walk when self-paced; presenter-paced, only the part on now
    (numbered within the part, its step the part's place among the workshop's parts), nothing before the first."""
    every = statements_for(w, level, cat)
    if not w.paced:
        return every
    keys = [p.key for p in parts_of(w, cat)]
    if w.part not in keys:
        return []
    steps = steps_for(w, level, cat)
    mine = [s for s in every if steps[s.step].key == w.part]  # none when this level has no statement in the part
    return [replace(s, index=k, step=keys.index(w.part), steps=len(keys)) for k, s in enumerate(mine)]


def _load(code: str, session: Session, actor: Identity | None):
    found = load_row(normalise_code(code), session)
    if found is None:
        raise JoinError(f"No workshop has the code {format_code(code)}.")
    w, area, cycle = found
    check_runs(actor, w)
    if w.status == "closed":
        raise ValueError("this workshop has closed")
    return w, area, cycle


def set_pace(
    code: str, pace: str, *, session: Session, cat: Catalogue, actor: Identity | None = OPERATOR
) -> WorkshopInfo:
    """Self-paced or presenter-paced; presenter-paced starts at the first part, hidden on the projector. Audited."""
    if not isinstance(pace, str) or pace not in PACES:
        raise ValueError(f"choose the pace from {', '.join(PACES)}")
    w, area, cycle = _load(code, session, actor)
    before = {"pace": w.pace, "part": w.part}
    w.pace = pace
    if pace == "presenter" and w.part is None:
        parts = parts_of(info_of(w, area, cycle), cat)
        w.part = parts[0].key if parts else None
        w.part_shown = False
    session.flush()
    record(
        "workshop.pace", actor=getattr(actor, "username", ""), session=session, area_id=w.area_id,
        target=f"workshop {w.code}", before=before, after={"pace": w.pace, "part": w.part},
    )  # fmt: skip
    return info_of(w, area, cycle)


def move_to(
    code: str, part: str, *, session: Session, cat: Catalogue, actor: Identity | None = OPERATOR
) -> WorkshopInfo:
    """Put the room on this part (one of the workshop's parts, or refused); its live answers start hidden."""
    w, area, cycle = _load(code, session, actor)
    info = info_of(w, area, cycle)
    if not info.paced:
        raise ValueError("the workshop is self-paced: choose presenter-paced first")
    if not isinstance(part, str) or part not in [p.key for p in parts_of(info, cat)]:
        raise ValueError("that part is not one of this workshop's")
    before = w.part
    w.part, w.part_shown = part, False
    session.flush()
    record(
        "workshop.part", actor=getattr(actor, "username", ""), session=session, area_id=w.area_id,
        target=f"workshop {w.code}", before={"part": before}, after={"part": part},
    )  # fmt: skip
    return info_of(w, area, cycle)


def show_part(code: str, shown: bool, *, session: Session, actor: Identity | None = OPERATOR) -> WorkshopInfo:
    """Show (or hide) the part's live answers on the projector."""
    w, area, cycle = _load(code, session, actor)
    w.part_shown = bool(shown)
    session.flush()
    return info_of(w, area, cycle)


@dataclass(frozen=True)
class LiveStatement:
    """One statement of the part on the projector: how many gave each point, or None while too few have answered."""

    text: str
    n: int  # answers so far, don't know included
    counts: dict[int, int] | None  # point -> people; None while fewer than the minimum group answered
    dont_know: int | None


@dataclass(frozen=True)
class LivePart:
    part: Part | None
    statements: list[LiveStatement]
    min_n: int


def live_part(w: WorkshopInfo, *, session: Session, cat: Catalogue, min_n: int) -> LivePart:
    """The part on now, each of its statements with the room's distribution so far (small counts hidden)."""
    parts = {p.key: p for p in parts_of(w, cat)}
    part = parts.get(w.part or "")
    if part is None:
        return LivePart(None, [], min_n)
    items: dict[str, str] = {}
    for level in ids.LEVELS:
        for step in steps_for(w, level, cat):
            if step.key == part.key:
                items.update({i.id: i.text for i in step.items})
    rows = session.execute(
        select(Rating.item, Rating.score)
        .join(Respondent, Respondent.id == Rating.respondent_id)
        .join(
            WorkshopParticipant,
            and_(WorkshopParticipant.workshop_id == w.id, WorkshopParticipant.pseudonym == Respondent.pseudonym),
        )
        .where(Respondent.cycle_id == w.cycle_id, Rating.framework == part.framework, Rating.item.in_(list(items)))
    ).all()
    out = []
    for item, text in items.items():
        points = [p.value for p in cat.item_scale(part.framework, item).points]
        scores = [s for i, s in rows if i == item]
        if len(scores) < min_n:
            out.append(LiveStatement(text, len(scores), None, None))
            continue
        counts = {p: sum(1 for s in scores if s == p) for p in points}
        out.append(LiveStatement(text, len(scores), counts, sum(1 for s in scores if s is None)))
    return LivePart(part, out, min_n)
