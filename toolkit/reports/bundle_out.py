"""A whole area out as a bundle, in one JSON document: every cycle with its ratings and their history, assumption
reviews, shortlist, appraisals, decisions and plans, scrutiny evidence, trail, checklist judgements, sign-offs,
and workshops with their participants; the area's tags and context."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from toolkit.reports.bundle_doc import BUNDLE_FORMAT, BUNDLE_VERSION
from toolkit.reports.bundle_rows import cycle_parts_out
from toolkit.store.areas import find_area, ordered_cycles
from toolkit.store.models import (
    ApeaseScore,
    AssumptionReview,
    Cycle,
    InterventionDecision,
    PlanGoal,
    Rating,
    RatingHistory,
    Respondent,
    ShortlistEntry,
    TocVersion,
)


def _ts(dt: datetime | None) -> str | None:
    """A timestamp as ISO text in UTC (SQLite hands back naive UTC times, PostgreSQL aware ones: same text)."""
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).isoformat()


def export_bundle(area: str, *, session: Session) -> dict:
    """Everything stored about one area, every cycle: a JSON-ready document that `import_bundle` restores exactly."""
    a = find_area(area, session=session)
    cycles = ordered_cycles(a.id, session=session)
    goal_keys: dict[int, str] = {}
    names = {c.id: c.name for c in cycles}
    for c in cycles:
        goals = session.scalars(
            select(PlanGoal).where(PlanGoal.cycle_id == c.id).order_by(PlanGoal.position, PlanGoal.id)
        ).all()
        goal_keys |= {g.id: f"{c.name}#{k}" for k, g in enumerate(goals)}
    return {
        "format": BUNDLE_FORMAT,
        "version": BUNDLE_VERSION,
        "exported_at": _ts(datetime.now(UTC)),
        "area": {
            "name": a.name,
            "tags": dict(a.tags or {}),
            "context": dict(a.context or {}),
            "fictional": bool(a.fictional),
            "created_at": _ts(a.created_at),
        },
        "cycles": [_cycle_doc(c, goal_keys, session) for c in cycles],
        "toc_versions": [
            {
                "number": v.number,
                "cycle": names.get(v.cycle_id) if v.cycle_id is not None else None,
                "doc": v.doc,
                "note": v.note,
                "created_at": _ts(v.created_at),
                "created_by": v.created_by,
            }
            for v in session.scalars(select(TocVersion).where(TocVersion.area_id == a.id).order_by(TocVersion.number))
        ],
    }


def _cycle_doc(c: Cycle, goal_keys: dict[int, str], session: Session) -> dict:
    people = session.scalars(select(Respondent).where(Respondent.cycle_id == c.id).order_by(Respondent.pseudonym)).all()
    ratings: dict[int, list[Rating]] = {}
    for r in session.scalars(
        select(Rating)
        .join(Respondent, Respondent.id == Rating.respondent_id)
        .where(Respondent.cycle_id == c.id)
        .order_by(Rating.framework, Rating.item)
    ):
        ratings.setdefault(r.respondent_id, []).append(r)
    history: dict[int, list[RatingHistory]] = {}
    for h in session.scalars(
        select(RatingHistory)
        .join(Rating, Rating.id == RatingHistory.rating_id)
        .join(Respondent, Respondent.id == Rating.respondent_id)
        .where(Respondent.cycle_id == c.id)
        .order_by(RatingHistory.id)
    ):
        history.setdefault(h.rating_id, []).append(h)
    where = lambda model: select(model).where(model.cycle_id == c.id)  # noqa: E731
    goals = session.scalars(where(PlanGoal).order_by(PlanGoal.position, PlanGoal.id)).all()
    return {
        "name": c.name,
        "created_at": _ts(c.created_at),
        "starts_on": c.starts_on.isoformat() if c.starts_on else None,
        "respondents": [
            {
                "pseudonym": p.pseudonym,
                "agency": p.agency,
                "level": p.level,
                "created_at": _ts(p.created_at),
                "ratings": [
                    {
                        "framework": r.framework,
                        "item": r.item,
                        "score": r.score,
                        "comment": r.comment,
                        "updated_at": _ts(r.updated_at),
                        "history": [
                            {
                                "score": h.score,
                                "comment": h.comment,
                                "recorded_at": _ts(h.recorded_at),
                                "replaced_at": _ts(h.replaced_at),
                                "replaced_by": h.replaced_by,
                            }
                            for h in history.get(r.id, [])
                        ],
                    }
                    for r in ratings.get(p.id, [])
                ],
            }
            for p in people
        ],
        "assumption_reviews": [
            {
                "assumption": r.assumption,
                "status": r.status,
                "note": r.note,
                "updated_at": _ts(r.updated_at),
                "updated_by": r.updated_by,
            }
            for r in session.scalars(where(AssumptionReview).order_by(AssumptionReview.assumption))
        ],
        "shortlist": [
            {
                "intervention": r.intervention,
                "position": r.position,
                "added_by": r.added_by,
                "added_at": _ts(r.added_at),
            }
            for r in session.scalars(
                where(ShortlistEntry).order_by(ShortlistEntry.position, ShortlistEntry.intervention)
            )
        ],
        "apease_scores": [
            {
                "intervention": r.intervention,
                "criterion": r.criterion,
                "rater": r.rater,
                "score": r.score,
                "note": r.note,
                "updated_at": _ts(r.updated_at),
            }
            for r in session.scalars(
                where(ApeaseScore).order_by(ApeaseScore.intervention, ApeaseScore.criterion, ApeaseScore.rater)
            )
        ],
        "decisions": [
            {
                "intervention": r.intervention,
                "selected": r.selected,
                "rationale": r.rationale,
                "decided_by": r.decided_by,
                "decided_at": _ts(r.decided_at),
            }
            for r in session.scalars(where(InterventionDecision).order_by(InterventionDecision.intervention))
        ],
        "plan_goals": [
            {
                "key": goal_keys[g.id],
                "intervention": g.intervention,
                "title": g.title,
                "toc_nodes": list(g.toc_nodes or []),
                "items": list(g.items or []),
                "set_in": g.set_in,
                "carried_from": goal_keys.get(g.carried_from_id) if g.carried_from_id else None,
                "position": g.position,
                "created_by": g.created_by,
                "created_at": _ts(g.created_at),
                "steps": [
                    {
                        "position": s.position,
                        "text": s.text,
                        "owner": s.owner,
                        "messenger": s.messenger,
                        "channel": s.channel,
                        "due": s.due.isoformat() if s.due else None,
                        "status": s.status,
                        "updated_by": s.updated_by,
                        "updated_at": _ts(s.updated_at),
                    }
                    for s in g.steps
                ],
            }
            for g in goals
        ],
        **cycle_parts_out(c.id, session=session),
    }


def bundle_bytes(area: str, *, session: Session) -> bytes:
    """The bundle as UTF-8 JSON bytes, for a download or a file."""
    return json.dumps(export_bundle(area, session=session), ensure_ascii=False, indent=1).encode("utf-8")
