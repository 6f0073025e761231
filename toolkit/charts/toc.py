"""Theory of Change charts as pure functions: its health in, a Graphviz DOT text or an Altair chart out."""

from __future__ import annotations

import textwrap

import altair as alt
import pandas as pd

from toolkit.analysis import frames
from toolkit.analysis.results import Toc
from toolkit.charts.results import OKABE_ITO, STATUS_COLOURS, STATUS_LABELS
from toolkit.core import ids


def _dot_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def toc_dot(health: Toc, *, highlight: str | None = None, wrap: int = 28) -> str:
    """The Theory of Change in Graphviz DOT: four tiers left to right, status by colour, shape and words."""
    shapes = {"strong": "box", "adequate": "box", "weak": "octagon", "at_risk": "hexagon", "unknown": "box"}
    styles = {
        "strong": "filled,rounded",
        "adequate": "filled,rounded",
        "weak": "filled,bold",
        "at_risk": "filled,dashed",
        "unknown": "filled,dotted",
    }
    risky = {(e.from_, e.to) for e in health.edges if e.at_risk}
    lines = [
        "digraph toc {",
        "rankdir=LR; splines=true; nodesep=0.15; ranksep=0.9;",
        'node [fontname="Helvetica", fontsize=10, margin="0.08,0.04"];',
    ]
    for k, tier in enumerate(ids.TOC_TIERS):
        lines.append(
            f'subgraph cluster_{k} {{ label="{tier.replace("_", " ").capitalize()}"; fontname="Helvetica-Bold"; color="#bbbbbb";'
        )
        for n in (x for x in health.nodes if x.tier == tier):
            st = n.status
            score = f"{n.score:.1f}" if n.score is not None else "-"
            label = "\\n".join(textwrap.wrap(_dot_escape(n.label), wrap)) + f"\\n[{STATUS_LABELS[st]} {score}]"
            fill = STATUS_COLOURS[st]
            font = "white" if st in ("strong", "weak") else "black"
            pen = 3 if n.id == highlight else 1
            lines.append(
                f'"{n.id}" [label="{label}", shape={shapes[st]}, style="{styles[st]}", fillcolor="{fill}", fontcolor="{font}", penwidth={pen}];'
            )
        lines.append("}")
    for e in health.edges:
        a, b = e.from_, e.to
        colour = OKABE_ITO["orange"] if (a, b) in risky else "#aaaaaa"
        lines.append(f'"{a}" -> "{b}" [color="{colour}", penwidth={2.2 if (a, b) in risky else 0.6}];')
    lines.append("}")
    return "\n".join(lines)


TOC_TAGS = {"strong": "STRONG", "adequate": "ADEQUATE", "weak": "WEAK", "at_risk": "AT RISK", "unknown": "NO EVIDENCE"}


def toc_chart(
    health: Toc, *, wrap: int = 32, box_w: float = 226, col_w: float = 290, row_h: float = 60
) -> alt.LayerChart | alt.FacetChart:
    """The Theory of Change as boxes in four tier columns: status by colour, outline and a written tag; at-risk links in orange."""
    nodes = health.nodes
    groups: dict[str, int] = {}
    for n in nodes:
        groups.setdefault(n.group or "", len(groups))
    pos: dict[str, tuple[float, float]] = {}
    rows = []
    for k, tier in enumerate(ids.TOC_TIERS):
        tier_nodes = sorted((n for n in nodes if n.tier == tier), key=lambda n: groups[n.group or ""])
        for j, n in enumerate(tier_nodes):
            x, y = k * col_w, (j + 0.5) * row_h
            pos[n.id] = (x, y)
            st = n.status
            score = f" {n.score:.1f}" if n.score is not None else ""
            lines = textwrap.wrap(n.label, wrap)
            if len(lines) > 3:
                lines = [*lines[:2], textwrap.shorten(" ".join(lines[2:]), wrap, placeholder="...")]
            lines.append(f"[{TOC_TAGS[st]}{score}]")
            rows.append(
                {
                    "id": n.id,
                    "x": x,
                    "x2": x + box_w,
                    "y": y - row_h * 0.44,
                    "y2": y + row_h * 0.44,
                    "cx": x + box_w / 2,
                    "ty": y - (len(lines) - 1) * 6,
                    "status": STATUS_LABELS[st],
                    "tag": lines[-1],
                    "text": "\n".join(lines),
                    "label": n.label,
                    "ink": "white" if st in ("strong", "weak") else "black",
                    "dash": 1 if st in ("at_risk", "unknown") else 0,
                    "reason": n.reason or "",
                }
            )
    edges = []
    for e in health.edges:
        if e.from_ in pos and e.to in pos:
            (x1, y1), (x2, y2) = pos[e.from_], pos[e.to]
            edges.append(
                {
                    "x": x1 + box_w,
                    "y": y1,
                    "x2": x2,
                    "y2": y2,
                    "at_risk": e.at_risk,
                    "link": "puts the next box at risk" if e.at_risk else "leads to",
                }
            )
    height = max(1, max((sum(1 for n in nodes if n.tier == t) for t in ids.TOC_TIERS), default=1)) * row_h
    width = (len(ids.TOC_TIERS) - 1) * col_w + box_w
    xs = alt.X("x:Q", axis=None, scale=alt.Scale(domain=[0, width], nice=False))
    ys = alt.Y("y:Q", axis=None, scale=alt.Scale(domain=[-28, height], reverse=True, nice=False))
    edf = pd.DataFrame(edges, columns=pd.Index(["x", "y", "x2", "y2", "at_risk", "link"]))
    quiet = alt.Chart(frames.rows(edf, ~edf["at_risk"])).mark_rule(color="#bbbbbb", strokeWidth=0.6, opacity=0.7)
    risky = alt.Chart(frames.rows(edf, edf["at_risk"])).mark_rule(
        color=OKABE_ITO["orange"], strokeWidth=2.6, strokeDash=[6, 3]
    )
    edge_layers = [c.encode(x=xs, y=ys, x2="x2:Q", y2="y2:Q", tooltip=["link"]) for c in (quiet, risky)]
    ndf = pd.DataFrame(rows)
    order = [STATUS_LABELS[s] for s in ("strong", "adequate", "weak", "at_risk", "unknown")]
    boxes = (
        alt.Chart(ndf)
        .mark_rect(cornerRadius=4, stroke="black", strokeWidth=1)
        .encode(
            x=xs,
            y=ys,
            x2="x2:Q",
            y2="y2:Q",
            color=alt.Color(
                "status:N",
                scale=alt.Scale(
                    domain=order,
                    range=[STATUS_COLOURS[s] for s in ("strong", "adequate", "weak", "at_risk", "unknown")],
                ),
                title="Status (also written in each box)",
                legend=alt.Legend(orient="bottom", direction="horizontal"),
            ),
            strokeDash=alt.condition("datum.dash == 1", alt.value([5, 3]), alt.value([1, 0])),
            tooltip=["label", "status", "tag", "reason"],
        )
    )
    text = (
        alt.Chart(ndf)
        .mark_text(fontSize=11, lineBreak="\n", lineHeight=12, align="center", baseline="middle")
        .encode(x="cx:Q", y="ty:Q", text="text:N", color=alt.Color("ink:N", scale=None))
    )
    heads = pd.DataFrame(
        [
            {"x": k * col_w + box_w / 2, "y": -16, "t": t.replace("_", " ").capitalize()}
            for k, t in enumerate(ids.TOC_TIERS)
        ]
    )
    header = alt.Chart(heads).mark_text(fontSize=13, fontWeight="bold").encode(x="x:Q", y="y:Q", text="t:N")
    return (
        alt.layer(*edge_layers, boxes, text, header)
        .resolve_scale(color="independent")
        .properties(
            width=width,
            height=height + 28,
            title="Theory of Change: the health of each box (orange dashed links: what puts a box at risk)",
        )
        .configure_view(stroke=None)
    )
