"""The Theory of Change canvas as data and as SVG: tiers, positions, statuses by shape and words, escaping, paths."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET

import networkx as nx
import pytest

from toolkit.analysis.config import Config
from toolkit.analysis.results import Assumption, ItemStat, Toc, TocEdge, TocNode
from toolkit.analysis.toc import build_graph, toc_health
from toolkit.analysis.toc_view import (
    downstream,
    node_interval,
    node_stages,
    node_trend,
    path_edges,
    statement_feeds,
    upstream,
)
from toolkit.charts.toc_canvas import MIN_FONT_PX, SHAPES, TAGS, toc_canvas
from toolkit.core import ids

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def cat():
    from toolkit.core.frameworks import load_catalogue

    return load_catalogue()


def _items(cat, mean: float = 3.0) -> list[ItemStat]:
    out = []
    for fw in ("opm", "twelve_cs"):
        for k, it in enumerate(cat.get(fw).items):
            m = 1.5 + (k * 0.37) % 3.2 if mean is None else mean
            out.append(
                ItemStat(framework=fw, item=it.id, text=it.text, stage=getattr(it, "stage", None),
                         toc_nodes=list(it.toc_nodes), mean=m, n=6, sd=1.0)
            )  # fmt: skip
    return out


@pytest.fixture(scope="module")
def health(cat) -> Toc:
    return toc_health(cat, _items(cat, None), Config())  # type: ignore[arg-type]


def tiny(label: str = "A & <b>", status: str = "weak") -> Toc:
    nodes = [
        TocNode(id="a", tier="inputs", label=label, status=status),  # type: ignore[arg-type]
        TocNode(id="b", tier="outputs", label="B", status="at_risk"),
        TocNode(id="c", tier="intermediate_outcomes", label="C", status="strong"),
        TocNode(id="d", tier="ultimate_outcomes", label="D", status="unknown"),
        TocNode(id="e", tier="outputs", label="E", status="adequate"),
    ]
    edges = [TocEdge(from_=a, to=b, at_risk=False) for a, b in (("a", "b"), ("b", "c"), ("c", "d"), ("e", "c"))]
    assumptions = [Assumption(id="x", text="It holds", status="fails", note="", nodes=["c"])]
    return Toc(nodes=nodes, edges=edges, assumptions=assumptions)


def test_four_tiers_as_columns_left_to_right_with_their_opm_stage(health) -> None:
    c = toc_canvas(health)
    assert [t.tier for t in c.tiers] == list(ids.TOC_TIERS)
    assert [t.stage for t in c.tiers] == ["create", "communicate", "commit", "consider"]  # Kantar Annex 1 Table 3
    xs = [t.x for t in c.tiers]
    assert xs == sorted(xs) and len(set(xs)) == 4
    for n in c.nodes:
        tier = next(t for t in c.tiers if t.tier == n.tier)
        assert tier.x <= n.x and n.x + n.w <= tier.x + tier.w
    assert "OPM stage: Create" in c.svg and "OPM stage: Consider" in c.svg
    assert {n.id for n in c.nodes} == {n.id for n in health.nodes}


def test_boxes_of_a_column_do_not_overlap(health) -> None:
    c = toc_canvas(health)
    for tier in ids.TOC_TIERS:
        col = sorted((n for n in c.nodes if n.tier == tier), key=lambda n: n.y)
        assert all(a.y + a.h <= b.y for a, b in itertools.pairwise(col))
        assert all(n.y + n.h <= c.height for n in col)


def test_text_is_at_least_12px_and_never_scaled_to_fit(health) -> None:
    c = toc_canvas(health, font_px=8)  # asking for smaller text still gets the floor
    assert all(n.font_px >= MIN_FONT_PX for n in c.nodes)
    root = ET.fromstring(c.svg)
    assert float(root.get("width", 0)) == pytest.approx(c.width, abs=1)
    assert root.get("viewBox") == f"0 0 {c.width:.0f} {c.height:.0f}"  # one user unit is one pixel
    sizes = [float(x) for x in re.findall(r'font-size="([\d.]+)"', c.svg)]
    assert sizes and min(sizes) >= MIN_FONT_PX


def test_each_status_has_its_own_shape_and_written_tag() -> None:
    c = toc_canvas(tiny())
    by = {n.id: n for n in c.nodes}
    assert len(set(SHAPES.values())) == 5
    for node_id, status in (("a", "weak"), ("b", "at_risk"), ("c", "strong"), ("d", "unknown"), ("e", "adequate")):
        assert by[node_id].shape == SHAPES[status]
        assert by[node_id].tag.startswith(TAGS[status])
    root = ET.fromstring(c.svg)
    groups = {g.get("data-node"): g for g in root.iter(f"{SVG}g") if g.get("class") == "toc-node"}
    assert groups["a"].find(f"{SVG}polygon") is not None  # octagon
    assert groups["b"].find(f"{SVG}polygon") is not None  # hexagon
    assert "stroke-dasharray" in ET.tostring(groups["b"]).decode()
    texts = {k: " ".join(t.text or "" for t in g.iter(f"{SVG}text")) for k, g in groups.items()}
    assert "WEAK" in texts["a"] and "AT RISK" in texts["b"] and "NO EVIDENCE" in texts["d"]


def test_user_text_is_escaped_and_the_svg_parses() -> None:
    evil = 'Box </text><script>alert(1)</script> "q" \x01'
    c = toc_canvas(tiny(label=evil))
    assert "<script>" not in c.svg
    root = ET.fromstring(c.svg)  # well-formed XML
    shown = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "</text><script>alert(" in shown.replace(" ", "")  # shown as text (wrapped onto lines)
    assert not list(root.iter(f"{SVG}script"))


def test_boxes_are_focusable_buttons_with_a_spoken_name() -> None:
    root = ET.fromstring(toc_canvas(tiny()).svg)
    nodes = [g for g in root.iter(f"{SVG}g") if g.get("class") == "toc-node"]
    assert len(nodes) == 5
    assert all(g.get("tabindex") == "0" and g.get("role") == "button" for g in nodes)
    assert any("Weak" in (g.get("aria-label") or "") for g in nodes)


def test_selecting_marks_the_upstream_and_downstream_paths() -> None:
    c = toc_canvas(tiny(), selected="b")
    roles = {n.id: n.role for n in c.nodes}
    assert roles == {"a": "upstream", "b": "selected", "c": "downstream", "d": "downstream", "e": "faded"}
    links = {(e.from_, e.to): e.role for e in c.edges}
    assert links[("a", "b")] == "upstream" and links[("b", "c")] == "downstream" and links[("e", "c")] == "faded"


def test_filter_keeps_only_the_boxes_shown_and_their_links() -> None:
    c = toc_canvas(tiny(), show={"a", "b"})
    assert {n.id for n in c.nodes} == {"a", "b"}
    assert {(e.from_, e.to) for e in c.edges} == {("a", "b")}


def test_a_folded_tier_is_a_bar_with_its_count() -> None:
    c = toc_canvas(tiny(), collapsed=["outputs"])
    assert {n.id for n in c.nodes} == {"a", "c", "d"}
    outputs = next(t for t in c.tiers if t.tier == "outputs")
    assert outputs.collapsed and outputs.boxes == 2 and outputs.w < 100
    assert "2 boxes" in c.svg
    assert {(e.from_, e.to) for e in c.edges} >= {("a", "b"), ("b", "c")}  # links still pass through the bar


def test_assumption_reviews_are_drawn_on_the_links_they_underpin() -> None:
    c = toc_canvas(tiny())
    assert {(e.from_, e.to): e.review for e in c.edges}[("b", "c")] == "fails"
    assert 'data-review="fails"' in c.svg


def test_upstream_and_downstream_agree_with_the_graph(cat, health) -> None:
    g = build_graph(cat)
    for n in ("int_information_sharing", next(iter(g.nodes))):
        assert upstream(health, n) == nx.ancestors(g, n)
        assert downstream(health, n) == nx.descendants(g, n)
        assert not upstream(health, n) & downstream(health, n)  # the graph has no cycle
        ups, downs = path_edges(health, n)
        assert all(b in upstream(health, n) | {n} for _, b in ups)
        assert all(a in downstream(health, n) | {n} for a, _ in downs)


def test_statement_feeds_and_stages_follow_the_tags(cat, health) -> None:
    items = _items(cat)
    feeds = statement_feeds(items, health)
    assert any(feeds.values())
    stages = node_stages(items, health)
    for n in health.nodes:
        assert ids.OPM_TO_TOC and {s for s, t in ids.OPM_TO_TOC.items() if t == n.tier} <= stages[n.id]


def test_interval_holds_the_score_and_counts_only_published_statements() -> None:
    shown = ItemStat(framework="opm", item="x", text="x", mean=3.0, n=10, sd=1.0)
    hidden = ItemStat(framework="opm", item="y", text="y", mean=None, n=None, suppressed=True)
    iv = node_interval([shown, hidden])
    assert iv.statements == 1 and iv.n == 10
    assert iv.low is not None and iv.high is not None and iv.low < 3.0 < iv.high
    assert node_interval([hidden]).score is None


def test_interval_stays_on_the_rating_scale_however_few_answered() -> None:
    few = ItemStat(framework="opm", item="x", text="x", mean=4.7, n=3, sd=1.5)
    wide = node_interval([few])
    assert wide.high is not None and wide.high > 5  # the normal approximation alone runs off a 1-5 scale
    iv = node_interval([few], bounds=(1, 5))
    assert iv.score == 4.7 and iv.low == wide.low and iv.high == 5
    assert node_interval([few.model_copy(update={"mean": 1.2})], bounds=(1, 5)).low == 1


def test_trend_lists_the_box_per_cycle_in_order() -> None:
    t = node_trend([("2025", tiny(status="strong")), ("2026", tiny())], "a")
    assert [(p.cycle, p.status) for p in t] == [("2025", "strong"), ("2026", "weak")]
