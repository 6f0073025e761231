"""The at-risk rule of the Theory of Change (issue 17) on a crafted graph: a node is at risk when a direct
precondition is weak, or through a chain of at-risk nodes no longer than the depth limit; one weak input does not put
every outcome at risk, and the reason names the path."""

from __future__ import annotations

from dataclasses import dataclass

from toolkit.analysis.config import Config
from toolkit.analysis.results import ItemStat
from toolkit.analysis.toc import toc_health
from toolkit.core.schema import Citation, Edge, Node

SRC = Citation(report="kantar2021", section="Figure 2")
ULTIMATE = [f"u{k}" for k in range(1, 9)]


@dataclass(frozen=True)
class Toc:
    nodes: tuple
    edges: tuple
    assumptions: tuple = ()


@dataclass(frozen=True)
class Cat:
    """Just what toc_health reads of a catalogue: the graph (hashable, as build_graph caches on it)."""

    toc: Toc
    interventions: tuple = ()
    rated: tuple = ()  # no rated framework named: statements are read on the reference 1-5 scale


@dataclass(frozen=True)
class Range:
    min: int
    max: int


@dataclass(frozen=True)
class Rated:
    """Just what scale_ranges reads of a rated framework."""

    id: str
    scale: Range


def graph() -> Cat:
    """inp -> out -> mid -> each of eight ultimate outcomes; a second input feeds u1 directly."""
    tiers = {"inp": "inputs", "inp2": "inputs", "out": "outputs", "mid": "intermediate_outcomes"}
    tiers |= dict.fromkeys(ULTIMATE, "ultimate_outcomes")
    nodes = tuple(Node(id=n, tier=t, label=n.upper(), source=SRC) for n, t in tiers.items())  # type: ignore[arg-type]
    links = [("inp", "out"), ("out", "mid"), ("inp2", "u1"), *(("mid", u) for u in ULTIMATE)]
    edges = tuple(Edge.model_validate({"from": a, "to": b, "rationale": "r", "source": SRC}) for a, b in links)
    return Cat(toc=Toc(nodes=nodes, edges=edges))


def item(node: str, mean: float) -> ItemStat:
    return ItemStat(framework="opm", item=f"i_{node}", text=f"about {node}", toc_nodes=[node], mean=mean, n=10)


def health(scores: dict[str, float], depth: int = 2):
    cfg = Config(toc_risk_depth=depth)
    return {n.id: n for n in toc_health(graph(), [item(k, v) for k, v in scores.items()], cfg).nodes}  # type: ignore[arg-type]


STRONG = dict.fromkeys(["inp", "inp2", "out", "mid", *ULTIMATE], 4.2)


def test_one_weak_input_does_not_put_every_outcome_at_risk() -> None:
    h = health(STRONG | {"inp": 2.7})
    assert h["inp"].status == "weak"
    assert h["out"].status == "at_risk" and h["out"].path == ["inp", "out"]  # a direct precondition is weak
    assert h["mid"].status == "at_risk" and h["mid"].path == ["inp", "out", "mid"]  # two links: within the limit
    assert "via 'OUT'" in h["mid"].reason and "'INP' is weak, 2.7" in h["mid"].reason
    for u in ULTIMATE:  # three links away: beyond the limit, they keep their own (strong) status
        assert h[u].status == "strong", (u, h[u].reason)


def test_the_depth_limit_is_the_rule() -> None:
    assert health(STRONG | {"inp": 2.7}, depth=1)["mid"].status == "strong"
    deep = health(STRONG | {"inp": 2.7}, depth=3)
    assert all(deep[u].status == "at_risk" and deep[u].path == ["inp", "out", "mid", u] for u in ULTIMATE)


def test_a_weak_direct_precondition_always_counts() -> None:
    h = health(STRONG | {"inp2": 2.5, "inp": 2.7})
    assert h["u1"].status == "at_risk" and h["u1"].path == ["inp2", "u1"]
    assert h["u1"].weak_upstream == ["inp2"]  # inp is three links away: not counted against u1
    assert all(h[u].status == "strong" for u in ULTIMATE[1:])


def test_a_weak_node_is_weak_not_at_risk_and_starts_its_own_chain() -> None:
    h = health(STRONG | {"inp": 2.7, "mid": 2.6})
    assert h["mid"].status == "weak" and h["mid"].path == []
    assert all(h[u].status == "at_risk" and h[u].path == ["mid", u] for u in ULTIMATE)


def test_node_scores_put_each_framework_on_one_scale_before_averaging() -> None:
    """A user framework rated 1-3 is not averaged with the OPM's 1-5 as if they were one scale (issue 17)."""
    from dataclasses import replace

    from toolkit.analysis.toc_view import node_interval

    cat = replace(graph(), rated=(Rated("mine", Range(1, 3)),))
    items = [item(k, 4.2) for k in STRONG if k != "mid"]
    items += [item("mid", 3.0), ItemStat(framework="mine", item="m1", text="t", toc_nodes=["mid"], mean=3.0, n=10)]
    mid = next(n for n in toc_health(cat, items, Config()).nodes if n.id == "mid")  # type: ignore[arg-type]
    # 3 of 1-5 is halfway (0.5), 3 of 1-3 is the top (1.0): 0.75 in common, 4.0 on the reference 1-5
    assert mid.common == 0.75 and mid.score == 4.0 and mid.own_status == "strong"
    assert mid.by_framework == {"opm": 3.0, "mine": 3.0}  # side by side, each on its own scale
    # the raw average (3.0) would have called it merely adequate
    plain = next(n for n in toc_health(graph(), items, Config()).nodes if n.id == "mid")  # type: ignore[arg-type]
    assert plain.score == 3.0 and plain.own_status == "adequate"
    # the panel's interval is on the same scale as the box's score
    iv = node_interval([i for i in items if "mid" in i.toc_nodes], {"mine": (1, 3)})
    assert iv.score == 4.0
