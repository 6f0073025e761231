"""The yearly report: its checklist judged by the scrutineer, the partners' sign-off and the covering statement."""

# The Wood Report (2021) asks for the yearly report to be the three partners' signed statement of assurance with a
# scrutineer's covering statement (paragraphs 110-116).

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from toolkit.analysis.results import AreaAnalysis
from toolkit.core import ids
from toolkit.core.browse import cite
from toolkit.core.frameworks import Catalogue
from toolkit.scrutiny.evidence import SOURCES
from toolkit.scrutiny.fields import ScrutinyError, author, counted, note_text
from toolkit.store.areas import find_cycle
from toolkit.store.audit import record
from toolkit.store.models import ReportAssurance, ReportCheck, utcnow

CHECK_STATUSES = {
    "not_checked": "Not checked yet",
    "evidenced": "Evidenced",
    "partly": "Partly evidenced",
    "not_evidenced": "Not evidenced",
}
PARTNERS = ("local_authority", "police", "health")  # the three statutory safeguarding partners
CHECKLIST = "yearly_report"


def set_check(
    area: str, cycle: str, criterion: str, status: str, note: str = "", *, by: str, session: Session, cat: Catalogue
) -> None:
    """Record the scrutineer's judgement of one checklist point (evidenced, partly, not evidenced)."""
    if criterion not in {c.id for c in cat.get(CHECKLIST).criteria}:
        raise ScrutinyError(f"{criterion!r} is not a point of the yearly report checklist.")
    if status not in CHECK_STATUSES:
        raise ScrutinyError(f"status must be one of {', '.join(CHECK_STATUSES)}, not {status!r}.")
    c = find_cycle(area, cycle, session=session)
    row = session.scalar(select(ReportCheck).where(ReportCheck.cycle_id == c.id, ReportCheck.criterion == criterion))
    before = None if row is None else {"status": row.status, "note": row.note}
    if row is None:
        row = ReportCheck(cycle_id=c.id, criterion=criterion)
        session.add(row)
    row.status, row.note = status, note_text(note, "The note", required=False)
    row.updated_by, row.updated_at = author(by), utcnow()
    session.flush()
    record(
        "judgement",
        actor=row.updated_by,
        session=session,
        area_id=c.area_id,
        target=f"{cycle} {criterion}",
        before=before,
        after={"status": row.status, "note": row.note},
    )


def checks(area: str, cycle: str, *, session: Session) -> dict[str, dict]:
    """The scrutineer's checklist judgements: {criterion: {"status", "note"}}."""
    c = find_cycle(area, cycle, session=session)
    rows = session.scalars(select(ReportCheck).where(ReportCheck.cycle_id == c.id))
    return {r.criterion: {"status": r.status, "note": r.note} for r in rows}


def _assurance_row(area: str, cycle: str, session: Session) -> tuple[ReportAssurance, int]:
    c = find_cycle(area, cycle, session=session)
    row = session.scalar(select(ReportAssurance).where(ReportAssurance.cycle_id == c.id))
    if row is None:
        row = ReportAssurance(cycle_id=c.id, signoffs={}, statement="", statement_by="")
        session.add(row)
    return row, c.area_id


def sign_off(
    area: str, cycle: str, partner: str, name: str, on: date | None, *, session: Session, by: str = ""
) -> None:
    """Record that a statutory partner approved the report (a blank name withdraws the sign-off)."""
    if partner not in PARTNERS:
        raise ScrutinyError(f"partner must be one of {', '.join(PARTNERS)}, not {partner!r}.")
    row, area_id = _assurance_row(area, cycle, session)
    signs = dict(row.signoffs or {})
    before = signs.get(partner)
    name = author(name)
    if name:
        signs[partner] = {"by": name, "on": on.isoformat() if on else ""}
    else:
        signs.pop(partner, None)
    row.signoffs = signs
    session.flush()
    if before != signs.get(partner):
        record(
            "sign_off",
            actor=author(by) or name,
            session=session,
            area_id=area_id,
            target=f"{cycle} {partner}",
            before=before,
            after=signs.get(partner),
        )


def set_statement(area: str, cycle: str, text: str, *, by: str, session: Session) -> None:
    """Save the independent scrutineer's covering statement on the yearly report."""
    row, area_id = _assurance_row(area, cycle, session)
    before = {"statement": row.statement} if row.statement else None
    row.statement = note_text(text, "The statement", required=False)
    row.statement_by, row.statement_at = author(by), utcnow()
    session.flush()
    record(
        "statement",
        actor=row.statement_by,
        session=session,
        area_id=area_id,
        target=cycle,
        before=before,
        after={"statement": row.statement},
    )


def assurance(area: str, cycle: str, *, session: Session) -> dict:
    """Sign-offs and the scrutineer's statement: {"signoffs": {partner: {"by", "on"}}, "statement", "statement_by"}."""
    c = find_cycle(area, cycle, session=session)
    row = session.scalar(select(ReportAssurance).where(ReportAssurance.cycle_id == c.id))
    if row is None:
        return {"signoffs": {}, "statement": "", "statement_by": ""}
    return {"signoffs": dict(row.signoffs or {}), "statement": row.statement, "statement_by": row.statement_by}


def _sentence(text: str) -> str:
    """Text with its first letter upper case (the rest as written) and a full stop."""
    return text[:1].upper() + text[1:] + "."


def checklist_evidence(
    analysis: AreaAnalysis | None, entries: list[dict], steps: list[dict], assured: dict, cycles: list[str]
) -> dict[str, str]:
    """What the toolkit's own records say about each checklist point (points it knows nothing about are left out)."""
    out: dict[str, str] = {}
    sources = {s: sum(e["source"] == s for e in entries) for s in SOURCES}
    challenges = [e for e in entries if e["judgement"] == "challenges"]
    outcomes = [t for t in steps if t["outcome"]]
    changes = [t for t in steps if t["practice_change"]]
    if steps:
        out["contains_what_done"] = (
            f"{counted(len(steps), 'partner decision')} in the decision trail, {len(changes)} with a practice change recorded."
        )
    if analysis and analysis.respondents:
        stages = ", ".join(
            f"{ids.STAGE_NAMES[s]} {c.mean:.1f}" for s, c in analysis.opm.by_stage.items() if c.mean is not None
        )
        prio = analysis.opm.priority_stage
        out["contains_effectiveness"] = (
            f"Self-assessment by {analysis.respondents} people: {stages or 'stage scores suppressed'}"
            + (f"; journey priority {ids.STAGE_NAMES[prio]}" if prio else "")
            + f". Scrutiny notes: {sum(e['judgement'] == 'supports' for e in entries)} support, {len(challenges)} challenge."
        )
        if prio:
            out["assure_proposals_for_change"] = (
                f"The self-assessment names {ids.STAGE_NAMES[prio]} as the first stage to work on: {analysis.opm.priority_reason}"
            )
    change = analysis.change if analysis else None
    measures = [m for m in (change.measures if change else []) if m.kind in ("stage", "c")]
    since = change.from_ if change else ""
    if outcomes or measures:
        bits = [f"{counted(len(outcomes), 'decision')} traced to an outcome seen"] if outcomes else []
        if measures:
            up = [m.label for m in measures if m.significant and (m.difference or 0) > 0]
            bits.append(f"since {since}, {len(up)} of {len(measures)} stages and C's improved clearly")
        out["contains_impact_evidence"] = _sentence("; ".join(bits))
    if measures:
        flat = [str(m.label) for m in measures if not (m.significant and (m.difference or 0) > 0)]
        out["contains_little_progress"] = f"No clear improvement since {since}: {', '.join(flat) or 'none'}."
    if sources["case_review"]:
        out["contains_review_actions"] = (
            f"{counted(sources['case_review'], 'note')} drawn from case reviews in the evidence log."
        )
    if outcomes:
        out["develop_impact_not_governance"] = (
            f"{counted(len(outcomes), 'decision')} traced through practice to an outcome seen."
        )
    if entries or (analysis and analysis.respondents):
        kinds = ", ".join(f"{SOURCES[s].lower()} {k}" for s, k in sources.items() if k)
        people = f"ratings from {analysis.respondents} people" if analysis and analysis.respondents else ""
        out["develop_systematic_evidence"] = _sentence(
            "; ".join(x for x in (people, f"evidence notes by source: {kinds}" if kinds else "") if x)
        )
    if len(cycles) > 1:
        out["develop_evidence_base"] = (
            f"Assessed in {len(cycles)} cycles ({', '.join(cycles)}), so change can be measured between them."
        )
    if sources["case_review"] or changes:
        out["develop_learning_cycle"] = (
            f"{counted(sources['case_review'], 'case-review note')}; {counted(len(changes), 'practice change')} traced to partner decisions."
        )
    signs = assured.get("signoffs", {})
    signed = [
        f"{ids.AGENCY_NAMES[p]} ({signs[p]['by']}, {signs[p]['on'] or 'no date'})" for p in PARTNERS if p in signs
    ]
    waiting = [ids.AGENCY_NAMES[p] for p in PARTNERS if p not in signs]
    if not signed:
        out["assure_partner_signoff"] = "No partner has signed off the report in the toolkit yet."
    else:
        tail = f"; waiting for {', '.join(waiting)}." if waiting else "."
        out["assure_partner_signoff"] = f"Signed off by {', '.join(signed)}{tail}"
    out["assure_scrutineer_statement"] = (
        f"Covering statement written by {assured.get('statement_by') or 'the scrutineer'} ({len(assured['statement'].split())} words)."
        if assured.get("statement")
        else "No covering statement written in the toolkit yet."
    )
    return out


def checklist(cat: Catalogue, found: dict[str, str], judged: dict[str, dict]) -> pd.DataFrame:
    """The yearly report checklist: each point, its source, the toolkit's evidence and the scrutineer's judgement."""
    fw = cat.get(CHECKLIST)
    groups = {g.id: g.name for g in fw.groups}
    rows = []
    for c in fw.criteria:
        j = judged.get(c.id, {})
        rows.append(
            {
                "criterion": c.id,
                "group": groups.get(c.id.split("_")[0], ""),
                "point": c.name,
                "question": c.question or "",
                "source": cite(c.source, fw) if c.source else "",
                "toolkit_evidence": found.get(c.id, ""),
                "status": j.get("status", "not_checked"),
                "note": j.get("note", ""),
            }
        )
    return pd.DataFrame(rows)
