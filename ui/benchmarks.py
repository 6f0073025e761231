"""Benchmark glue: every cycle's table cached on a data version, and one area's comparison cached on its choices."""

from __future__ import annotations

import json

import streamlit as st

from toolkit.analysis.benchmark.measures import C_KEYS, STAGE_KEYS
from toolkit.analysis.benchmark.peers import BenchConfig
from toolkit.analysis.benchmark.table import CycleTable, area_tags, cycle_table, cycles_in_use, data_version
from toolkit.analysis.benchmark.view import area_view, cards, history
from toolkit.charts import benchmark as charts
from toolkit.core.settings import get_settings
from ui.resources import catalogue, db


@st.cache_data(max_entries=16, show_spinner="Comparing every area (once, until the data changes)...")
def _table(url: str, cycle: str, version: str, min_n: int) -> CycleTable:
    with db() as s:
        return cycle_table(cycle, session=s, cat=catalogue(), min_group_size=min_n)


@st.cache_data(max_entries=64, show_spinner=False)
def _comparison(
    url: str,
    version: str,
    cycles: tuple[str, ...],
    area: str,
    cycle: str,
    filters: tuple,
    named: bool | frozenset[str],
    min_n: int,
    min_peer: int,
    tags_key: str,
    _tags: dict,
) -> dict:
    cfg = BenchConfig(min_group_size=min_n, min_peer_areas=min_peer)
    tables = [_table(url, c, version, min_n) for c in cycles]
    table = tables[cycles.index(cycle)]
    f = dict(filters)
    view = area_view(table, _tags, area, f, cfg, named=named)
    hist = history(tables, area, _tags, f, cfg)
    cat = catalogue()
    label = area if len(area) <= 40 else area[:38] + "..."
    specs = {
        "stages": charts.distribution_chart(
            view, ["overall", *STAGE_KEYS], title="The four stages against peers", area_label=label
        ).to_dict(validate=False),
        "cs": charts.distribution_chart(
            view, C_KEYS, title="The 12 C's against peers", cat=cat, area_label=label
        ).to_dict(validate=False),
        "levels": charts.level_chart(view).to_dict(validate=False),
    }
    return {"view": view, "hist": hist, "cards": cards(view, hist), "specs": specs, "label": label}


@st.cache_data(max_entries=64, show_spinner=False)
def _history_spec(comparison_key: str, key: str, label: str, _hist) -> dict:
    return charts.history_chart(_hist, key, area_label=label, cat=catalogue()).to_dict(validate=False)


def comparison(
    area: str, cycle: str, filters: dict[str, str], *, named: bool | frozenset[str], tags: dict[str, dict]
) -> dict:
    """The area against its peers in this cycle and over every cycle, with chart specs, recomputed only on change."""
    s = get_settings()
    with db() as session:
        version = data_version(session=session)
        cycles = tuple(cycles_in_use(session=session))
    key = json.dumps(tags, sort_keys=True, ensure_ascii=False)
    out = _comparison(
        s.database_url,
        version,
        cycles,
        area,
        cycle,
        tuple(sorted(filters.items())),
        named,
        s.min_group_size,
        s.min_peer_areas,
        key,
        tags,
    )
    out["key"] = f"{s.database_url}|{version}|{area}|{cycle}|{sorted(filters.items())}|{named}|{hash(key)}"
    return out


def history_spec(comp: dict, key: str) -> dict:
    """The over-cycles chart of one measure, cached per comparison."""
    return _history_spec(comp["key"], key, comp["label"], comp["hist"])


def filter_label(value: str) -> str:
    """A peer filter choice in words: 'Any', 'Same as this area', or the tag value."""
    return {"any": "Any", "same": "Same as this area"}.get(value) or value.replace("_", " ")


def tags() -> dict[str, dict]:
    """Every area's tags (read on each rerun: small, and filters must see edits at once)."""
    with db() as s:
        return area_tags(session=s)
