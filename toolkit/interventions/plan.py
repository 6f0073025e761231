"""Action plans: goals from selected interventions, progress of their steps, export, and whether the goal moved."""

from __future__ import annotations

from datetime import date

import pandas as pd

from toolkit.analysis.change import change_between
from toolkit.analysis.config import Config
from toolkit.analysis.results import ChangeMeasure, ItemStat
from toolkit.core.frameworks import Catalogue
from toolkit.core.schema import Intervention
from toolkit.store.areas import previous_cycle, resolve_cycle
from toolkit.store.plans import STEP_STATUSES, action_plan
from toolkit.store.ratings import ratings_frame

PLAN_COLUMNS = [
    "area",
    "cycle",
    "goal",
    "intervention",
    "set_in",
    "toc_nodes",
    "items",
    "step",
    "owner",
    "messenger",
    "channel",
    "due",
    "status",
    "overdue",
]


def _is_overdue(step: dict, today: date) -> bool:
    return step.get("due") is not None and step["due"] < today and step.get("status") != "done"


def progress(steps: list[dict], *, today: date) -> dict:
    """Steps by status, how many are overdue as of `today` (due before it and not done), and % complete."""
    counts = {s: 0 for s in STEP_STATUSES}
    for st in steps:
        counts[st["status"]] += 1
    overdue = [st for st in steps if _is_overdue(st, today)]
    total = len(steps)
    return {
        "steps": total,
        **counts,
        "overdue": len(overdue),
        "overdue_steps": [st.get("text", "") for st in overdue],
        "percent_complete": round(100 * counts["done"] / total, 1) if total else 0.0,
    }


def plan_progress(plan: dict, *, today: date) -> dict:
    """Progress of every goal of a plan and of the plan as a whole."""
    goals = [{"id": g.get("id"), "title": g["title"], **progress(g["steps"], today=today)} for g in plan["goals"]]
    every = [st for g in plan["goals"] for st in g["steps"]]
    return {"goals": goals, "overall": progress(every, today=today)}


def plan_rows(plan: dict, *, today: date | None = None, cat: Catalogue | None = None) -> list[dict]:
    """The plan as a table, one row per step (a goal with no steps gets one row), for CSV or XLSX."""
    names = {}
    if cat is not None:
        g = cat.get("implementation_guidance")
        names = {m.id: m.name for m in [*g.messengers, *g.channels]}
    rows = []
    for g in plan["goals"]:
        base = {
            "area": plan.get("area", ""),
            "cycle": plan.get("cycle", ""),
            "goal": g["title"],
            "intervention": g["intervention"],
            "set_in": g.get("set_in", ""),
            "toc_nodes": "; ".join(g["toc_nodes"]),
            "items": "; ".join(f"{i['framework']}:{i['item']}" for i in g["items"]),
        }
        for st in g["steps"] or [None]:
            if st is None:
                rows.append({**base, **dict.fromkeys(PLAN_COLUMNS[7:], "")})
                continue
            rows.append(
                {
                    **base,
                    "step": st["text"],
                    "owner": st.get("owner", ""),
                    "messenger": names.get(st.get("messenger"), st.get("messenger") or ""),
                    "channel": names.get(st.get("channel"), st.get("channel") or ""),
                    "due": st["due"].isoformat() if st.get("due") else "",
                    "status": st["status"],
                    "overdue": "yes" if today and _is_overdue(st, today) else "",
                }
            )
    return rows


def plan_frame(plan: dict, *, today: date | None = None, cat: Catalogue | None = None) -> pd.DataFrame:
    return pd.DataFrame(plan_rows(plan, today=today, cat=cat), columns=PLAN_COLUMNS)


def default_targets(iv: Intervention, cat: Catalogue, items: list[ItemStat] | None = None, limit: int = 6):
    """A goal's ToC nodes (the intervention's) and the items it should move: those tagged with them, weakest first."""
    nodes = list(iv.toc_nodes)
    means = {(i.framework, i.item): i.mean for i in items or []}
    tagged = [(fw.id, it.id) for fw in cat.rated for it in fw.items if set(it.toc_nodes) & set(nodes)]
    tagged.sort(key=lambda k: (means.get(k) is None, means.get(k) or 0.0))
    return nodes, [{"framework": f, "item": i} for f, i in tagged[:limit]]


def goal_movement(goal: dict, changes: list[ChangeMeasure]) -> dict:
    """Whether a goal's items moved between two cycles, from `change_between`'s measures; with a verdict."""
    by = {(c.framework, c.measure): c for c in changes if c.kind == "item"}
    items = []
    for i in goal["items"]:
        c = by.get((i["framework"], i["item"]))
        if c is None:
            items.append({**i, "label": i["item"], "measured": False})
            continue
        direction = ("up" if (c.difference or 0) > 0 else "down") if c.significant else "no clear change"
        items.append(
            {
                **i,
                "label": c.label,
                "measured": True,
                "before": c.before,
                "after": c.after,
                "difference": c.difference,
                "ci": [c.ci_low, c.ci_high],
                "direction": direction,
            }
        )
    moved = [x["direction"] for x in items if x["measured"]]
    if not moved:
        verdict = "not measured"
    elif "down" in moved and "up" not in moved:
        verdict = "worse"
    elif "up" in moved and "down" not in moved:
        verdict = "improved"
    elif "up" in moved:
        verdict = "mixed"
    else:
        verdict = "no clear change"
    return {"goal": goal["title"], "intervention": goal["intervention"], "items": items, "verdict": verdict}


def review_goals(
    goals: list[dict], before: pd.DataFrame, after: pd.DataFrame, cat: Catalogue, cfg: Config | None = None
) -> list[dict]:
    """At the next cycle: did each goal's items move? (change_between once, over both cycles' ratings)."""
    changes = change_between(before, after, cat, cfg or Config())
    return [goal_movement(g, changes) for g in goals]


def review_plan(area: str, cycle: str, *, session, cat: Catalogue, cfg: Config | None = None) -> list[dict]:
    """The plan set in the cycle before `cycle`, checked against `cycle`'s ratings."""
    ref = resolve_cycle(area, cycle, session=session)
    prev = previous_cycle(ref, session=session)
    if prev is None:
        return []
    plan = action_plan(prev, session=session)
    before = ratings_frame(prev, session=session, with_comments=False)
    after = ratings_frame(ref, session=session, with_comments=False)
    return review_goals(plan["goals"], before, after, cat, cfg)
