"""Scrutiny read together: the self-rating beside the scrutineer's judgement, and the summary tables and export."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pandas as pd
from sqlalchemy.orm import Session

from toolkit.analysis.results import AreaAnalysis, Cell, ItemStat
from toolkit.core import ids
from toolkit.core.frameworks import Catalogue
from toolkit.core.tables import safe_frame
from toolkit.core.text import md_cell
from toolkit.scrutiny.attachments import attachments
from toolkit.scrutiny.challenges import history_rows, overdue
from toolkit.scrutiny.checklist import CHECK_STATUSES, PARTNERS, assurance, checklist, checks
from toolkit.scrutiny.checklist_fill import checklist_evidence
from toolkit.scrutiny.evidence import SOURCES, evidence_log, link_label, status_of
from toolkit.scrutiny.fields import counted
from toolkit.scrutiny.trail import trail, trail_stage
from toolkit.scrutiny.validation import in_words, states_of
from toolkit.store.areas import resolve_cycle
from toolkit.store.plans import action_plan

EVIDENCE_FIELDS = [
    "id",
    "date",
    "source",
    "judgement",
    "about",
    "note",
    "status",
    "owner",
    "due",
    "overdue",
    "partnership_answer",
    "answered_by",
    "resolution",
    "logged_by",
    "logged_at",
    "carried",
]
ATTACHMENT_FIELDS = [
    "id",
    "record",
    "kind",
    "title",
    "link",
    "size_bytes",
    "sha256",
    "added_by",
    "role",
    "added_at",
    "withdrawn",
]


def _when(at: datetime | str | None) -> str:
    """A system timestamp as shown and exported: UTC, to the second."""
    if at is None or at == "":
        return ""
    if isinstance(at, str):
        at = datetime.fromisoformat(at)
    at = at if at.tzinfo else at.replace(tzinfo=UTC)
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _carried(e: dict) -> str:
    """Where a carried note came from, in words ('' for a note raised in its own cycle)."""
    if not e.get("carried_from_id"):
        return ""
    step = next((h for h in reversed(e["history"]) if h.get("action") == "carried"), {})
    return f"from {step.get('from_cycle', 'the previous cycle')} (#{e['carried_from_id']})"


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
    done = sum(e["judgement"] == "challenges" and e["closed_as"] == "resolved" for e in notes)
    parts = [counted(sup, "supporting note")] if sup else []
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


def side_by_side(
    analysis: AreaAnalysis, entries: list[dict], cat: Catalogue, states: dict[str, dict] | None = None
) -> pd.DataFrame:
    """Each stage and C (and any statement or node with notes): the self-rating beside its validation state (stages
    and C's) and the scrutineer's notes."""
    states = states or {}
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
                "validation": in_words(states[link]) if link in states else "",
                "scrutiny": _verdict(notes),
                "notes": len(notes),
                "latest_note": latest,
            }
        )
    return pd.DataFrame(
        rows, columns=["link", "about", "self_rating", "validation", "scrutiny", "notes", "latest_note"]
    )


def summary(
    area: str,
    cycle: str,
    *,
    session: Session,
    cat: Catalogue,
    analysis: AreaAnalysis | None,
    today: date | None = None,
) -> dict[str, pd.DataFrame]:
    """Everything the scrutiny pages show for an area and cycle, as tables (the export reads these)."""
    entries = evidence_log(area, cycle, session=session)
    steps = trail(area, cycle, session=session)
    assured = assurance(area, cycle, session=session)
    goals = action_plan(resolve_cycle(area, cycle, session=session), session=session)["goals"]
    found = checklist_evidence(analysis, entries, steps, assured, goals, cat)
    today = today or date.today()
    ev = pd.DataFrame(
        [
            {
                "id": e["id"],
                "date": e["seen_on"].isoformat(),
                "source": SOURCES[e["source"]],
                "judgement": e["judgement"],
                "about": link_label(e["link"], cat),
                "note": e["note"],
                "status": status_of(e, today),
                "owner": e["owner"],
                "due": e["due_on"].isoformat() if e["due_on"] else "",
                "overdue": overdue(e, today),
                "partnership_answer": e["response"],
                "answered_by": e["responded_by"],
                "resolution": e["resolution"],
                "logged_by": e["created_by"],
                "logged_at": _when(e["created_at"]),
                "carried": _carried(e),
            }
            for e in entries
        ],
        columns=EVIDENCE_FIELDS,
    )
    hist = pd.DataFrame(history_rows(entries), columns=["record", "at", "by", "role", "action", "text"])
    hist["at"] = hist["at"].map(_when)
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
                "role": signs.get(p, {}).get("role", "") or ("typed name" if p in signs else ""),
                "signed_on": signs.get(p, {}).get("on", ""),
                "recorded_at": _when(signs.get(p, {}).get("at")),
            }
            for p in PARTNERS
        ]
        + [
            {
                "partner": "Independent scrutineer's statement",
                "signed_by": assured["statement_by"],
                "role": "",
                "signed_on": "",
                "recorded_at": _when(assured["statement_at"]),
                "statement": assured["statement"],
            }
        ],
        columns=["partner", "signed_by", "role", "signed_on", "recorded_at", "statement"],
    )
    att = pd.DataFrame(
        [
            {
                "id": a["id"],
                "record": f"#{a['evidence_id']}",
                "kind": a["kind"],
                "title": a["title"],
                "link": a["url"],
                "size_bytes": a["size"] if a["kind"] == "file" else "",
                "sha256": a["sha256"],
                "added_by": a["added_by"],
                "role": a["added_by_role"],
                "added_at": _when(a["added_at"]),
                "withdrawn": _when(a["withdrawn_at"]) + (f" by {a['withdrawn_by']}" if a["withdrawn_by"] else ""),
            }
            for a in attachments(area, cycle, session=session)
        ],
        columns=ATTACHMENT_FIELDS,
    )
    states = states_of(area, cycle, entries, session=session)
    side = side_by_side(analysis, entries, cat, states).drop(columns=["link"]) if analysis else pd.DataFrame()
    chk = checklist(cat, found, checks(area, cycle, session=session))
    chk["status"] = chk["status"].map(CHECK_STATUSES.get)
    return {
        "evidence log": ev,
        "history": hist,
        "attachments": att,
        "self-rating and scrutiny": side,
        "decision trail": tr,
        "yearly report checklist": chk.drop(columns=["criterion"]),
        "sign-off and statement": sign,
    }


def export_summary(tables: dict[str, pd.DataFrame], fmt: str, *, area: str, cycle: str) -> bytes:
    """The scrutiny summary as CSV (one table, a section column), XLSX (a sheet per table) or Markdown."""
    # Spreadsheet formats have every text cell neutralised so a note starting with = or + is never run as a formula.
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
