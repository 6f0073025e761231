"""Tables of a framework's contents with their sources, for the framework browser and exports."""

from __future__ import annotations

import pandas as pd

from toolkit.core.frameworks import Catalogue
from toolkit.core.schema import REPORTS, Citation, Framework


def cite(c: Citation, fw: Framework | None = None) -> str:
    """A short citation: the report's short name and the section."""
    refs = {r.id: r.title for r in fw.references} if fw else {}
    title = REPORTS.get(c.report) or refs.get(c.report, c.report)
    short = title.split(",")[0].split(" (")[0]
    year = "".join(ch for ch in c.report if ch.isdigit())
    return f"{short}{f' ({year})' if year else ''}, {c.section}"


def framework_sections(cat: Catalogue, framework_id: str) -> dict[str, pd.DataFrame]:
    """Every non-empty section of a framework as a table with a source column, in reading order."""
    fw = cat.get(framework_id)
    out: dict[str, pd.DataFrame] = {}
    if fw.stages:
        out["Stages"] = pd.DataFrame(
            [
                {"stage": s.name, "question": s.question, "what it means": s.summary, "source": cite(s.source, fw)}
                for s in fw.stages
            ]
        )
        out["Drivers and barriers"] = pd.DataFrame(
            [
                {
                    "stage": s.name,
                    "kind": kind,
                    "title": f.title,
                    "description": f.description,
                    "source": cite(f.source, fw),
                }
                for s in fw.stages
                for kind, fs in (("driver", s.drivers), ("barrier", s.barriers))
                for f in fs
            ]
        )
    for label, attr in (
        ("Levels", "levels"),
        ("Context factors", "context_factors"),
        ("Groups", "groups"),
        ("Input groups", "node_groups"),
        ("Criteria", "criteria"),
        ("Messengers", "messengers"),
        ("Channels", "channels"),
    ):
        entries = getattr(fw, attr)
        if entries:
            out[label] = pd.DataFrame(
                [
                    {
                        "name": e.name,
                        "description": e.description,
                        **({"question": e.question} if e.question else {}),
                        "source": cite(e.source, fw) if e.source else cite(fw.source, fw),
                    }
                    for e in entries
                ]
            )
    if fw.cs:
        out["The C's"] = pd.DataFrame(
            [
                {
                    "no.": c.number,
                    "name": c.name,
                    "group": c.group.replace("_", " "),
                    "explanation": c.explanation,
                    "good practice": " • ".join(c.good_practice),
                    "recommendations": " • ".join(r.text for r in c.recommendations),
                    "source": cite(c.source, fw),
                }
                for c in fw.cs
            ]
        )
    if fw.dependencies:
        names = {c.id: c.name for c in cat.constructs.values()}
        out["Dependencies"] = pd.DataFrame(
            [
                {
                    "from": names.get(d.from_, d.from_),
                    "to": names.get(d.to, d.to),
                    "basis": d.basis,
                    "note": d.note,
                    "source": cite(d.source, fw),
                }
                for d in fw.dependencies
            ]
        )
    if fw.items:
        out["Statements"] = pd.DataFrame(
            [
                {
                    "id": i.id,
                    "statement": i.text,
                    "stage": i.stage or "",
                    "level": i.level or "",
                    "C's": ", ".join(i.cs),
                    "Theory of Change": ", ".join(i.toc_nodes),
                    "source": cite(i.source, fw),
                }
                for i in fw.items
            ]
        )
    if fw.nodes:
        out["Nodes"] = pd.DataFrame(
            [
                {
                    "tier": n.tier.replace("_", " "),
                    "node": n.label,
                    "group": (n.group or "").replace("_", " "),
                    "description": n.description or "",
                    "source": cite(n.source, fw),
                }
                for n in fw.nodes
            ]
        )
        labels = {n.id: n.label for n in fw.nodes}
        out["Links"] = pd.DataFrame(
            [
                {
                    "from": labels[e.from_],
                    "to": labels[e.to],
                    "why (our reading)": e.rationale,
                    "source": cite(e.source, fw),
                }
                for e in fw.edges
            ]
        )
    if fw.assumptions:
        labels = {n.id: n.label for n in cat.nodes.values()}
        out["Assumptions"] = pd.DataFrame(
            [
                {
                    "assumption": a.text,
                    "underpins": "; ".join(labels.get(n, n) for n in a.nodes),
                    "source": cite(a.source, fw),
                }
                for a in fw.assumptions
            ]
        )
    if fw.interventions:
        out["Interventions"] = pd.DataFrame(
            [
                {
                    "title": i.title,
                    "origin": i.origin,
                    "barrier": i.barrier,
                    "description": i.description,
                    "stages": ", ".join(i.stages),
                    "levels": ", ".join(i.levels),
                    "evidence grade": i.grade_label,
                    "evidence": i.evidence or "",
                    "effort and cost": i.effort_cost_note,
                    "source": cite(i.source, fw),
                }
                for i in fw.interventions
            ]
        )
    if fw.guidance:
        out["Guidance"] = pd.DataFrame(
            [
                {
                    "theme": g.theme,
                    "question": g.question,
                    "findings": " • ".join(g.findings),
                    "advice": " • ".join(g.advice),
                    "source": cite(g.source, fw),
                }
                for g in fw.guidance
            ]
        )
    return out
