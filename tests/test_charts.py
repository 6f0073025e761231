"""Charts are pure functions: tested through their Vega-Lite specs and DOT text."""

from __future__ import annotations

import pandas as pd
import pytest

from toolkit.analysis.area import analyse_frame
from toolkit.analysis.config import Config
from toolkit.analysis.results import Cell, Gap, Toc
from toolkit.charts import results as charts
from toolkit.charts import toc as toc_charts
from toolkit.core import ids
from toolkit.training.demo import generate_ratings


@pytest.fixture(scope="module")
def analysis(catalogue):
    df, _ = generate_ratings(catalogue, areas=1, cycles=("2026",), seed=3)
    return analyse_frame(df.drop(columns=["area", "cycle", "comment"]), catalogue, Config())


def _data(spec: dict) -> pd.DataFrame:
    return pd.DataFrame(next(iter(spec["datasets"].values())))


def test_heatmap_writes_mean_and_n_in_every_cell_not_just_colour(analysis) -> None:
    spec = charts.stage_level_heatmap(analysis).to_dict()
    data = _data(spec)
    assert len(data) == len(ids.STAGES) * (len(ids.LEVELS) + 1)
    shown = data.dropna(subset=["mean"])
    assert all(f"{m:.1f} (n=" in lab for m, lab in zip(shown["mean"], shown["label"], strict=True))
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["rect", "text"]  # the value is written, not only coloured
    assert spec["layer"][0]["encoding"]["color"]["scale"]["scheme"] == "viridis"


def test_heatmap_marks_suppressed_cells_in_words(analysis) -> None:
    levels = {
        s: {**cells, "strategic": Cell(mean=None, n=None, suppressed=True)}
        for s, cells in analysis.opm.by_stage_level.items()
    }
    small = analysis.model_copy(update={"opm": analysis.opm.model_copy(update={"by_stage_level": levels})})
    data = _data(charts.stage_level_heatmap(small).to_dict())
    strategic = data[data["level"] == "Strategic"]
    assert set(strategic["label"]) == {f"fewer than {analysis.min_group_size}"}
    assert strategic["mean"].isna().all()


def test_twelve_cs_chart_has_every_c_in_order_with_its_group(analysis, catalogue) -> None:
    data = _data(charts.twelve_cs_chart(analysis, catalogue).to_dict())
    assert list(data["order"]) == list(range(1, 13))
    assert set(data["group"]) == {"Practitioners and agencies", "Structures and processes"}


def test_gaps_chart_labels_comparisons_in_words_and_flags_significance(analysis) -> None:
    gaps = [
        {
            "framework": "opm",
            "kind": "level",
            "between": ["strategic", "frontline"],
            "stage": "communicate",
            "c": None,
            "item": None,
            "difference": 1.8,
            "significant": True,
        },
        {
            "framework": "twelve_cs",
            "kind": "agency",
            "between": ["police", "others"],
            "stage": None,
            "c": "c10_coordination_of_data",
            "item": None,
            "difference": -0.4,
            "significant": False,
        },
    ]
    data = _data(charts.gaps_chart([Gap.model_validate(g) for g in gaps]).to_dict())
    assert list(data["comparison"]) == [
        "Strategic vs frontline · Communicate",
        "Police vs others · Coordination of data",
    ]
    assert list(data["label"]) == ["mean +1.8 *", "mean -0.4"]  # the bar is Cliff's delta, the label the mean


def test_palettes_are_okabe_ito() -> None:
    assert set(charts.STATUS_COLOURS.values()) <= set(charts.OKABE_ITO.values())


def test_toc_dot_has_every_node_with_its_status_in_words_and_shape(analysis, catalogue) -> None:
    dot = toc_charts.toc_dot(analysis.toc)
    for n in analysis.toc.nodes:
        assert f'"{n.id}" [label=' in dot
        assert f"[{charts.STATUS_LABELS[n.status]}" in dot
    assert dot.count(" -> ") == len(catalogue.toc.edges)
    assert "cluster_0" in dot and "cluster_3" in dot


def test_toc_dot_escapes_quotes_in_labels() -> None:
    health = {
        "nodes": [
            {"id": "n1", "tier": "inputs", "label": 'A "quoted" label', "status": "weak", "score": 2.0, "path": []}
        ],
        "edges": [],
    }
    dot = toc_charts.toc_dot(Toc.model_validate({**health, "assumptions": []}))
    assert 'A \\"quoted\\" label' in dot
