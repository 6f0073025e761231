"""The scored Theory of Change as files: GraphML (yEd, Gephi), Mermaid, SVG and PNG."""

from __future__ import annotations

import io

import networkx as nx
import vl_convert as vlc

from toolkit.analysis.results import Toc
from toolkit.charts import results as charts
from toolkit.charts import toc as toc_charts
from toolkit.core import ids


def toc_graph(health: Toc) -> nx.DiGraph:
    """The scored Theory of Change as a DiGraph: node tier, label, status and score; edge rationale and risk."""
    g = nx.DiGraph()
    for n in health.nodes:
        attrs: dict[str, str | float] = {"tier": n.tier, "label": n.label, "status": n.status, "reason": n.reason or ""}
        if n.score is not None:
            attrs["score"] = float(n.score)
        g.add_node(n.id, **attrs)
    for e in health.edges:
        g.add_edge(e.from_, e.to, rationale=e.rationale or "", at_risk=bool(e.at_risk))
    return g


def toc_graphml(health: Toc) -> str:
    """The scored Theory of Change as GraphML (opens in yEd, Gephi, Cytoscape)."""
    buf = io.BytesIO()
    nx.write_graphml(toc_graph(health), buf, encoding="utf-8")
    return buf.getvalue().decode("utf-8")


def _mermaid_text(text: str) -> str:
    return "".join(f"#{ord(ch)};" if ch in '"<>#&`|[]{}()' else ch for ch in text)


def toc_mermaid(health: Toc) -> str:
    """The scored Theory of Change as a Mermaid flowchart: tiers as subgraphs, status in each box's words and style."""
    lines = ["flowchart LR"]
    for tier in ids.TOC_TIERS:
        lines.append(f'  subgraph {tier}["{tier.replace("_", " ").capitalize()}"]')
        for n in (x for x in health.nodes if x.tier == tier):
            score = f" {n.score:.1f}" if n.score is not None else ""
            tag = f"{toc_charts.TOC_TAGS[n.status]}{score}"
            lines.append(f'    {n.id}["{_mermaid_text(n.label)}<br/>[{tag}]"]:::{n.status}')
        lines.append("  end")
    risky = []
    for k, e in enumerate(health.edges):
        lines.append(f"  {e.from_} {'-. at risk .->' if e.at_risk else '-->'} {e.to}")
        if e.at_risk:
            risky.append(str(k))
    for status, colour in charts.STATUS_COLOURS.items():
        ink = "#fff" if status in ("strong", "weak") else "#000"
        dash = ",stroke-dasharray:5 3" if status in ("at_risk", "unknown") else ""
        lines.append(f"  classDef {status} fill:{colour},color:{ink},stroke:#000{dash}")
    if risky:
        lines.append(f"  linkStyle {','.join(risky)} stroke:{charts.OKABE_ITO['orange']},stroke-width:3px")
    return "\n".join(lines) + "\n"


def toc_svg(health: Toc) -> str:
    """The Theory of Change diagram as SVG (no browser or Graphviz needed)."""
    return vlc.vegalite_to_svg(toc_charts.toc_chart(health).to_dict())


def toc_png(health: Toc, scale: float = 2.0) -> bytes:
    """The Theory of Change diagram as PNG."""
    return vlc.vegalite_to_png(toc_charts.toc_chart(health).to_dict(), scale=scale)
