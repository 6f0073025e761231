"""The Theory of Change as a graph, and each node's health from the ratings linked to it."""

from __future__ import annotations

import itertools
from functools import lru_cache

import networkx as nx

from toolkit.analysis.config import Config
from toolkit.analysis.results import (
    Assumption,
    InterventionRef,
    ItemStat,
    NodeDetail,
    RetiredBox,
    Toc,
    TocEdge,
    TocItem,
    TocNode,
    TocStatus,
)
from toolkit.analysis.toc_doc import TIER_STAGE, TocDoc
from toolkit.core import ids
from toolkit.core.frameworks import Catalogue

STATUSES = ("strong", "adequate", "weak", "at_risk", "unknown")
ASSUMPTION_STATUSES = ("holds", "doubtful", "fails", "unknown")


@lru_cache(maxsize=4)
def build_graph(cat: Catalogue) -> nx.DiGraph:
    """The Theory of Change as a DiGraph: nodes carry tier, label, group, top; edges carry their rationale."""
    g = nx.DiGraph()
    for n in cat.toc.nodes:
        g.add_node(n.id, tier=n.tier, label=n.label, group=n.group, top=n.top, description=n.description or "")
    for e in cat.toc.edges:
        g.add_edge(e.from_, e.to, rationale=e.rationale)
    return g


def _chain(pred: str, weak: set[str], risk: dict[str, list[str]], depth: int) -> list[str] | None:
    """The path from a weak node to (and including) pred, if pred passes risk on within `depth` links, else None."""
    if pred in weak:
        return [pred]
    chain = risk.get(pred)
    return chain if chain is not None and len(chain) < depth + 1 else None


def _status(score: float | None, strong: float, weak: float) -> TocStatus:
    if score is None:
        return "unknown"
    return "strong" if score >= strong else "adequate" if score >= weak else "weak"


def toc_health(
    cat: Catalogue,
    items: list[ItemStat],
    cfg: Config,
    assumptions: dict[str, dict[str, str]] | None = None,
    doc: TocDoc | None = None,
) -> Toc:
    """Score every node from its linked items, mark weak ones, and what they put at risk downstream (with the path).

    A node is at risk when its own evidence is not weak (or there is none) and a direct precondition is weak, or a
    direct precondition is itself at risk through a chain of at-risk nodes; a chain runs at most cfg.toc_risk_depth
    links from the weak node, so one weak input does not put every outcome at the end of the graph at risk. An
    assumption that underpins a node and fails also puts it at risk. The reason names the path.
    `assumptions` maps assumption id to {"status", "note"}. `doc` is the partnership's own Theory of Change (None:
    Kantar's): its live boxes and links are scored, and a statement mapped onto a box it retired is listed as such.
    """
    g = build_graph(cat) if doc is None else doc.graph()
    linked: dict[str, list[tuple[ItemStat, float]]] = {n: [] for n in g.nodes}
    for it in items:
        for node in it.toc_nodes:
            if node in linked and it.mean is not None:
                linked[node].append((it, it.mean))
    score = {n: (round(sum(m for _, m in its) / len(its), 2) if its else None) for n, its in linked.items()}
    own: dict[str, TocStatus] = {n: _status(score[n], cfg.strong_threshold, cfg.priority_threshold) for n in g.nodes}
    weak = {n for n, s in own.items() if s == "weak"}
    failing: dict[str, list[str]] = {}
    register: list[Assumption] = []
    underpins = doc.underpins() if doc is not None else {a.id: list(a.nodes) for a in cat.toc.assumptions}
    for a in doc.assumptions if doc is not None else cat.toc.assumptions:
        entry = (assumptions or {}).get(a.id, {})
        judged = entry.get("status", "unknown")
        on = [n for n in underpins[a.id] if n in g]
        register.append(Assumption(id=a.id, text=a.text, status=judged, note=entry.get("note", ""), nodes=on))
        if judged == "fails":
            for n in on:
                failing.setdefault(n, []).append(a.text)
    nodes: list[TocNode] = []
    risk: dict[str, list[str]] = {}  # node -> the shortest path from a weak node that puts it at risk
    for n in nx.topological_sort(g):
        attrs = g.nodes[n]
        status: TocStatus = own[n]
        reason, path = "", []
        label = attrs["label"]
        chains = [c for c in (_chain(p, weak, risk, cfg.toc_risk_depth) for p in g.predecessors(n)) if c]
        upstream = sorted({c[0] for c in chains}, key=lambda a: (score[a], a))
        if chains:
            risk[n] = [*min(chains, key=lambda c: (len(c), score[c[0]], c[0])), n]
        if status == "weak":
            low = sorted(linked[n], key=lambda x: x[1])[:2]
            reason = f"{label} is weak ({score[n]:.1f}): " + "; ".join(f"'{i.text}' {m:.1f}" for i, m in low)
        elif chains:
            path = risk[n]
            src = path[0]
            tier = g.nodes[src]["tier"].replace("_", " ").rstrip("s")
            via = " via " + ", ".join(f"'{g.nodes[x]['label']}'" for x in path[1:-1]) if len(path) > 2 else ""
            reason = f"{label} is at risk: {tier} '{g.nodes[src]['label']}' is weak, {score[src]:.1f}{via}"
            if len(upstream) > 1:
                reason += f" (and {len(upstream) - 1} more weak node{'s' if len(upstream) > 2 else ''} upstream)"
            status = "at_risk"
        elif n in failing:
            status = "at_risk"
            reason = f"{label} is at risk: the assumption '{failing[n][0]}' fails"
        nodes.append(
            TocNode(
                id=n,
                tier=attrs["tier"],
                label=label,
                group=attrs["group"],
                top=attrs["top"],
                stage=attrs.get("stage") or TIER_STAGE[attrs["tier"]],
                status=status,
                own_status=own[n],
                score=score[n],
                n_items=len(linked[n]),
                items=[
                    TocItem(framework=i.framework, item=i.item, text=i.text, mean=i.mean, n=i.n) for i, _ in linked[n]
                ],
                weak_upstream=upstream,
                path=path,
                reason=reason,
                assumptions_failing=failing.get(n, []),
            )
        )
    order = {t: k for k, t in enumerate(ids.TOC_TIERS)}
    nodes.sort(key=lambda x: order[x.tier])
    risky = {(a, b) for n in nodes for a, b in itertools.pairwise(n.path)}
    edges = [
        TocEdge(from_=a, to=b, rationale=d["rationale"], at_risk=(a, b) in risky) for a, b, d in g.edges(data=True)
    ]
    retired = []
    if doc is not None:
        for b in doc.boxes:
            if b.retired:
                fed = [TocItem(framework=i.framework, item=i.item, text=i.text, mean=i.mean, n=i.n) for i in items]
                fed = [t for t, i in zip(fed, items, strict=True) if b.id in i.toc_nodes]
                retired.append(RetiredBox(id=b.id, label=b.label, tier=b.tier, items=fed))
    return Toc(nodes=nodes, edges=edges, assumptions=register, retired=retired)


def node_detail(health: Toc, cat: Catalogue, node_id: str) -> NodeDetail:
    """Everything the Theory of Change page shows for one box: evidence, path, assumptions, interventions."""
    nodes = {n.id: n for n in health.nodes}
    n = nodes[node_id]
    return NodeDetail(
        **n.model_dump(by_alias=False),
        path_labels=[nodes[p].label for p in n.path],
        assumptions=[a for a in health.assumptions if node_id in a.nodes],
        interventions=[
            InterventionRef(id=iv.id, title=iv.title, origin=iv.origin, grade=iv.grade_label)
            for iv in cat.interventions
            if node_id in iv.toc_nodes
        ],
    )
