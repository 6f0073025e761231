"""toolkit.analysis.toc: the Theory of Change graph and each node's health from the ratings linked to it."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.analysis.area import analyse_frame
from toolkit.analysis.config import Config, item_table
from toolkit.analysis.results import ItemStat
from toolkit.analysis.toc import STATUSES, build_graph, toc_health
from toolkit.core import ids

CONTRACT_STATUSES = {"strong", "adequate", "weak", "at_risk", "unknown"}


@pytest.fixture(scope="module")
def cat():
    from toolkit.core.frameworks import load_catalogue

    return load_catalogue()


@pytest.fixture(scope="module")
def graph(cat) -> nx.DiGraph:
    return build_graph(cat)


def team(per_level: int = 4) -> pd.DataFrame:
    agencies = ("local_authority", "police", "health")
    return pd.DataFrame(
        [
            {"respondent": f"{lv[:1]}{k}", "agency": agencies[k % 3], "level": lv}
            for lv in ids.LEVELS
            for k in range(per_level)
        ]
    )


def craft(cat, score) -> pd.DataFrame:
    grid = team().merge(item_table(cat).drop(columns=["text"]), how="cross")
    out = grid[["respondent", "agency", "level", "framework", "item"]].copy()
    out["score"] = pd.array(np.asarray(score(grid), float), dtype="Float64").astype("Int64")
    return out


def strong_background(g: pd.DataFrame) -> np.ndarray:
    """4 and 5 alternately by respondent: every item's mean is 4.5."""
    return np.where(g["respondent"].str[1:].astype(int) % 2 == 0, 4.0, 5.0)


def tagged(g: pd.DataFrame, node: str) -> np.ndarray:
    return g["toc_nodes"].map(lambda nodes: node in nodes).to_numpy()


def _nodes(result: dict) -> dict[str, dict]:
    return {n.id: n for n in result.toc.nodes}


# ---- the graph ------------------------------------------------------------------------------------------------


def test_graph_is_a_dag_over_the_four_tiers(cat, graph) -> None:
    assert nx.is_directed_acyclic_graph(graph)
    assert set(graph.nodes) == {n.id for n in cat.toc.nodes}
    assert graph.number_of_edges() == len(cat.toc.edges)
    tiers = {graph.nodes[n]["tier"] for n in graph}
    assert tiers == set(ids.TOC_TIERS)
    order = {t: k for k, t in enumerate(ids.TOC_TIERS)}
    for a, b in graph.edges:
        assert order[graph.nodes[a]["tier"]] <= order[graph.nodes[b]["tier"]], (a, b)  # never backwards
        assert graph.edges[a, b]["rationale"]


def test_every_node_reaches_an_ultimate_outcome(graph) -> None:
    ultimate = {n for n in graph if graph.nodes[n]["tier"] == "ultimate_outcomes"}
    assert len(ultimate) == 7  # Kantar's Figure 2; nothing sits above them
    assert not [n for n in graph if graph.nodes[n]["top"]]
    for n in graph:
        assert n in ultimate or any(nx.has_path(graph, n, u) for u in ultimate), n


def test_information_sharing_depends_on_agreed_policies(graph) -> None:
    assert nx.has_path(graph, "in_agreed_policies", "int_information_sharing")
    assert graph.nodes["in_agreed_policies"]["tier"] == "inputs"
    assert graph.nodes["int_information_sharing"]["tier"] == "intermediate_outcomes"


# ---- node health ----------------------------------------------------------------------------------------------


def test_all_strong_ratings_make_every_node_strong(cat) -> None:
    result = analyse_frame(craft(cat, strong_background), cat, Config())
    nodes = _nodes(result)
    assert {n.status for n in nodes.values()} == {"strong"}
    assert all(n.score == 4.5 and n.n_items > 0 and n.path == [] for n in nodes.values())
    assert result.toc.nodes[0].tier == "inputs" and result.toc.nodes[-1].tier == "ultimate_outcomes"


def test_a_weak_information_sharing_input_puts_information_sharing_at_risk(cat, graph) -> None:
    """Items about agreed policies rated 2, everything else 4.5: the policies input is weak, and what rests on it
    (information shared efficiently and consistently) is at risk, explained by the path from that input."""
    ratings = craft(cat, lambda g: np.where(tagged(g, "in_agreed_policies"), 2.0, strong_background(g)))
    result = analyse_frame(ratings, cat, Config())
    nodes = _nodes(result)
    policies = nodes["in_agreed_policies"]
    assert policies.status == "weak" and policies.score == 2.0
    assert "2.0" in policies.reason

    sharing = nodes["int_information_sharing"]
    assert sharing.own_status in ("adequate", "strong")  # its own evidence is fine...
    assert sharing.status == "at_risk"  # ...but it rests on a weak input
    assert sharing.path[0] == "in_agreed_policies" and sharing.path[-1] == "int_information_sharing"
    assert nx.is_path(graph, sharing.path)
    assert "in_agreed_policies" in sharing.weak_upstream
    label = graph.nodes["in_agreed_policies"]["label"]
    assert sharing.reason.startswith(f"{sharing.label} is at risk: input '{label}' is weak, 2.0")
    for between in sharing.path[1:-1]:  # the reason names the path (issue 17)
        assert f"'{graph.nodes[between]['label']}'" in sharing.reason

    for n, node in nodes.items():
        # within the depth limit (issue 17: two links by default) of the weak input, not everything downstream
        hops = nx.single_source_shortest_path_length(graph, "in_agreed_policies").get(n)
        below = hops is not None and 0 < hops <= Config().toc_risk_depth
        if below and node.own_status != "weak":
            assert node.status == "at_risk", n
        if not below and n != "in_agreed_policies":
            assert node.status in ("strong", "adequate"), (n, node.status)
    risky = {(e.from_, e.to) for e in result.toc.edges if e.at_risk}
    assert set(zip(sharing.path, sharing.path[1:], strict=False)) <= risky
    assert all(nx.has_path(graph, "in_agreed_policies", b) for _, b in risky)


def test_without_the_weak_input_nothing_is_at_risk(cat) -> None:
    ratings = craft(cat, lambda g: np.where(tagged(g, "in_agreed_policies"), 4.0, strong_background(g)))
    nodes = _nodes(analyse_frame(ratings, cat, Config()))
    assert nodes["int_information_sharing"].status == "strong"
    assert not [n for n in nodes.values() if n.status == "at_risk"]


def test_a_weak_node_names_its_weakest_items(cat) -> None:
    items = item_table(cat)
    linked = items[items["toc_nodes"].map(lambda ns: "int_information_sharing" in ns)]
    worst = linked["item"].iloc[0]
    ratings = craft(
        cat,
        lambda g: np.where(
            tagged(g, "int_information_sharing"), np.where(g["item"] == worst, 1.0, 2.0), strong_background(g)
        ),
    )
    node = _nodes(analyse_frame(ratings, cat, Config()))["int_information_sharing"]
    assert node.status == "weak"
    assert node.reason.startswith(f"{node.label} is weak (")
    assert f"'{linked['text'].iloc[0]}' 1.0" in node.reason


def test_a_failing_assumption_flags_the_nodes_it_underpins(cat) -> None:
    assumption = next(a for a in cat.toc.assumptions if a.id == "processes_can_align")
    register = {
        "processes_can_align": {"status": "fails", "note": "Two trusts merged; policies differ."},
        "clear_purpose": {"status": "doubtful", "note": "Mixed views."},
    }
    result = analyse_frame(craft(cat, strong_background), cat, Config(), assumptions=register)
    nodes = _nodes(result)
    for n in assumption.nodes:
        assert nodes[n].status == "at_risk", n
        assert nodes[n].own_status == "strong"
        assert nodes[n].assumptions_failing == [assumption.text]
        assert assumption.text in nodes[n].reason
    others = {n: v for n, v in nodes.items() if n not in assumption.nodes}
    assert {v.status for v in others.values()} == {"strong"}  # a doubtful assumption flags nothing
    entries = {a.id: a for a in result.toc.assumptions}
    assert len(entries) == len(cat.toc.assumptions) == 11
    assert entries["processes_can_align"].status == "fails"
    assert entries["processes_can_align"].note == "Two trusts merged; policies differ."
    assert entries["clear_purpose"].status == "doubtful"
    assert entries["reform_valued"].status == "unknown"


def test_no_ratings_means_unknown(cat) -> None:
    ratings = craft(cat, lambda g: np.full(len(g), np.nan))
    nodes = _nodes(analyse_frame(ratings, cat, Config()))
    assert {n.status for n in nodes.values()} == {"unknown"}
    assert all(n.score is None for n in nodes.values())


def test_thresholds_decide_the_status(cat) -> None:
    ratings = craft(cat, lambda g: np.full(len(g), 4.0))
    nodes = _nodes(analyse_frame(ratings, cat, Config(strong_threshold=3.75)))
    assert {n.status for n in nodes.values()} == {"strong"}
    nodes = _nodes(analyse_frame(ratings, cat, Config(strong_threshold=4.5)))
    assert {n.status for n in nodes.values()} == {"adequate"}
    nodes = _nodes(analyse_frame(ratings, cat, Config(priority_threshold=4.2, strong_threshold=4.5)))
    weak = {n for n, v in nodes.items() if v.status == "weak"}
    assert weak == set(nodes)  # every node scores 4.0 < 4.2: weak, not "at risk" (its own evidence is weak)


# ---- statuses come only from the contract set -----------------------------------------------------------------


def test_status_names_are_the_contract_set() -> None:
    assert set(STATUSES) == CONTRACT_STATUSES


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_statuses_are_consistent_for_any_item_means(cat, graph, data) -> None:
    table = item_table(cat)
    means = data.draw(st.lists(st.one_of(st.none(), st.floats(1, 5)), min_size=len(table), max_size=len(table)))
    failing = data.draw(st.sets(st.sampled_from([a.id for a in cat.toc.assumptions]), max_size=3))
    items = [
        ItemStat(
            framework=r.framework,
            item=r.item,
            text=r.text,
            toc_nodes=list(r.toc_nodes),
            mean=None if m is None else round(m, 2),
            n=None if m is None else 10,
        )
        for r, m in zip(table.itertuples(), means, strict=True)
    ]
    cfg = Config()
    health = toc_health(cat, items, cfg, {a: {"status": "fails", "note": ""} for a in failing})
    weak = {n.id for n in health.nodes if n.own_status == "weak"}
    flagged = {n for a in cat.toc.assumptions if a.id in failing for n in a.nodes}
    assert [n.tier for n in health.nodes] == sorted((n.tier for n in health.nodes), key=ids.TOC_TIERS.index)
    for n in health.nodes:
        assert n.status in CONTRACT_STATUSES
        assert n.own_status in CONTRACT_STATUSES - {"at_risk"}
        assert (n.score is None) == (n.own_status == "unknown")
        if n.score is not None:
            expected = (
                "strong"
                if n.score >= cfg.strong_threshold
                else "adequate"
                if n.score >= cfg.priority_threshold
                else "weak"
            )
            assert n.own_status == expected
        # the rule: a weak node at most cfg.toc_risk_depth links upstream (a chain of at-risk nodes, depth-limited)
        near = {
            w for w in nx.ancestors(graph, n.id) & weak if nx.shortest_path_length(graph, w, n.id) <= cfg.toc_risk_depth
        }
        upstream_weak = bool(near)
        if n.own_status == "weak":
            assert n.status == "weak"
        elif upstream_weak or n.id in flagged:
            assert n.status == "at_risk" and n.reason
            if upstream_weak:
                assert n.path[0] in weak and n.path[-1] == n.id and nx.is_path(graph, n.path)
        else:
            assert n.status == n.own_status
