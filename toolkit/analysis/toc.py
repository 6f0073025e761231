"""The Theory of Change as a graph, and each node's health from the ratings linked to it."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
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
# The scale the thresholds (Config) and every published node score are read on: the 1-5 of the built-in frameworks.
REFERENCE = (1, 5)
Ranges = dict[str, tuple[int, int]]  # framework id -> (min, max) of its scale
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


def scale_ranges(cat: Catalogue) -> Ranges:
    """Each rated framework's scale as (min, max); a file's named scales span the same range (the schema checks)."""
    return {fw.id: (fw.scale.min, fw.scale.max) for fw in cat.rated if fw.scale is not None}


def to_common(value: float, framework: str, ranges: Ranges) -> float:
    """A mean on a framework's own scale mapped onto 0-1 (its lowest point 0, its highest 1).

    A framework the ranges do not name is read on the reference scale (the built-in frameworks' 1-5).
    """
    lo, hi = ranges.get(framework, REFERENCE)
    return (value - lo) / (hi - lo)


def on_reference(common: float) -> float:
    """A 0-1 common score read on the reference scale (1-5), where the thresholds and stage means are."""
    lo, hi = REFERENCE
    return lo + common * (hi - lo)


def common_score(linked: Sequence[tuple[str, float]], ranges: Ranges) -> float | None:
    """A node's score on the common 0-1 scale: the mean of its statements' means, each mapped from its own scale."""
    if not linked:
        return None
    return sum(to_common(m, fw, ranges) for fw, m in linked) / len(linked)


def by_framework(linked: Sequence[tuple[str, float]]) -> dict[str, float]:
    """A node's statements' mean per framework, each on that framework's own scale: the scores side by side."""
    out: dict[str, list[float]] = {}
    for fw, m in linked:
        out.setdefault(fw, []).append(m)
    return {fw: round(sum(v) / len(v), 2) for fw, v in out.items()}


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

    Scale: each statement's mean is mapped from its framework's own scale onto 0-1 (`to_common`), so the OPM's
    agreement, the 12 C's in-place and a user framework's 1-4 are not averaged as one; a node's `common` is the mean
    of those, its status compares it with the thresholds mapped the same way, and its `score` is `common` read on
    the reference 1-5 scale (as the thresholds and stage means are). `by_framework` gives each framework's own mean
    beside it.

    A node is at risk when its own evidence is not weak (or there is none) and a direct precondition is weak, or a
    direct precondition is itself at risk through a chain of at-risk nodes; a chain runs at most cfg.toc_risk_depth
    links from the weak node, so one weak input does not put every outcome at the end of the graph at risk. An
    assumption that underpins a node and fails also puts it at risk. The reason names the path.
    `assumptions` maps assumption id to {"status", "note"}. `doc` is the partnership's own Theory of Change (None:
    Kantar's): its live boxes and links are scored, and a statement mapped onto a box it retired is listed as such.
    """
    g = build_graph(cat) if doc is None else doc.graph()
    ranges = scale_ranges(cat)
    linked: dict[str, list[tuple[ItemStat, float]]] = {n: [] for n in g.nodes}
    for it in items:
        for node in it.toc_nodes:
            if node in linked and it.mean is not None:
                linked[node].append((it, it.mean))
    pairs = {n: [(i.framework, m) for i, m in its] for n, its in linked.items()}
    common = {n: common_score(p, ranges) for n, p in pairs.items()}
    score = {n: (None if c is None else round(on_reference(c), 2)) for n, c in common.items()}
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
                common=None if (c := common[n]) is None else round(c, 3),
                by_framework=by_framework(pairs[n]),
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
