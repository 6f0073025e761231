"""Shortlists, APEASE scores, decisions and action plans (goals and steps) as stored."""

from __future__ import annotations

from datetime import date
from typing import cast

from sqlalchemy import (
    func,
    select,
)
from sqlalchemy.orm import Session

from toolkit.core import ids
from toolkit.core.catalogue import catalogue
from toolkit.store.areas import CycleRef, NotFound, clean_text
from toolkit.store.audit import area_of_cycle, record
from toolkit.store.models import ApeaseScore, InterventionDecision, PlanGoal, PlanStep, ShortlistEntry, utcnow

STEP_STATUSES = ("not_started", "in_progress", "done", "blocked")


def _catalogue(cat):
    if cat is not None:
        return cat
    return catalogue()


def _known_intervention(intervention: str, cat) -> None:
    if intervention not in {iv.id for iv in _catalogue(cat).interventions}:
        raise ValueError(f"no intervention {intervention!r} in the intervention libraries")


def shortlist_add(ref: CycleRef, intervention: str, *, session: Session, by: str = "", cat=None) -> None:
    """Put an intervention on the cycle's shortlist (again is a no-op), after those already there."""
    _known_intervention(intervention, cat)
    rows = session.scalars(select(ShortlistEntry).where(ShortlistEntry.cycle_id == ref.cycle_id)).all()
    if any(r.intervention == intervention for r in rows):
        return
    position = max((r.position for r in rows), default=-1) + 1
    session.add(
        ShortlistEntry(
            cycle_id=ref.cycle_id, intervention=intervention, position=position, added_by=clean_text(by, 100)
        )
    )
    session.flush()
    record("shortlist_add", actor=by, session=session, area_id=ref.area_id, target=f"{ref.cycle} {intervention}")


def shortlist_remove(ref: CycleRef, intervention: str, *, session: Session, by: str = "") -> None:
    """Take an intervention off the shortlist; its APEASE scores stay, in case it comes back."""
    row = session.scalar(
        select(ShortlistEntry).where(
            ShortlistEntry.cycle_id == ref.cycle_id, ShortlistEntry.intervention == intervention
        )
    )
    if row is not None:
        session.delete(row)
        session.flush()
        record("shortlist_remove", actor=by, session=session, area_id=ref.area_id, target=f"{ref.cycle} {intervention}")


def shortlist(ref: CycleRef, *, session: Session) -> list[str]:
    """The shortlisted intervention ids of an area and cycle, in the order they were added."""
    q = select(ShortlistEntry.intervention).where(ShortlistEntry.cycle_id == ref.cycle_id)
    return list(session.scalars(q.order_by(ShortlistEntry.position, ShortlistEntry.id)))


def record_apease(
    ref: CycleRef,
    intervention: str,
    criterion: str,
    rater: str,
    score: int | None,
    note: str = "",
    *,
    session: Session,
    cat=None,
) -> None:
    """Save one rater's score (on apease.yaml's scale, or None for don't know); a new score replaces their old one."""
    if criterion not in ids.APEASE:
        raise ValueError(f"criterion must be one of {', '.join(ids.APEASE)}, not {criterion!r}")
    scale = _catalogue(cat).scale("apease")
    if score is not None and not (isinstance(score, int) and scale.min <= score <= scale.max):
        raise ValueError(f"score must be a whole number from {scale.min} to {scale.max}, or blank, not {score!r}")
    rater, note = clean_text(rater, 100), clean_text(note)  # a typed name: the column holds 100 characters
    if not rater.strip():
        raise ValueError("a score needs a rater (a pseudonym or the facilitator's name)")
    if intervention not in shortlist(ref, session=session):
        raise ValueError(f"{intervention!r} is not on the shortlist of {ref.area} {ref.cycle}; shortlist it first")
    key = (ref.cycle_id, intervention, criterion, rater)
    cols = (ApeaseScore.cycle_id, ApeaseScore.intervention, ApeaseScore.criterion, ApeaseScore.rater)
    row = session.scalar(select(ApeaseScore).where(*(col == v for col, v in zip(cols, key, strict=True))))
    before = None if row is None else {"score": row.score, "note": row.note}
    if row is None:
        row = ApeaseScore(cycle_id=ref.cycle_id, intervention=intervention, criterion=criterion, rater=rater)
        session.add(row)
    row.score, row.note, row.updated_at = score, note, utcnow()
    session.flush()
    where = f"{ref.cycle} {intervention} {criterion} {rater}"
    record(
        "apease_score",
        actor=rater,
        session=session,
        area_id=ref.area_id,
        target=where,
        before=before,
        after={"score": score, "note": note},
    )


def apease_scores(ref: CycleRef, *, session: Session) -> list[dict]:
    """Every current APEASE score of an area and cycle: intervention, criterion, rater, score, note, when."""
    rows = session.scalars(select(ApeaseScore).where(ApeaseScore.cycle_id == ref.cycle_id).order_by(ApeaseScore.id))
    return [
        {
            "intervention": r.intervention,
            "criterion": r.criterion,
            "rater": r.rater,
            "score": r.score,
            "note": r.note,
            "when": r.updated_at,
        }
        for r in rows
    ]


def record_decision(
    ref: CycleRef,
    intervention: str,
    selected: bool,
    rationale: str = "",
    *,
    session: Session,
    by: str = "",
    cat=None,
) -> None:
    """Record whether an intervention is selected, and why; a later decision replaces the earlier one."""
    _known_intervention(intervention, cat)
    row = session.scalar(
        select(InterventionDecision).where(
            InterventionDecision.cycle_id == ref.cycle_id, InterventionDecision.intervention == intervention
        )
    )
    before = None if row is None else {"selected": row.selected, "rationale": row.rationale}
    if row is None:
        row = InterventionDecision(cycle_id=ref.cycle_id, intervention=intervention)
        session.add(row)
    row.selected, row.decided_at = bool(selected), utcnow()
    row.rationale, row.decided_by = clean_text(rationale), clean_text(by, 100)
    session.flush()
    record(
        "decision",
        actor=by,
        session=session,
        area_id=ref.area_id,
        target=f"{ref.cycle} {intervention}",
        before=before,
        after={"selected": row.selected, "rationale": row.rationale},
    )


def decisions(ref: CycleRef, *, session: Session) -> dict[str, dict]:
    """{intervention: {"selected", "rationale", "by", "when"}} for an area and cycle."""
    rows = session.scalars(select(InterventionDecision).where(InterventionDecision.cycle_id == ref.cycle_id))
    return {
        r.intervention: {"selected": r.selected, "rationale": r.rationale, "by": r.decided_by, "when": r.decided_at}
        for r in rows
    }


def add_goal(
    ref: CycleRef,
    intervention: str,
    *,
    session: Session,
    title: str = "",
    toc_nodes: list[str] | None = None,
    items: list[dict] | None = None,
    by: str = "",
    cat=None,
) -> int:
    """Turn an intervention selected in this cycle into a goal of the cycle's plan; returns the goal id."""
    cat = _catalogue(cat)
    iv = next((i for i in cat.interventions if i.id == intervention), None)
    if iv is None:
        raise ValueError(f"no intervention {intervention!r} in the intervention libraries")
    if not decisions(ref, session=session).get(intervention, {}).get("selected"):
        raise ValueError(f"{intervention!r} has not been selected in {ref.area} {ref.cycle}; record the decision first")
    nodes = list(iv.toc_nodes if toc_nodes is None else toc_nodes)
    unknown = [n for n in nodes if n not in cat.nodes]
    rated = {(fw.id, it) for fw in cat.rated for it in fw.item_index}
    bad_items = [i for i in items or [] if (i.get("framework"), i.get("item")) not in rated]
    if unknown or bad_items:
        raise ValueError(f"unknown Theory of Change nodes {unknown} or items {bad_items}")
    n = session.scalar(select(func.count(PlanGoal.id)).where(PlanGoal.cycle_id == ref.cycle_id)) or 0
    goal = PlanGoal(
        cycle_id=ref.cycle_id,
        intervention=intervention,
        title=clean_text(title) or iv.title,
        toc_nodes=nodes,
        items=[{"framework": i["framework"], "item": i["item"]} for i in items or []],
        set_in=ref.cycle,
        position=n,
        created_by=by,
    )
    session.add(goal)
    session.flush()
    record(
        "goal_added",
        actor=by,
        session=session,
        area_id=ref.area_id,
        target=f"goal #{goal.id}",
        after={"cycle": ref.cycle, "intervention": intervention, "title": goal.title},
    )
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
    goal_id: int,
    text: str,
    *,
    session: Session,
    owner: str = "",
    messenger: str | None = None,
    channel: str | None = None,
    due: date | None = None,
    status: str = "not_started",
    by: str = "",
    cat=None,
) -> int:
    """Add a step to a goal (messenger and channel ids from implementation_guidance.yaml); returns the step id."""
    _check_step(status, messenger, channel, cat)
    goal = session.get(PlanGoal, goal_id)
    if goal is None:
        raise NotFound(f"No goal {goal_id}.")
    if not text.strip():
        raise ValueError("a step needs some text")
    step = PlanStep(
        goal_id=goal_id,
        position=len(goal.steps),
        text=clean_text(text),
        owner=clean_text(owner, 200),
        messenger=messenger or None,
        channel=channel or None,
        due=due,
        status=status,
        updated_by=by,
    )
    session.add(step)
    session.flush()
    session.refresh(goal)
    record(
        "step_added",
        actor=by,
        session=session,
        area_id=area_of_cycle(goal.cycle_id, session=session),
        target=f"goal #{goal_id} step #{step.id}",
        after=_step_state(step),
    )
    return step.id


def _step_state(step: PlanStep) -> dict:
    """What the audit log keeps of a step."""
    return {
        "text": step.text,
        "owner": step.owner,
        "messenger": step.messenger,
        "channel": step.channel,
        "due": step.due.isoformat() if step.due else None,
        "status": step.status,
    }


_UNSET = object()


def update_step(
    step_id: int,
    *,
    session: Session,
    status: str | None = None,
    text: str | None = None,
    owner: str | None = None,
    messenger=_UNSET,
    channel=_UNSET,
    due=_UNSET,
    by: str = "",
    cat=None,
) -> None:
    """Change a step: its status, text, owner, messenger, channel or due date (pass None to clear those three)."""
    step = session.get(PlanStep, step_id)
    if step is None:
        raise NotFound(f"No step {step_id}.")
    new_messenger = step.messenger if messenger is _UNSET else cast("str | None", messenger)
    new_channel = step.channel if channel is _UNSET else cast("str | None", channel)
    _check_step(status or step.status, new_messenger, new_channel, cat)
    before = _step_state(step)
    step.status = status or step.status
    step.text = step.text if text is None else clean_text(text)
    step.owner = step.owner if owner is None else clean_text(owner, 200)
    step.messenger, step.channel = new_messenger or None, new_channel or None
    step.due = step.due if due is _UNSET else cast("date | None", due)
    step.updated_by, step.updated_at = by, utcnow()
    session.flush()
    goal = session.get(PlanGoal, step.goal_id)
    record(
        "step_changed",
        actor=by,
        session=session,
        area_id=area_of_cycle(goal.cycle_id, session=session) if goal else None,
        target=f"goal #{step.goal_id} step #{step.id}",
        before=before,
        after=_step_state(step),
    )


def delete_goal(goal_id: int, *, session: Session, by: str = "") -> None:
    """Remove a goal and its steps from its plan (the audit log keeps what went)."""
    goal = session.get(PlanGoal, goal_id)
    if goal is not None:
        gone = {"title": goal.title, "intervention": goal.intervention, "steps": [_step_state(s) for s in goal.steps]}
        area_id = area_of_cycle(goal.cycle_id, session=session)
        session.delete(goal)
        session.flush()
        record("goal_removed", actor=by, session=session, area_id=area_id, target=f"goal #{goal_id}", before=gone)


def action_plan(ref: CycleRef, *, session: Session) -> dict:
    """The action plan of an area in one cycle: its goals, each with its steps, in order."""
    goals = session.scalars(
        select(PlanGoal).where(PlanGoal.cycle_id == ref.cycle_id).order_by(PlanGoal.position, PlanGoal.id)
    )
    return {
        "area": ref.area,
        "cycle": ref.cycle,
        "goals": [
            {
                "id": g.id,
                "intervention": g.intervention,
                "title": g.title,
                "toc_nodes": list(g.toc_nodes or []),
                "items": list(g.items or []),
                "set_in": g.set_in,
                "carried_from": g.carried_from_id,
                "steps": [
                    {
                        "id": s.id,
                        "text": s.text,
                        "owner": s.owner,
                        "messenger": s.messenger,
                        "channel": s.channel,
                        "due": s.due,
                        "status": s.status,
                    }
                    for s in g.steps
                ],
            }
            for g in goals
        ],
    }
