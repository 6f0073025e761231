"""Independent scrutiny: an evidence log, a decision-to-outcome trail, and the yearly report checklist with sign-off.

The Wood Report (2021) asks scrutiny to "trace a line between decisions taken by safeguarding partners and outcomes
for children and improvements in multi-agency practice" (paragraph 139) and for the yearly report to be the three
partners' signed statement of assurance with a scrutineer's covering statement (paragraphs 110-116).
"""

from __future__ import annotations

import io
from datetime import date
from functools import lru_cache

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from toolkit.analysis.results import AreaAnalysis, Cell, ItemStat
from toolkit.core import ids
from toolkit.core.frameworks import Catalogue
from toolkit.core.tables import safe_frame
from toolkit.core.text import md_cell
from toolkit.store.areas import clean_text, find_cycle
from toolkit.store.models import EvidenceEntry, ReportAssurance, ReportCheck, TrailEntry, utcnow

SOURCES = {"audit": "Audit", "document": "Document", "meeting": "Meeting", "case_review": "Case review"}
JUDGEMENTS = {"supports": "Supports the self-rating", "challenges": "Challenges the self-rating"}
CHECK_STATUSES = {
    "not_checked": "Not checked yet",
    "evidenced": "Evidenced",
    "partly": "Partly evidenced",
    "not_evidenced": "Not evidenced",
}
PARTNERS = ("local_authority", "police", "health")  # the three statutory safeguarding partners
CHECKLIST = "yearly_report"
MAX_TEXT = 4000


class ScrutinyError(ValueError):
    """A scrutiny record that cannot be saved; the message says what to fix."""


# ---- links: what a note is about ---------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def link_options(cat: Catalogue) -> dict[str, str]:
    """Everything a note can be linked to, value -> label: stages, C's, Theory of Change nodes, then statements."""
    out = {f"stage:{s}": f"Stage: {ids.STAGE_NAMES[s]}" for s in ids.STAGES}
    out |= {f"c:{c.id}": f"C: {c.number}. {c.name}" for c in cat.twelve_cs.cs}
    out |= {f"toc:{n.id}": f"Theory of Change: {n.label}" for n in cat.toc.nodes}
    for fw in cat.rated:
        out |= {f"item:{fw.id}:{it.id}": f"Statement ({fw.id}): {it.text}" for it in fw.items}
    return out


def link_label(link: str, cat: Catalogue) -> str:
    """A link in words (the raw value if the framework no longer has it)."""
    return link_options(cat).get(link, link)


def _text(value: str, what: str, *, required: bool = True) -> str:
    value = clean_text(value).strip()  # no control characters: PostgreSQL refuses a NUL
    if required and not value:
        raise ScrutinyError(f"{what} is empty: write something.")
    if len(value) > MAX_TEXT:
        raise ScrutinyError(f"{what} is {len(value)} characters long; keep it to {MAX_TEXT}.")
    return value


def _by(name: str) -> str:
    return clean_text(name).strip()[:100]


# ---- evidence log ----------------------------------------------------------------------------------------------


def log_evidence(
    area: str,
    cycle: str,
    *,
    note: str,
    source: str,
    seen_on: date,
    judgement: str,
    link: str,
    by: str,
    session: Session,
    cat: Catalogue,
    today: date | None = None,
) -> EvidenceEntry:
    """Record a note that supports or challenges the self-rating of a stage, C, Theory of Change node or statement."""
    if source not in SOURCES:
        raise ScrutinyError(f"source must be one of {', '.join(SOURCES)}, not {source!r}.")
    if judgement not in JUDGEMENTS:
        raise ScrutinyError(f"judgement must be supports or challenges, not {judgement!r}.")
    if link not in link_options(cat):
        raise ScrutinyError(f"{link!r} is not a stage, C, Theory of Change node or statement of the frameworks.")
    if not isinstance(seen_on, date):
        raise ScrutinyError("the date the evidence was seen is missing.")
    if seen_on > (today or date.today()):
        raise ScrutinyError(f"the evidence date {seen_on.isoformat()} is in the future.")
    c = find_cycle(area, cycle, session=session)
    entry = EvidenceEntry(
        cycle_id=c.id,
        note=_text(note, "The note"),
        source=source,
        seen_on=seen_on,
        judgement=judgement,
        link=link,
        created_by=_by(by),
        response="",
        resolution="",
        responded_by="",
        resolved_by="",
        resolved=False,
    )
    session.add(entry)
    session.flush()
    return entry


def _entry(entry_id: int, session: Session) -> EvidenceEntry:
    e = session.get(EvidenceEntry, entry_id)
    if e is None:
        raise ScrutinyError(f"there is no evidence note {entry_id}.")
    return e


def answer_challenge(entry_id: int, response: str, *, by: str, session: Session) -> EvidenceEntry:
    """Record the partnership's answer to a challenge (replacing an earlier answer while it is open)."""
    e = _entry(entry_id, session)
    if e.judgement != "challenges":
        raise ScrutinyError("only a challenge needs the partnership's answer.")
    if e.resolved:
        raise ScrutinyError("this challenge is resolved; reopen it before changing the answer.")
    e.response, e.responded_by, e.responded_at = _text(response, "The answer"), _by(by), utcnow()
    session.flush()
    return e


def resolve_challenge(entry_id: int, *, by: str, session: Session, note: str = "") -> EvidenceEntry:
    """Mark a challenge resolved, with the scrutineer's reason."""
    e = _entry(entry_id, session)
    if e.judgement != "challenges":
        raise ScrutinyError("only a challenge can be resolved.")
    e.resolved, e.resolution, e.resolved_by, e.resolved_at = (
        True,
        _text(note, "The reason", required=False),
        _by(by),
        utcnow(),
    )
    session.flush()
    return e


def reopen_challenge(entry_id: int, *, session: Session) -> EvidenceEntry:
    """Open a resolved challenge again."""
    e = _entry(entry_id, session)
    e.resolved, e.resolved_at = False, None
    session.flush()
    return e


def evidence_log(area: str, cycle: str, *, session: Session) -> list[dict]:
    """Every note of an area and cycle, newest evidence first."""
    c = find_cycle(area, cycle, session=session)
    rows = session.scalars(
        select(EvidenceEntry)
        .where(EvidenceEntry.cycle_id == c.id)
        .order_by(EvidenceEntry.seen_on.desc(), EvidenceEntry.id.desc())
    )
    return [
        {
            "id": e.id,
            "seen_on": e.seen_on,
            "source": e.source,
            "judgement": e.judgement,
            "link": e.link,
            "note": e.note,
            "response": e.response,
            "responded_by": e.responded_by,
            "resolved": e.resolved,
            "resolution": e.resolution,
            "resolved_by": e.resolved_by,
            "created_by": e.created_by,
        }
        for e in rows
    ]


def status_of(e: dict) -> str:
    """A note's state in words: supports; challenge open, answered or resolved."""
    if e["judgement"] == "supports":
        return "supports"
    if e["resolved"]:
        return "challenge resolved"
    return "challenge answered" if e["response"] else "challenge open"


# ---- decision-to-outcome trail ---------------------------------------------------------------------------------


def _nodes(nodes: list[str], cat: Catalogue) -> list[str]:
    unknown = [n for n in nodes if n not in cat.nodes]
    if unknown:
        raise ScrutinyError(f"not Theory of Change nodes: {', '.join(unknown)}.")
    return list(dict.fromkeys(nodes))


def add_trail(
    area: str,
    cycle: str,
    *,
    decision: str,
    decided_on: date | None = None,
    practice_change: str = "",
    outcome: str = "",
    toc_nodes: list[str] | None = None,
    by: str,
    session: Session,
    cat: Catalogue,
) -> TrailEntry:
    """Record a partner decision and, when known, the practice change it led to and the outcome seen."""
    c = find_cycle(area, cycle, session=session)
    t = TrailEntry(
        cycle_id=c.id,
        decision=_text(decision, "The decision"),
        decided_on=decided_on,
        practice_change=_text(practice_change, "The practice change", required=False),
        outcome=_text(outcome, "The outcome", required=False),
        toc_nodes=_nodes(toc_nodes or [], cat),
        created_by=_by(by),
    )
    session.add(t)
    session.flush()
    return t


def update_trail(
    trail_id: int,
    *,
    practice_change: str,
    outcome: str,
    toc_nodes: list[str] | None = None,
    session: Session,
    cat: Catalogue,
) -> TrailEntry:
    """Add or change what a decision led to: the practice change and the outcome seen."""
    t = session.get(TrailEntry, trail_id)
    if t is None:
        raise ScrutinyError(f"there is no trail entry {trail_id}.")
    t.practice_change = _text(practice_change, "The practice change", required=False)
    t.outcome = _text(outcome, "The outcome", required=False)
    if toc_nodes is not None:
        t.toc_nodes = _nodes(toc_nodes, cat)
    t.updated_at = utcnow()
    session.flush()
    return t


def trail_stage(t: dict) -> str:
    """How far a decision has been traced: decision only, practice change seen, outcome seen."""
    if t["outcome"]:
        return "outcome seen"
    return "practice change seen" if t["practice_change"] else "decision only"


def trail(area: str, cycle: str, *, session: Session) -> list[dict]:
    """Every decision traced for an area and cycle, oldest decision first."""
    c = find_cycle(area, cycle, session=session)
    rows = session.scalars(select(TrailEntry).where(TrailEntry.cycle_id == c.id).order_by(TrailEntry.id))
    return [
        {
            "id": t.id,
            "decision": t.decision,
            "decided_on": t.decided_on,
            "practice_change": t.practice_change,
            "outcome": t.outcome,
            "toc_nodes": list(t.toc_nodes or []),
            "created_by": t.created_by,
        }
        for t in rows
    ]


# ---- yearly report: checklist, sign-off, statement --------------------------------------------------------------


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
    if row is None:
        row = ReportCheck(cycle_id=c.id, criterion=criterion)
        session.add(row)
    row.status, row.note = status, _text(note, "The note", required=False)
    row.updated_by, row.updated_at = _by(by), utcnow()
    session.flush()


def checks(area: str, cycle: str, *, session: Session) -> dict[str, dict]:
    """The scrutineer's checklist judgements: {criterion: {"status", "note"}}."""
    c = find_cycle(area, cycle, session=session)
    rows = session.scalars(select(ReportCheck).where(ReportCheck.cycle_id == c.id))
    return {r.criterion: {"status": r.status, "note": r.note} for r in rows}


def _assurance_row(area: str, cycle: str, session: Session) -> ReportAssurance:
    c = find_cycle(area, cycle, session=session)
    row = session.scalar(select(ReportAssurance).where(ReportAssurance.cycle_id == c.id))
    if row is None:
        row = ReportAssurance(cycle_id=c.id, signoffs={}, statement="", statement_by="")
        session.add(row)
    return row


def sign_off(area: str, cycle: str, partner: str, name: str, on: date | None, *, session: Session) -> None:
    """Record that a statutory partner approved the report (a blank name withdraws the sign-off)."""
    if partner not in PARTNERS:
        raise ScrutinyError(f"partner must be one of {', '.join(PARTNERS)}, not {partner!r}.")
    row = _assurance_row(area, cycle, session)
    signs = dict(row.signoffs or {})
    name = _by(name)
    if name:
        signs[partner] = {"by": name, "on": on.isoformat() if on else ""}
    else:
        signs.pop(partner, None)
    row.signoffs = signs
    session.flush()


def set_statement(area: str, cycle: str, text: str, *, by: str, session: Session) -> None:
    """Save the independent scrutineer's covering statement on the yearly report."""
    row = _assurance_row(area, cycle, session)
    row.statement = _text(text, "The statement", required=False)
    row.statement_by, row.statement_at = _by(by), utcnow()
    session.flush()


def assurance(area: str, cycle: str, *, session: Session) -> dict:
    """Sign-offs and the scrutineer's statement: {"signoffs": {partner: {"by", "on"}}, "statement", "statement_by"}."""
    c = find_cycle(area, cycle, session=session)
    row = session.scalar(select(ReportAssurance).where(ReportAssurance.cycle_id == c.id))
    if row is None:
        return {"signoffs": {}, "statement": "", "statement_by": ""}
    return {"signoffs": dict(row.signoffs or {}), "statement": row.statement, "statement_by": row.statement_by}


# ---- reading it together: side by side, checklist, summary ------------------------------------------------------


def _rating_text(cell: Cell | ItemStat | None, min_n: int) -> str:
    if not cell:
        return "no rating"
    if cell.suppressed:
        return f"fewer than {min_n} people"
    if cell.mean is None:
        return "no answers"
    return f"{cell.mean:.2f} (n={cell.n})"


def _verdict(notes: list[dict]) -> str:
    if not notes:
        return "no evidence yet"
    sup = sum(e["judgement"] == "supports" for e in notes)
    open_ = sum(e["judgement"] == "challenges" and not e["resolved"] for e in notes)
    done = sum(e["judgement"] == "challenges" and e["resolved"] for e in notes)
    parts = [_n(sup, "supporting note")] if sup else []
    if open_:
        parts.append(f"{open_} open challenge{'s' if open_ > 1 else ''}")
    if done:
        parts.append(f"{done} resolved challenge{'s' if done > 1 else ''}")
    head = (
        "challenged"
        if open_
        else "supported"
        if sup and not done
        else "supported, challenges resolved"
        if sup
        else "challenges resolved"
    )
    return f"{head}: {', '.join(parts)}"


def side_by_side(analysis: AreaAnalysis, entries: list[dict], cat: Catalogue) -> pd.DataFrame:
    """Each stage and C (and any statement or node with notes): the self-rating beside the scrutineer's judgement."""
    min_n = analysis.min_group_size
    by_link: dict[str, list[dict]] = {}
    for e in entries:
        by_link.setdefault(e["link"], []).append(e)
    items = {(i.framework, i.item): i for i in analysis.items}
    nodes = {n.id: n for n in analysis.toc.nodes}
    links = [f"stage:{s}" for s in ids.STAGES] + [f"c:{c}" for c in ids.C_IDS]
    links += [k for k in by_link if k not in links]
    rows = []
    for link in links:
        kind, _, ref = link.partition(":")
        if kind == "stage":
            rating = _rating_text(analysis.opm.by_stage.get(ref), min_n)
        elif kind == "c":
            rating = _rating_text(analysis.twelve_cs.get(ref), min_n)
        elif kind == "item":
            fw, _, item = ref.partition(":")
            rating = _rating_text(items.get((fw, item)), min_n)
        else:
            n = nodes.get(ref)
            rating = (
                "no rating"
                if not n
                else f"{n.status.replace('_', ' ')}" + (f" ({n.score:.2f})" if n.score is not None else "")
            )
        notes = by_link.get(link, [])
        latest = notes[0]["note"] if notes else ""
        rows.append(
            {
                "link": link,
                "about": link_label(link, cat),
                "self_rating": rating,
                "scrutiny": _verdict(notes),
                "notes": len(notes),
                "latest_note": latest,
            }
        )
    return pd.DataFrame(rows, columns=["link", "about", "self_rating", "scrutiny", "notes", "latest_note"])


def _sentence(text: str) -> str:
    """Text with its first letter upper case (the rest as written) and a full stop."""
    return text[:1].upper() + text[1:] + "."


def _n(k: int, word: str) -> str:
    return f"{k} {word}{'' if k == 1 else 's'}"


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
            f"{_n(len(steps), 'partner decision')} in the decision trail, {len(changes)} with a practice change recorded."
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
        bits = [f"{_n(len(outcomes), 'decision')} traced to an outcome seen"] if outcomes else []
        if measures:
            up = [m.label for m in measures if m.significant and (m.difference or 0) > 0]
            bits.append(f"since {since}, {len(up)} of {len(measures)} stages and C's improved clearly")
        out["contains_impact_evidence"] = _sentence("; ".join(bits))
    if measures:
        flat = [str(m.label) for m in measures if not (m.significant and (m.difference or 0) > 0)]
        out["contains_little_progress"] = f"No clear improvement since {since}: {', '.join(flat) or 'none'}."
    if sources["case_review"]:
        out["contains_review_actions"] = (
            f"{_n(sources['case_review'], 'note')} drawn from case reviews in the evidence log."
        )
    if outcomes:
        out["develop_impact_not_governance"] = (
            f"{_n(len(outcomes), 'decision')} traced through practice to an outcome seen."
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
            f"{_n(sources['case_review'], 'case-review note')}; {_n(len(changes), 'practice change')} traced to partner decisions."
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
    from toolkit.core.browse import cite

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


def summary(
    area: str, cycle: str, *, session: Session, cat: Catalogue, analysis: AreaAnalysis | None
) -> dict[str, pd.DataFrame]:
    """Everything the scrutiny pages show for an area and cycle, as tables (the export reads these)."""
    from toolkit.store.areas import find_area
    from toolkit.store.models import Cycle as CycleRow

    entries = evidence_log(area, cycle, session=session)
    steps = trail(area, cycle, session=session)
    assured = assurance(area, cycle, session=session)
    a = find_area(area, session=session)
    cycles = sorted(session.scalars(select(CycleRow.name).where(CycleRow.area_id == a.id)))
    found = checklist_evidence(analysis, entries, steps, assured, cycles)
    ev = pd.DataFrame(
        [
            {
                "id": e["id"],
                "date": e["seen_on"].isoformat(),
                "source": SOURCES[e["source"]],
                "judgement": e["judgement"],
                "about": link_label(e["link"], cat),
                "note": e["note"],
                "status": status_of(e),
                "partnership_answer": e["response"],
                "answered_by": e["responded_by"],
                "resolution": e["resolution"],
                "logged_by": e["created_by"],
            }
            for e in entries
        ],
        columns=[
            "id",
            "date",
            "source",
            "judgement",
            "about",
            "note",
            "status",
            "partnership_answer",
            "answered_by",
            "resolution",
            "logged_by",
        ],
    )
    tr = pd.DataFrame(
        [
            {
                "id": t["id"],
                "decided_on": t["decided_on"].isoformat() if t["decided_on"] else "",
                "decision": t["decision"],
                "practice_change": t["practice_change"],
                "outcome": t["outcome"],
                "traced_to": trail_stage(t),
                "toc_nodes": "; ".join(cat.nodes[n].label if n in cat.nodes else n for n in t["toc_nodes"]),
            }
            for t in steps
        ],
        columns=["id", "decided_on", "decision", "practice_change", "outcome", "traced_to", "toc_nodes"],
    )
    signs = assured["signoffs"]
    sign = pd.DataFrame(
        [
            {
                "partner": ids.AGENCY_NAMES[p],
                "signed_by": signs.get(p, {}).get("by", ""),
                "signed_on": signs.get(p, {}).get("on", ""),
            }
            for p in PARTNERS
        ]
        + [
            {
                "partner": "Independent scrutineer's statement",
                "signed_by": assured["statement_by"],
                "signed_on": "",
                "statement": assured["statement"],
            }
        ],
        columns=["partner", "signed_by", "signed_on", "statement"],
    )
    side = side_by_side(analysis, entries, cat).drop(columns=["link"]) if analysis else pd.DataFrame()
    chk = checklist(cat, found, checks(area, cycle, session=session))
    chk["status"] = chk["status"].map(CHECK_STATUSES)
    return {
        "evidence log": ev,
        "self-rating and scrutiny": side,
        "decision trail": tr,
        "yearly report checklist": chk.drop(columns=["criterion"]),
        "sign-off and statement": sign,
    }


def export_summary(tables: dict[str, pd.DataFrame], fmt: str, *, area: str, cycle: str) -> bytes:
    """The scrutiny summary as CSV (one table, a section column), XLSX (a sheet per table) or Markdown.

    Spreadsheet formats have every text cell neutralised so a note starting with = or + is never run as a formula.
    """
    if fmt == "csv":
        parts = [safe_frame(df).assign(section=name) for name, df in tables.items() if not df.empty]
        flat = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["section"])
        flat.insert(0, "cycle", safe_frame(pd.DataFrame({"c": [cycle]}))["c"][0])
        flat.insert(0, "area", safe_frame(pd.DataFrame({"a": [area]}))["a"][0])
        cols = ["area", "cycle", "section", *[c for c in flat.columns if c not in ("area", "cycle", "section")]]
        return flat[cols].to_csv(index=False, lineterminator="\r\n").encode("utf-8")
    if fmt == "xlsx":
        buf = io.BytesIO()
        with pd.ExcelWriter(buf, engine="openpyxl") as xw:
            for name, df in tables.items():
                safe_frame(df).to_excel(xw, sheet_name=name[:31], index=False)
        return buf.getvalue()
    if fmt == "md":
        lines = [f"# Scrutiny summary: {md_cell(area)}, cycle {md_cell(cycle)}", ""]
        for name, df in tables.items():
            lines += [f"## {name.capitalize()}", ""]
            if df.empty:
                lines += ["Nothing recorded yet.", ""]
                continue
            lines.append("| " + " | ".join(c.replace("_", " ") for c in df.columns) + " |")
            lines.append("|" + "---|" * len(df.columns))
            lines += ["| " + " | ".join(md_cell(v) for v in row) + " |" for row in df.itertuples(index=False)]
            lines.append("")
        return "\n".join(lines).encode("utf-8")
    raise ValueError(f"unknown format {fmt!r}; use csv, xlsx or md")
