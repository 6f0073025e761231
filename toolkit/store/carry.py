"""Carrying an action plan into the next cycle: goals and steps copied, the old version kept."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from toolkit.store.areas import CycleRef
from toolkit.store.audit import record
from toolkit.store.models import PlanGoal, PlanStep


def goals_to_carry(src: CycleRef, dst: CycleRef, *, session: Session) -> int:
    """How many of a cycle's goals have not yet been carried into another cycle."""
    done = set(session.scalars(select(PlanGoal.carried_from_id).where(PlanGoal.cycle_id == dst.cycle_id)))
    return sum(
        1 for g in session.scalars(select(PlanGoal.id).where(PlanGoal.cycle_id == src.cycle_id)) if g not in done
    )


def carry_plan_forward(src: CycleRef, dst: CycleRef, *, session: Session, by: str = "") -> int:
    """Copy a cycle's plan into the next cycle (the old version is kept); returns how many goals were copied.

    Goals already carried into the new cycle are not copied twice.
    """
    if src.cycle_id == dst.cycle_id:
        raise ValueError("a plan is carried into a different cycle")
    done = set(session.scalars(select(PlanGoal.carried_from_id).where(PlanGoal.cycle_id == dst.cycle_id)))
    n = session.scalar(select(func.count(PlanGoal.id)).where(PlanGoal.cycle_id == dst.cycle_id)) or 0
    copied = 0
    for g in session.scalars(select(PlanGoal).where(PlanGoal.cycle_id == src.cycle_id).order_by(PlanGoal.position)):
        if g.id in done:
            continue
        new = PlanGoal(
            cycle_id=dst.cycle_id,
            intervention=g.intervention,
            title=g.title,
            toc_nodes=list(g.toc_nodes or []),
            items=list(g.items or []),
            set_in=g.set_in,
            carried_from_id=g.id,
            position=n + copied,
            created_by=by,
        )
        new.steps = [
            PlanStep(
                position=s.position,
                text=s.text,
                owner=s.owner,
                messenger=s.messenger,
                channel=s.channel,
                due=s.due,
                status=s.status,
                updated_by=s.updated_by,
            )
            for s in g.steps
        ]
        session.add(new)
        copied += 1
    session.flush()
    record(
        "plan_carried",
        actor=by,
        session=session,
        area_id=dst.area_id,
        target=f"{src.cycle} -> {dst.cycle}",
        after={"goals": copied},
    )
    return copied
