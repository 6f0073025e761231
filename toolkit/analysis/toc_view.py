"""What the Theory of Change canvas and its box panel read: paths through the graph, the OPM stage overlay, which
boxes each statement feeds, a box's interval and its trend over cycles.

Everything here reads published figures only (ItemStat and Toc, which the one suppression rule in
toolkit.analysis.suppression has already passed): a statement withheld there stays withheld here.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Sequence

import networkx as nx

from toolkit.analysis.results import Assumption, ItemStat, NodeDetail, Result, Toc, TocNode, TocStatus
from toolkit.analysis.toc import REFERENCE, Ranges, node_detail, on_reference, scale_ranges, to_common
from toolkit.analysis.toc_doc import TIER_STAGE as TIER_STAGE  # Kantar (2021), Annex 1, Table 3 (contracts section 2)
from toolkit.core.frameworks import Catalogue

ASSUMPTION_RANK = {"fails": 3, "doubtful": 2, "holds": 1, "unknown": 0}


def graph_of(health: Toc) -> nx.DiGraph:
    """The links of this Theory of Change as a DiGraph over its boxes."""
    g = nx.DiGraph()
    g.add_nodes_from(n.id for n in health.nodes)
    g.add_edges_from((e.from_, e.to) for e in health.edges)
    return g


def upstream(health: Toc, node: str) -> set[str]:
    """Every box that leads, by some path, to `node` (what it rests on)."""
    return set(nx.ancestors(graph_of(health), node))


def downstream(health: Toc, node: str) -> set[str]:
    """Every box that `node` leads to, by some path (what it puts at risk when weak)."""
    return set(nx.descendants(graph_of(health), node))


def path_edges(health: Toc, node: str) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """The links on the upstream paths into `node`, and on the downstream paths out of it."""
    up, down = upstream(health, node) | {node}, downstream(health, node) | {node}
    links = [(e.from_, e.to) for e in health.edges]
    return {(a, b) for a, b in links if a in up and b in up}, {(a, b) for a, b in links if a in down and b in down}


def statement_feeds(items: Iterable[ItemStat], health: Toc) -> dict[tuple[str, str], list[str]]:
    """Per statement (framework, item): the boxes of this Theory of Change it feeds (the mapping, as tagged)."""
    known = {n.id for n in health.nodes}
    return {(i.framework, i.item): [n for n in i.toc_nodes if n in known] for i in items}


def node_stages(items: Iterable[ItemStat], health: Toc) -> dict[str, set[str]]:
    """Per box, the OPM stages it belongs to: its tier's stage (Table 3) and the stages of the statements feeding it."""
    out = {n.id: {n.stage or TIER_STAGE[n.tier]} if n.tier in TIER_STAGE else set() for n in health.nodes}
    for i in items:
        for n in i.toc_nodes:
            if n in out and i.framework == "opm" and i.stage:
                out[n].add(i.stage)
    return out


def assumption_on(assumptions: Sequence[Assumption], node: str) -> str | None:
    """The gravest review of the assumptions underpinning `node` (fails > doubtful > holds > unknown), or None."""
    found = [a.status for a in assumptions if node in a.nodes]
    return max(found, key=lambda s: ASSUMPTION_RANK.get(s, 0)) if found else None


class Interval(Result):
    """A box's score with an approximate 95% interval, and how many people the published statements stand on."""

    score: float | None
    low: float | None
    high: float | None
    n: int | None
    statements: int


def node_interval(
    items: Sequence[ItemStat], ranges: Ranges | None = None, *, bounds: tuple[float, float] | None = None
) -> Interval:
    """The box's score (mean of its published statement means) with a normal-approximation 95% interval.

    On the common scale, as the node's own score (toolkit.analysis.toc): each statement's mean and sd mapped from
    its framework's scale (`ranges`; none named: the reference 1-5) onto 0-1, then read on the reference 1-5.

    The standard error combines each statement's own (sd / sqrt n), treated as independent: an approximation that
    uses only published figures, so it reveals nothing the statements do not. n is the most people behind any one
    of the statements (the same person usually rates several). With `bounds` (the rating scale's ends) the interval
    is clipped to the scale: a score on 1 to 5 cannot plausibly lie outside it, however few people answered.
    """
    shown = [i for i in items if i.mean is not None and i.n]
    if not shown:
        return Interval(score=None, low=None, high=None, n=None, statements=0)
    k, ranges = len(shown), ranges or {}
    width = REFERENCE[1] - REFERENCE[0]

    def stretch(i: ItemStat) -> float:  # how much wider the reference scale is than the statement's own
        lo, hi = ranges.get(i.framework, REFERENCE)
        return width / (hi - lo)

    mean = sum(on_reference(to_common(float(i.mean or 0), i.framework, ranges)) for i in shown) / k
    se = math.sqrt(sum(((i.sd or 0.0) * stretch(i)) ** 2 / (i.n or 1) for i in shown)) / k
    low, high = mean - 1.96 * se, mean + 1.96 * se
    if bounds is not None:
        low, high = max(low, bounds[0]), min(high, bounds[1])
    return Interval(
        score=round(mean, 2),
        low=round(low, 2),
        high=round(high, 2),
        n=max(i.n or 0 for i in shown),
        statements=k,
    )


class TrendPoint(Result):
    """A box in one cycle: its status and score."""

    cycle: str
    status: TocStatus
    score: float | None


def node_trend(by_cycle: Sequence[tuple[str, Toc]], node: str) -> list[TrendPoint]:
    """The box's status and score in each cycle given (in the order given), where it exists."""
    out = []
    for cycle, health in by_cycle:
        found = next((n for n in health.nodes if n.id == node), None)
        if found is not None:
            out.append(TrendPoint(cycle=cycle, status=found.status, score=found.score))
    return out


def shown_boxes(
    health: Toc, items: Iterable[ItemStat], stages: Collection[str] = (), statuses: Collection[str] = ()
) -> set[str] | None:
    """The boxes a filter by OPM stage and by status keeps (None: no filter, every box)."""
    if not stages and not statuses:
        return None
    of = node_stages(items, health)
    return {
        n.id for n in health.nodes if (not stages or of[n.id] & set(stages)) and (not statuses or n.status in statuses)
    }


class PanelLink(Result):
    """A box linked to the chosen one: before it (a precondition) or after it (a dependant)."""

    id: str
    label: str
    status: TocStatus
    score: float | None
    rationale: str = ""


class PanelStatement(Result):
    """A statement feeding the chosen box, as published, with every box it feeds."""

    framework: str
    item: str
    text: str
    stage: str | None
    mean: float | None
    n: int | None
    suppressed: bool
    distribution: list[int] | None
    feeds: list[str]


# The fields a panel statement takes from its published ItemStat as they are (the rest it works out).
AS_PUBLISHED = set(PanelStatement.model_fields) - {"distribution", "feeds"}


class NodePanel(Result):
    """Everything the panel of a chosen box shows."""

    detail: NodeDetail
    interval: Interval
    preconditions: list[PanelLink]
    dependants: list[PanelLink]
    statements: list[PanelStatement]
    upstream: int
    downstream: int
    trend: list[TrendPoint]


def node_panel(
    health: Toc,
    cat: Catalogue,
    items: Sequence[ItemStat],
    node: str,
    by_cycle: Sequence[tuple[str, Toc]] = (),
) -> NodePanel:
    """The chosen box: its statements (published figures only), score with interval, links, assumptions, trend."""
    nodes = {n.id: n for n in health.nodes}
    feeds = statement_feeds(items, health)
    mine = [i for i in items if node in feeds[(i.framework, i.item)]]

    def link(other: str, rationale: str) -> PanelLink:
        o = nodes[other]
        return PanelLink(id=o.id, label=o.label, status=o.status, score=o.score, rationale=rationale)

    return NodePanel(
        detail=node_detail(health, cat, node),
        interval=node_interval(mine, scale_ranges(cat), bounds=REFERENCE),  # the common score is read on 1-5
        preconditions=[link(e.from_, e.rationale) for e in health.edges if e.to == node and e.from_ in nodes],
        dependants=[link(e.to, e.rationale) for e in health.edges if e.from_ == node and e.to in nodes],
        statements=[
            PanelStatement(
                **i.model_dump(include=AS_PUBLISHED),
                distribution=list(i.distribution.values()) if i.distribution and not i.suppressed else None,
                feeds=[nodes[f].label for f in feeds[(i.framework, i.item)]],
            )
            for i in mine
        ],
        upstream=len(upstream(health, node)),
        downstream=len(downstream(health, node)),
        trend=node_trend(by_cycle, node),
    )


class FrameworkScore(Result):
    """A box's statements of one framework: their mean on that framework's own scale."""

    framework: str
    title: str
    mean: float
    scale_min: int
    scale_max: int


def side_by_side(node: TocNode, cat: Catalogue) -> list[FrameworkScore]:
    """The box's score per framework, each on its own scale (the common score maps them to one before averaging)."""
    ranges = scale_ranges(cat)
    out = []
    for fw, mean in node.by_framework.items():
        lo, hi = ranges.get(fw, REFERENCE)
        title = cat.get(fw).title if fw in cat.frameworks else fw
        out.append(FrameworkScore(framework=fw, title=title, mean=mean, scale_min=lo, scale_max=hi))
    return out
