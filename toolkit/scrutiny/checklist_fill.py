"""What the toolkit's records hold on each yearly report checklist point, and which records those are.

A point is filled only from records that answer it: notes the scrutineer logged against the point itself, and for
a few points a record made for that purpose (the decision trail for what partners did and the impact seen, the
action plan for proposals for change and the outcomes sought, the sign-offs, the covering statement). Never the
toolkit's own inference (its journey priority, the number of cycles assessed): a point no record answers stays
empty, for the scrutineer to judge from the report itself.
"""

from __future__ import annotations

from toolkit.analysis.results import AreaAnalysis
from toolkit.core import ids
from toolkit.core.frameworks import Catalogue
from toolkit.scrutiny.checklist import PARTNERS, signed_in_words
from toolkit.scrutiny.evidence import CHECKLIST
from toolkit.scrutiny.fields import counted

EVIDENCE_LOG = "evidence log: notes logged against this point"
TRAIL = "decision trail"
PLAN = "action plan"
SIGN_OFFS = "sign-offs by account"
STATEMENT = "covering statement"
RATINGS = "self-assessment ratings and the scrutineer's notes on them"
CHANGE = "change between cycles (the analysis)"
OUTCOME_TIERS = ("intermediate_outcomes", "ultimate_outcomes")


def _from_notes(entries: list[dict], criterion: str) -> str:
    """The notes logged against a checklist point, in words, or '' if none."""
    notes = [e for e in entries if e["link"] == f"check:{criterion}"]
    if not notes:
        return ""
    sup = sum(e["judgement"] == "supports" for e in notes)
    numbers = ", ".join("#" + str(e["id"]) for e in notes)
    latest = notes[0]["note"]
    latest = latest if len(latest) <= 160 else latest[:157] + "..."
    return (
        f"{counted(len(notes), 'note')} ({sup} supporting, {len(notes) - sup} challenging): {numbers}. Latest: {latest}"
    )


def checklist_evidence(
    analysis: AreaAnalysis | None,
    entries: list[dict],
    steps: list[dict],
    assured: dict,
    goals: list[dict],
    cat: Catalogue,
) -> dict[str, tuple[str, str]]:
    """{criterion: (what the records hold, which records)} for the points some record answers."""
    out: dict[str, tuple[str, str]] = {}
    stage_c = [e for e in entries if e["link"].startswith(("stage:", "c:"))]
    outcomes = [t for t in steps if t["outcome"]]
    changes = [t for t in steps if t["practice_change"]]
    if steps:
        out["contains_what_done"] = (
            f"{counted(len(steps), 'partner decision')} in the decision trail, {len(changes)} with a practice change "
            "recorded.",
            TRAIL,
        )
    if analysis and analysis.respondents:
        stages = ", ".join(
            f"{ids.STAGE_NAMES[s]} {c.mean:.1f}" for s, c in analysis.opm.by_stage.items() if c.mean is not None
        )
        sup = sum(e["judgement"] == "supports" for e in stage_c)
        out["contains_effectiveness"] = (
            f"Self-assessment by {analysis.respondents} people: {stages or 'stage scores suppressed'}. Scrutiny notes "
            f"on stages and C's: {sup} support, {len(stage_c) - sup} challenge.",
            RATINGS,
        )
    change = analysis.change if analysis else None
    measures = [m for m in (change.measures if change else []) if m.kind in ("stage", "c")]
    if outcomes or measures:
        bits, srcs = [], []
        if outcomes:
            bits.append(f"{counted(len(outcomes), 'decision')} traced to an outcome seen")
            srcs.append(TRAIL)
        if measures and change:
            up = [m.label for m in measures if m.significant and (m.difference or 0) > 0]
            bits.append(f"since {change.from_}, {len(up)} of {len(measures)} stages and C's improved clearly")
            srcs.append(CHANGE)
        text = "; ".join(bits)
        out["contains_impact_evidence"] = (text[:1].upper() + text[1:] + ".", "; ".join(srcs))
    if outcomes:
        out["develop_impact_not_governance"] = (
            f"{counted(len(outcomes), 'decision')} traced through practice to an outcome seen.",
            TRAIL,
        )
    if goals:
        stalled = [g for g in goals if g["steps"] and not any(s["status"] == "done" for s in g["steps"])]
        out["assure_proposals_for_change"] = (
            f"The partners' action plan has {counted(len(goals), 'goal')}: "
            + "; ".join(g["title"] for g in goals[:5])
            + ("; ..." if len(goals) > 5 else "")
            + ".",
            PLAN,
        )
        if stalled:
            out["contains_little_progress"] = (
                f"{counted(len(stalled), 'agreed goal')} with no step done yet: "
                + "; ".join(g["title"] for g in stalled[:5])
                + ".",
                PLAN,
            )
        sought = list(
            dict.fromkeys(
                n for g in goals for n in g["toc_nodes"] if n in cat.nodes and cat.nodes[n].tier in OUTCOME_TIERS
            )
        )
        if sought:
            out["scrutiny_outcomes_sought"] = (
                "The action plan's goals aim at these outcomes: " + "; ".join(cat.nodes[n].label for n in sought) + ".",
                PLAN,
            )
    signs = assured.get("signoffs", {})
    signed = [f"{ids.AGENCY_NAMES[p]}: {signed_in_words(signs[p])}" for p in PARTNERS if p in signs]
    waiting = [ids.AGENCY_NAMES[p] for p in PARTNERS if p not in signs]
    tail = f"; waiting for {', '.join(waiting)}." if waiting else "."
    out["assure_partner_signoff"] = (
        f"Signed off by {'; '.join(signed)}{tail}"
        if signed
        else "No partner has signed off the report in the toolkit yet.",
        SIGN_OFFS,
    )
    if assured.get("statement"):
        at = assured.get("statement_at")
        when = f", saved {at:%Y-%m-%d %H:%M} UTC" if at else ""
        out["assure_scrutineer_statement"] = (
            f"Covering statement by {assured.get('statement_by') or 'the scrutineer'}{when} "
            f"({len(assured['statement'].split())} words).",
            STATEMENT,
        )
    else:
        out["assure_scrutineer_statement"] = ("No covering statement written in the toolkit yet.", STATEMENT)
    for criterion in [c.id for c in cat.get(CHECKLIST).criteria]:
        if note := _from_notes(entries, criterion):
            text, src = out.get(criterion, ("", ""))
            out[criterion] = (
                f"{text} {note}".strip() if text else note,
                f"{src}; {EVIDENCE_LOG}" if src else EVIDENCE_LOG,
            )
    return out
