"""The room's choice turned into the action plan in the same session, on the projector: the intervention the room
chose (one on the shortlist), the goal, and its first step with owner, messenger, channel and date.

It goes through the one write path of plans (store.plans: the decision, the goal, the step, each audited), for the
facilitator who runs the workshop and may change the area's plan; any value a page did not offer is refused there or
here (an intervention off the shortlist, a messenger or channel not in the implementation guidance).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from toolkit.access.accounts import Identity
from toolkit.access.scope import authorise
from toolkit.core.frameworks import Catalogue
from toolkit.store.plans import action_plan, add_goal, add_step, decisions, record_decision, shortlist
from toolkit.workshops.rooms import check_runs, find_workshop


@dataclass(frozen=True)
class PlanLine:
    """One goal of the cycle's plan as the projector shows it, with its first step."""

    goal: str
    step: str
    owner: str
    messenger: str
    channel: str
    due: date | None


def agree_plan(
    actor: Identity | None,
    code: str,
    intervention: str,
    *,
    goal: str,
    first_step: str,
    owner: str = "",
    messenger: str | None = None,
    channel: str | None = None,
    due: date | None = None,
    session: Session,
    cat: Catalogue,
) -> int:
    """Select the room's intervention, make it a goal of the cycle's plan and add its first step; the goal's id."""
    w = find_workshop(code, session=session)
    check_runs(actor, w)
    authorise(actor, "edit_action_plan", w.area_id)
    assert actor is not None  # refused above otherwise
    if w.status == "closed":
        raise ValueError("this workshop has closed: change the plan on the action plan page")
    if intervention not in shortlist(w.ref, session=session):
        raise ValueError("choose an intervention on the room's shortlist")
    if not (first_step or "").strip():
        raise ValueError("write the first step")
    if due is not None and not isinstance(due, date):
        raise ValueError("the date must be a date")
    guide = cat.get("implementation_guidance")
    if messenger and messenger not in {m.id for m in guide.messengers}:
        raise ValueError("choose a messenger from the implementation guidance")
    if channel and channel not in {c.id for c in guide.channels}:
        raise ValueError("choose a channel from the implementation guidance")
    if not decisions(w.ref, session=session).get(intervention, {}).get("selected"):
        record_decision(
            w.ref, intervention, True, f"Chosen by the room in workshop {w.code}.", session=session,
            by=actor.username, cat=cat,
        )  # fmt: skip
    gid = add_goal(w.ref, intervention, session=session, title=goal, by=actor.username, cat=cat)
    add_step(
        gid, first_step, session=session, owner=owner, messenger=messenger or None, channel=channel or None, due=due,
        by=actor.username, cat=cat,
    )  # fmt: skip
    return gid


def plan_lines(code: str, *, session: Session, cat: Catalogue) -> list[PlanLine]:
    """The cycle's plan for the projector: each goal with its first step (names, not ids)."""
    w = find_workshop(code, session=session)
    guide = cat.get("implementation_guidance")
    messengers = {m.id: m.name for m in guide.messengers}
    channels = {c.id: c.name for c in guide.channels}
    out = []
    for g in action_plan(w.ref, session=session)["goals"]:
        s = g["steps"][0] if g["steps"] else None
        out.append(
            PlanLine(
                g["title"],
                s["text"] if s else "",
                s["owner"] if s else "",
                messengers.get(s["messenger"], "") if s and s["messenger"] else "",
                channels.get(s["channel"], "") if s and s["channel"] else "",
                s["due"] if s else None,
            )
        )
    return out
