"""The report's intervention sections: the shortlist's APEASE appraisal, the action plan and last cycle's review."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from toolkit.analysis.config import Config
from toolkit.core import ids
from toolkit.core.frameworks import Catalogue
from toolkit.interventions.apease import aggregate
from toolkit.interventions.plan import plan_progress, plan_rows, review_plan
from toolkit.reports.blocks import Block, Paragraph, Table
from toolkit.store.areas import resolve_cycle
from toolkit.store.plans import action_plan, apease_scores, decisions, shortlist


def intervention_records(area: str, cycle: str, *, session: Session, cat: Catalogue, cfg: Config) -> dict:
    """The cycle's shortlist with its APEASE appraisal and decisions, its action plan with progress, and the review
    of the previous cycle's plan."""
    ref = resolve_cycle(area, cycle, session=session)
    agg = aggregate(apease_scores(ref, session=session))
    decided = decisions(ref, session=session)
    plan = action_plan(ref, session=session)
    return {
        "shortlist": shortlist(ref, session=session),
        "apease": agg,
        "decisions": decided,
        "plan": plan,
        "progress": plan_progress(plan, today=date.today()),
        "review": review_plan(area, cycle, session=session, cat=cat, cfg=cfg),
    }


def apease_blocks(plans: dict, cat: Catalogue, min_n: int) -> list[Block]:
    """The shortlist's APEASE appraisal, one row per intervention, with the decision and why (or a line saying none)."""
    if not plans["shortlist"]:
        return [Paragraph("No interventions appraised yet: nothing is on this cycle's shortlist.", "note")]
    criteria = cat.get("apease").criteria
    names = {iv.id: iv.title for iv in cat.interventions}

    def cell(st: dict | None) -> str:
        if not st or (st.get("n") or 0) == 0:
            return "don't know only" if st and st.get("dont_know") else "-"
        if st["n"] < min_n:  # one person's score could be read off a mean of too few
            return f"fewer than {min_n}"
        return f"{st['mean']:.1f} (n={st['n']})" + (" concern" if st.get("concern") else "")

    cols, overall, decision = [], [], []
    for iv in plans["shortlist"]:
        a = plans["apease"].get(iv, {"criteria": {}, "raters": 0})
        cols.append([cell(a["criteria"].get(c.id)) for c in criteria])
        shown = [a["criteria"][c.id]["mean"] for c in criteria if (a["criteria"].get(c.id, {}).get("n") or 0) >= min_n]
        overall.append(f"{sum(shown) / len(shown):.1f}" if shown else "-")
        d = plans["decisions"].get(iv)
        text = "not decided" if d is None else ("selected" if d["selected"] else "not selected")
        decision.append(text + (f": {d['rationale']}" if d and d.get("rationale") else ""))
    rows = [[c.name, *(col[k] for col in cols)] for k, c in enumerate(criteria)]
    rows += [["Overall", *overall], ["Decision", *decision]]
    return [
        Table(
            ["Criterion", *(names.get(iv) or iv for iv in plans["shortlist"])],
            rows,
            "Mean APEASE score (1-5, higher is better) and number of raters; 'concern' marks a mean below 3 or "
            f"split raters. Criteria scored by fewer than {min_n} people are not shown.",
            [1.2] + [2] * len(cols),
        ),
    ]


def plan_blocks(plans: dict, cat: Catalogue) -> list[Block]:
    """The action plan with each step's owner, due date and status, its progress, and whether last cycle's goals moved."""
    blocks: list[Block] = []
    plan, prog = plans["plan"], plans["progress"]["overall"]
    if not plan["goals"]:
        blocks.append(Paragraph("No action plan recorded yet for this cycle: no interventions appraised yet.", "note"))
    else:
        blocks.append(
            Paragraph(
                f"{len(plan['goals'])} goal{'s' if len(plan['goals']) != 1 else ''}, {prog['steps']} steps: {prog['done']} done, "
                f"{prog['in_progress']} in progress, {prog['blocked']} blocked, {prog['not_started']} not started; "
                f"{prog['overdue']} overdue ({prog['percent_complete']:.0f}% complete)."
            )
        )
        rows = [
            [
                r["goal"],
                r["step"] or "-",
                ids.AGENCY_NAMES.get(r["owner"], r["owner"]) or "-",
                r["due"] or "-",
                (r["status"] or "-").replace("_", " ") + (" (overdue)" if r["overdue"] else ""),
                r["messenger"] or "-",
            ]
            for r in plan_rows(plan, today=date.today(), cat=cat)
        ]
        blocks.append(
            Table(["Goal", "Step", "Owner", "Due", "Status", "Messenger"], rows, "", [1.7, 2.3, 1, 0.9, 1, 1.1])
        )
    if plans["review"]:
        blocks.append(
            Paragraph("Goals set in the previous cycle, and whether the statements they aimed to move moved:")
        )
        blocks.append(
            Table(
                ["Goal", "Verdict", "Statements"],
                [
                    [
                        g["goal"],
                        g["verdict"],
                        "; ".join(
                            f"{i['label']}: {i['difference']:+.2f} ({i['direction']})"
                            if i["measured"]
                            else f"{i['label']}: not measured"
                            for i in g["items"]
                        )
                        or "-",
                    ]
                    for g in plans["review"]
                ],
                "",
                [1.6, 0.8, 4],
            )
        )
    return blocks
