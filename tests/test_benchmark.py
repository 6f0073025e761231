"""Benchmarks: percentile maths, suppression, minimum peer areas, anonymisation in every output and export, the CLI."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import zipfile

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.analysis.area import analyse
from toolkit.analysis.benchmark.every_area import benchmark
from toolkit.analysis.benchmark.exports import export_bytes, view_table
from toolkit.analysis.benchmark.measures import KEYS, ordinal
from toolkit.analysis.benchmark.peers import BenchConfig, describe_filters, peer_labels, peer_set
from toolkit.analysis.benchmark.ranks import rank_stats
from toolkit.analysis.benchmark.table import CycleTable, area_tags, cycle_table, data_version, table_from_stats
from toolkit.analysis.benchmark.view import area_view, cards, compare, history, peers_table
from toolkit.analysis.config import Config
from toolkit.core import ids
from toolkit.store.areas import resolve_cycle
from toolkit.store.db import session_scope
from toolkit.training.demo import load_demo

CFG = BenchConfig(min_group_size=3, min_peer_areas=5)


def table_of(overall: dict[str, float], cycle: str = "2026") -> CycleTable:
    """A cycle table whose every stage (and so overall) equals the given value per area, 10 respondents each."""
    rows = [
        {"area": a, "level": lv, "measure": m, "mean": v, "n": 10}
        for a, v in overall.items()
        for m in [*ids.STAGES, *ids.C_IDS]
        for lv in ids.LEVELS
    ]
    resp = pd.Series(dict.fromkeys(overall, 30))
    return table_from_stats(pd.DataFrame(rows), resp, cycle, 3)


# ---- percentile maths ----------------------------------------------------------------------------------------------


def test_percentile_rank_counts_peers_below_and_ties_as_half() -> None:
    t = table_of({"A": 3.0, "B": 1.0, "C": 2.0, "D": 3.0, "E": 4.0, "F": 5.0, "G": 3.0})
    v = compare(t, "A", t.areas, CFG, named=True)
    # Peers B..G: below 3.0 are B, C (2); equal are D, G (2); so (2 + 2/2) / 6 = 50.
    assert v.measures["overall"].percentile == 50.0
    assert v.measures["stage:create"].percentile == 50.0
    top = compare(t, "F", t.areas, CFG, named=True).measures["overall"]
    bottom = compare(t, "B", t.areas, CFG, named=True).measures["overall"]
    assert (top.percentile, bottom.percentile) == (100.0, 0.0)
    peer = v.measures["overall"].peer
    assert peer is not None and peer.model_dump() == {
        "areas": 6,
        "q1": 2.25,
        "median": 3.0,
        "q3": 3.75,
    }  # numpy's linear quartiles of 1,2,3,3,4,5


def test_the_area_is_never_its_own_peer() -> None:
    t = table_of({a: float(k) for k, a in enumerate("ABCDEF", start=1)})
    v = compare(t, "A", ["A", "B", "C", "D", "E", "F"], CFG, named=True)
    assert v.n_peers == 5 and "A" not in set(v.points["label"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.floats(1, 5, allow_nan=False)), min_size=6, max_size=30), st.floats(1, 5))
def test_percentile_and_quartiles_match_a_direct_count(values, mine) -> None:
    peers = np.array([[np.nan if x is None else round(x, 2)] for x in values])
    s = rank_stats(np.array([round(mine, 2)]), peers, 5)
    have = peers[~np.isnan(peers)]
    if len(have) < 5:
        assert np.isnan(s.pct[0]) and np.isnan(s.median[0])
        return
    expected = 100 * ((have < round(mine, 2)).sum() + 0.5 * (have == round(mine, 2)).sum()) / len(have)
    assert s.pct[0] == pytest.approx(expected)
    assert [s.q1[0], s.median[0], s.q3[0]] == pytest.approx(list(np.quantile(have, [0.25, 0.5, 0.75])))


def test_ordinal_percentiles() -> None:
    assert [ordinal(p) for p in (1, 2, 3, 4, 11, 12, 13, 21, 22, 62.4, 100, None)] == [
        "1st",
        "2nd",
        "3rd",
        "4th",
        "11th",
        "12th",
        "13th",
        "21st",
        "22nd",
        "62nd",
        "100th",
        "-",
    ]


# ---- minimum peer areas ----------------------------------------------------------------------------------------


def test_no_peer_statistics_below_the_minimum_number_of_peer_areas() -> None:
    t = table_of({"A": 3.0, "B": 1.0, "C": 2.0, "D": 3.5, "E": 4.0, "F": 5.0})
    few = compare(t, "A", ["B", "C", "D", "E"], CFG, named=True)
    m = few.measures["overall"]
    assert m.mean == 3.0 and m.percentile is None and m.peer is None
    assert few.points.empty and "at least 5" in few.notes[0]
    enough = compare(t, "A", ["B", "C", "D", "E", "F"], CFG, named=True)
    assert enough.measures["overall"].percentile == 40.0 and len(enough.points) > 0
    stricter = compare(t, "A", t.areas, BenchConfig(min_peer_areas=6), named=True)
    assert stricter.measures["overall"].peer is None


def test_peers_without_a_value_do_not_count_towards_the_minimum() -> None:
    t = table_of({"A": 3.0, "B": 1.0, "C": 2.0, "D": 3.5, "E": 4.0, "F": 5.0})
    t.values.loc["F", "c:c01_clarity"] = np.nan  # suppressed there
    v = compare(t, "A", t.areas, CFG, named=True)
    peer = v.measures["overall"].peer
    assert peer is not None and peer.areas == 5
    assert v.measures["c:c01_clarity"].peer is None and v.measures["c:c01_clarity"].peer_areas == 4


# ---- suppression ---------------------------------------------------------------------------------------------------


def _stats(levels: dict[str, int], *, area: str = "A", mean: float = 3.0) -> list[dict]:
    return [
        {"area": area, "level": lv, "measure": m, "mean": mean + k * 0.5, "n": n}
        for k, (lv, n) in enumerate(levels.items())
        for m in [*ids.STAGES, *ids.C_IDS]
    ]


def test_a_small_level_is_left_out_of_every_figure_headline_and_n_included() -> None:
    stats = pd.DataFrame(_stats({"strategic": 2, "managerial": 4, "frontline": 9}))
    t = table_from_stats(stats, pd.Series({"A": 15}), "2026", 3)
    cells = {lv: t.values.at["A", f"level:create:{lv}"] for lv in ids.LEVELS}
    assert np.isnan(cells["strategic"]) and t.suppressed.at["A", "level:create:strategic"]
    # Issue 14: the two leaders are in no figure (headline, n), so managerial need not be hidden with them: no total
    # is left to subtract from.
    assert cells["managerial"] == 3.5 and cells["frontline"] == 4.0
    assert t.values.at["A", "stage:create"] == 3.75 and t.n.at["A", "stage:create"] == 13
    assert t.values.at["A", "overall"] == 3.75
    both = table_from_stats(
        pd.DataFrame(_stats({"strategic": 2, "managerial": 1, "frontline": 9})), pd.Series({"A": 12}), "2026", 3
    )
    assert not both.suppressed.at["A", "level:create:frontline"]  # two small levels hide each other: no third needed


def test_a_whole_area_under_the_threshold_is_suppressed_and_has_no_overall() -> None:
    stats = pd.DataFrame(_stats({"strategic": 1, "frontline": 1}))
    t = table_from_stats(stats, pd.Series({"A": 2}), "2026", 3)
    assert t.values.loc["A"].isna().all()
    assert t.suppressed.at["A", "stage:consider"] and t.suppressed.at["A", "overall"]
    v = compare(t, "A", [], CFG, named=True)
    m = v.measures["overall"]
    assert (m.mean, m.n, m.suppressed) == (None, None, True)


def test_the_cycle_table_agrees_with_each_areas_own_analysis(db_url, catalogue) -> None:
    load_demo(areas=6, catalogue=catalogue)
    cfg = Config(min_group_size=8)  # large enough that some strategic cells are hidden
    with session_scope() as s:
        t = cycle_table("2026", session=s, cat=catalogue, min_group_size=8)
        for area in t.areas:
            a = analyse(area, "2026", session=s, cat=catalogue, cfg=cfg, with_change=False)
            for stage in ids.STAGES:
                # Equal up to the last rounded digit (the database and pandas sum in different orders).
                assert t.values.at[area, f"stage:{stage}"] == pytest.approx(a.opm.by_stage[stage].mean, abs=0.0101)
                for lv in ids.LEVELS:
                    cell = a.opm.by_stage_level[stage][lv]
                    got = t.values.at[area, f"level:{stage}:{lv}"]
                    assert (None if np.isnan(got) else got) == pytest.approx(cell.mean, abs=0.0101), (
                        area,
                        stage,
                        lv,
                    )
                    assert bool(t.suppressed.at[area, f"level:{stage}:{lv}"]) == cell.suppressed
            for c in ids.C_IDS:
                assert t.values.at[area, f"c:{c}"] == pytest.approx(a.twelve_cs[c].mean, abs=0.0101)
            assert t.respondents[area] == a.respondents
    assert t.suppressed.to_numpy().any()  # the threshold really hid something


# ---- anonymisation -------------------------------------------------------------------------------------------------


@pytest.fixture
def national(db_url, catalogue):
    load_demo(areas=8, catalogue=catalogue, cycles=("2025", "2026"))
    with session_scope() as s:
        tags = area_tags(session=s)
        tables = [cycle_table(c, session=s, cat=catalogue, min_group_size=3) for c in ("2025", "2026")]
    return tables, tags


def _no_names(blob: str, names: list[str], keep: str | None = None) -> None:
    for n in names:
        if n != keep:
            assert n not in blob and n.removesuffix(" (fictional)") not in blob, n


def test_peers_are_anonymised_in_every_output_and_export(national, catalogue) -> None:
    tables, tags = national
    t = tables[-1]
    area = t.areas[0]
    v = area_view(t, tags, area, {}, CFG, named=False)
    assert set(v.points["label"]) == {f"Peer {k:02d}" for k in range(1, 8)}
    hist = history(tables, area, tags, {}, CFG)
    outputs = [
        v.points.to_csv(),
        peers_table(v, catalogue).to_csv(),
        view_table(v, catalogue).to_csv(),
        export_bytes(v, "csv", catalogue, hist).decode(),
        hist.to_csv(),
        json.dumps([c.model_dump() for c in cards(v, hist)]),
    ]
    with zipfile.ZipFile(io.BytesIO(export_bytes(v, "xlsx", catalogue, hist))) as z:
        outputs += [z.read(n).decode() for n in z.namelist() if n.endswith(".xml")]
    from toolkit.charts.benchmark import distribution_chart, history_chart, level_chart

    outputs += [
        json.dumps(distribution_chart(v, KEYS[:5], title="t", area_label="This area").to_dict()),
        json.dumps(level_chart(v).to_dict()),
        json.dumps(history_chart(hist, "overall", area_label="This area").to_dict()),
    ]
    for blob in outputs:
        _no_names(blob, t.areas, keep=area)  # the viewer's own area is named; no peer is
    named = area_view(t, tags, area, {}, CFG, named=True)
    assert set(named.points["label"]) == set(t.areas) - {area}


def test_anonymous_labels_follow_the_values_not_the_names(national) -> None:
    t = national[0][-1]
    labels = peer_labels(t, t.areas, named=False)
    by_value = t.values["overall"].sort_values(ascending=False).index
    assert [labels[a] for a in by_value] == [f"Peer {k:02d}" for k in range(1, len(t.areas) + 1)]


def test_every_area_at_once_names_only_when_allowed(national) -> None:
    tables, tags = national
    t = tables[-1]
    named = benchmark(t, tags, CFG)
    assert {a.area for a in named.areas} == set(t.areas)
    anon = benchmark(t, tags, CFG, named=False)
    _no_names(anon.model_dump_json(), t.areas)
    assert all(a["area"].startswith("Peer ") and "tags" not in a for a in anon.model_dump(mode="json")["areas"])


def test_exports_neutralise_spreadsheet_formulas(national, catalogue) -> None:
    tables, _tags = national
    t = tables[-1]
    evil = '=HYPERLINK("http://x")'
    t.values = t.values.rename(index={t.areas[0]: evil})
    t.n = t.n.rename(index={t.n.index[0]: evil})
    t.suppressed = t.suppressed.rename(index={t.suppressed.index[0]: evil})
    t.respondents = t.respondents.rename(index={t.respondents.index[0]: evil})
    v = compare(t, t.areas[1], t.areas, CFG, named=True)
    csv = export_bytes(v, "xlsx", catalogue)
    with zipfile.ZipFile(io.BytesIO(csv)) as z:
        sheets = "".join(z.read(n).decode() for n in z.namelist() if "sheet" in n or "sharedStrings" in n)
    assert "'=HYPERLINK" in sheets and "<f>" not in sheets
    v2 = compare(t, evil, t.areas, CFG, named=True)
    assert "'=HYPERLINK" in export_bytes(v2, "csv", catalogue).decode()


# ---- filters, history, version ---------------------------------------------------------------------------------------


def test_peer_filters_by_tag_value_or_the_areas_own() -> None:
    tags = {
        "A": {"nation": "Wales", "type": "county"},
        "B": {"nation": "Wales", "type": "unitary"},
        "C": {"nation": "England", "type": "county"},
        "D": {"nation": "Wales", "type": "county"},
    }
    assert peer_set(tags, "A", {}) == ["B", "C", "D"]
    assert peer_set(tags, "A", {"nation": "same"}) == ["B", "D"]
    assert peer_set(tags, "A", {"nation": "same", "type": "same"}) == ["D"]
    assert peer_set(tags, "A", {"nation": "England", "type": "any"}) == ["C"]
    assert describe_filters({"nation": "same", "type": "any"}) == "areas with nation same as this area"


def test_history_gives_change_and_peer_medians_over_cycles(national) -> None:
    tables, tags = national
    area = tables[-1].areas[2]
    hist = history(tables, area, tags, {}, CFG)
    h = hist[hist["key"] == "overall"].set_index("cycle")
    assert list(h.index) == ["2025", "2026"]
    assert h.at["2026", "change"] == pytest.approx(h.at["2026", "value"] - h.at["2025", "value"], abs=0.011)
    assert h["peer_median"].notna().all() and h["peer_areas"].eq(7).all()
    card = cards(area_view(tables[-1], tags, area, {}, CFG, named=False), hist)[0]
    assert card.delta is not None and card.delta.endswith("since 2025")
    assert re.fullmatch(r"\d+(st|nd|rd|th)", card.value)


def test_the_data_version_moves_when_ratings_change(db_url, catalogue) -> None:
    load_demo(areas=1, catalogue=catalogue)
    with session_scope() as s:
        before = data_version(session=s)
    from toolkit.capture.write import record_rating
    from toolkit.store.ratings import find_respondent

    with session_scope() as s:
        r = find_respondent(resolve_cycle("Ashvale (fictional)", "2026", session=s), "r001", session=s)
        record_rating(r, "opm", catalogue.opm.items[0].id, 1, "changed", session=s)
    with session_scope() as s:
        assert data_version(session=s) != before


# ---- command line --------------------------------------------------------------------------------------------------


def _cli(db_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {"DATABASE_URL": db_url, "PATH": "/usr/bin:/bin", "TOOLKIT_MIN_PEER_AREAS": "5"}
    return subprocess.run(
        [sys.executable, "-m", "toolkit", "benchmark", *args], capture_output=True, text=True, env=env
    )


def test_cli_json_has_the_contract_shape_and_names_areas(national, db_url) -> None:
    out = _cli(db_url, "--cycle", "2026", "--json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["cycle"] == "2026" and doc["named"] is True and len(doc["areas"]) == 8
    for a in doc["areas"]:
        assert {"area", "respondents", "overall", "percentile", "by_stage", "twelve_cs"} <= set(a)
        assert set(a["by_stage"]) == set(ids.STAGES) and set(a["twelve_cs"]) == set(ids.C_IDS)
        assert {"mean", "n", "percentile", "peer"} <= set(a["by_stage"]["create"])
        assert set(a["by_stage"]["create"]["by_level"]) == set(ids.LEVELS)
    assert "Ashvale (fictional)" in {a["area"] for a in doc["areas"]}


def test_cli_anonymises_filters_and_explains_itself(national, db_url) -> None:
    anon = _cli(db_url, "--cycle", "2026", "--json", "--anonymise", "--change")
    doc = json.loads(anon.stdout)
    _no_names(anon.stdout, national[0][-1].areas)
    assert all(a["change"]["from"] == "2025" for a in doc["areas"])
    wales = json.loads(_cli(db_url, "--cycle", "2026", "--json", "--tag", "nation=Wales").stdout)
    assert all(a["tags"]["nation"] == "Wales" for a in wales["areas"])
    assert all(a["percentile"] is None for a in wales["areas"])  # fewer than 5 Welsh peers
    text = _cli(db_url, "--cycle", "2026")
    assert text.returncode == 0 and "Area names are shown" in text.stdout
    assert "names are shown" in _cli(db_url, "--help").stdout.replace("\n", " ")


def test_cli_errors_are_messages_not_tracebacks(national, db_url) -> None:
    missing = _cli(db_url, "--cycle", "1999", "--json")
    assert missing.returncode == 1 and "No area has a cycle '1999'" in missing.stderr and not missing.stdout
    bad = _cli(db_url, "--cycle", "2026", "--tag", "nation")
    assert bad.returncode == 1 and "KEY=VALUE" in bad.stderr and "Traceback" not in bad.stderr
