"""Exports: the area bundle round trip, the Theory of Change as GraphML, Mermaid, SVG and PNG, tables as CSV/XLSX."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from toolkit.analysis.area import analyse
from toolkit.analysis.config import Config
from toolkit.capture.write import record_rating
from toolkit.cli.main import main
from toolkit.core.tables import tables_csv_zip, tables_xlsx
from toolkit.reports import blocks, bundle_doc, bundle_in, bundle_out, toc_files
from toolkit.reports.content import build_report
from toolkit.store.areas import delete_area, list_areas, resolve_cycle
from toolkit.store.assumptions import save_assumption
from toolkit.store.carry import carry_plan_forward
from toolkit.store.db import engine_for, session_scope
from toolkit.store.plans import add_goal, add_step, record_apease, record_decision, shortlist_add
from toolkit.store.ratings import find_respondent
from toolkit.training.demo import load_demo

AREA = "Ashvale (fictional)"
IV = "kantar_ll_verbal_briefing"


@pytest.fixture
def rich(db_url, catalogue) -> str:
    """Ashvale with a changed rating (history), an assumption review, an appraisal, decisions and a carried plan."""
    load_demo(areas=2, catalogue=catalogue)
    with session_scope() as s:
        resp = find_respondent(resolve_cycle(AREA, "2026", session=s), "r001", session=s)
        item = catalogue.opm.items[0].id
        record_rating(resp, "opm", item, 1, "changed =SUM(A1)", session=s, by="facilitator")
        record_rating(resp, "opm", item, 2, "changed again", session=s, by="facilitator")
        save_assumption(
            resolve_cycle(AREA, "2025", session=s), "reform_pitched_right", "doubtful", "board view", session=s
        )
        for cycle in ("2025", "2026"):
            shortlist_add(resolve_cycle(AREA, cycle, session=s), IV, session=s, cat=catalogue)
            record_apease(
                resolve_cycle(AREA, cycle, session=s), IV, "equity", "board1", 4, "fair", session=s, cat=catalogue
            )
            record_apease(resolve_cycle(AREA, cycle, session=s), IV, "equity", "board2", None, session=s, cat=catalogue)
            record_decision(
                resolve_cycle(AREA, cycle, session=s), IV, True, "cheap", session=s, by="chair", cat=catalogue
            )
        goal = add_goal(
            resolve_cycle(AREA, "2025", session=s),
            IV,
            session=s,
            cat=catalogue,
            items=[{"framework": "opm", "item": item}],
        )
        add_step(goal, "Brief teams", owner="police", due=date(2026, 1, 31), status="done", session=s, cat=catalogue)
        carry_plan_forward(
            resolve_cycle(AREA, "2025", session=s), resolve_cycle(AREA, "2026", session=s), session=s, by="chair"
        )
    return db_url


def _same(a: dict, b: dict) -> None:
    a, b = dict(a), dict(b)
    a.pop("exported_at"), b.pop("exported_at")
    assert a == b


def test_a_bundle_imports_into_an_empty_database_as_identical_data(rich, catalogue, tmp_path: Path) -> None:
    with session_scope() as s:
        original = bundle_out.export_bundle(AREA, session=s)
    c25, c26 = original["cycles"]
    assert c26["plan_goals"][0]["carried_from"] == c25["plan_goals"][0]["key"]
    assert any(r["history"] for p in c26["respondents"] for r in p["ratings"])
    assert c25["assumption_reviews"][0]["status"] == "doubtful"
    fresh = engine_for(f"sqlite:///{tmp_path / 'fresh.db'}")
    with session_scope(fresh) as s:
        assert "2 cycle(s)" in bundle_in.import_bundle(json.dumps(original).encode(), session=s, catalogue=catalogue)
    with session_scope(fresh) as s:
        _same(bundle_out.export_bundle(AREA, session=s), original)
        assert [a.area for a in list_areas(session=s)] == [AREA]
    fresh.dispose()


def test_the_command_line_exports_and_imports_a_bundle_by_its_content(rich, catalogue, tmp_path: Path, capsys) -> None:
    path = tmp_path / "ashvale.data"  # the name says nothing: the content does
    assert main(["export", "--area", AREA, "--format", "bundle", "-o", str(path)]) == 0
    with session_scope() as s:
        before = bundle_out.export_bundle(AREA, session=s)
        analysed = analyse(AREA, "2026", session=s, cat=catalogue, cfg=Config())
        delete_area(AREA, session=s)
    with session_scope() as s:
        assert AREA not in [a.area for a in list_areas(session=s)]
    assert main(["import", str(path)]) == 0
    assert "Imported the area" in capsys.readouterr().out
    with session_scope() as s:
        _same(bundle_out.export_bundle(AREA, session=s), before)
        assert analyse(AREA, "2026", session=s, cat=catalogue, cfg=Config()).opm == analysed.opm
    assert main(["import", str(path)]) == 1  # never overwrites
    assert "already exists" in capsys.readouterr().err


def test_a_damaged_bundle_is_refused_and_nothing_is_written(rich, catalogue) -> None:
    with session_scope() as s:
        doc = bundle_out.export_bundle(AREA, session=s)
        delete_area(AREA, session=s)
    doc["cycles"][1]["respondents"][-1]["ratings"][-1]["score"] = 9
    doc["cycles"][0]["apease_scores"][0]["intervention"] = "no_such_thing"
    with pytest.raises(bundle_doc.BundleError) as err, session_scope() as s:
        bundle_in.import_bundle(doc, session=s, catalogue=catalogue)
    assert "outside 1-5" in str(err.value) and "no_such_thing" in str(err.value)
    doc["cycles"][0]["respondents"][0]["agency"] = "nasa"
    with pytest.raises(bundle_doc.BundleError, match="agency"), session_scope() as s:
        bundle_in.import_bundle(doc, session=s, catalogue=catalogue)
    with session_scope() as s:
        assert AREA not in [a.area for a in list_areas(session=s)]


def test_bundles_are_told_apart_from_ratings_files() -> None:
    assert bundle_in.is_bundle(json.dumps({"format": bundle_doc.BUNDLE_FORMAT, "x": 1}).encode())
    assert not bundle_in.is_bundle(b"area,cycle,respondent\n")
    assert not bundle_in.is_bundle(json.dumps({"columns": [], "ratings": []}).encode())
    assert not bundle_in.is_bundle(b"PK\x03\x04 not json")


@pytest.fixture
def health(rich, catalogue) -> dict:
    with session_scope() as s:
        return analyse(AREA, "2026", session=s, cat=catalogue, cfg=Config()).toc


def test_graphml_parses_back_to_the_same_graph(health) -> None:
    g = nx.read_graphml(io.StringIO(toc_files.toc_graphml(health)))
    assert set(g.nodes) == {n.id for n in health.nodes}
    assert set(g.edges) == {(e.from_, e.to) for e in health.edges}
    some = health.nodes[0]
    assert g.nodes[some.id]["status"] == some.status and g.nodes[some.id]["label"] == some.label
    risky = {(e.from_, e.to) for e in health.edges if e.at_risk}
    assert {e for e in g.edges if g.edges[e]["at_risk"]} == risky


def test_mermaid_has_every_node_and_marks_risk(health) -> None:
    text = toc_files.toc_mermaid(health)
    assert text.startswith("flowchart LR")
    for n in health.nodes:
        assert f"    {n.id}[" in text
    assert text.count("-. at risk .->") == sum(e.at_risk for e in health.edges)
    assert "classDef weak" in text and "AT RISK" in text


def test_the_diagram_renders_as_svg_and_png_without_a_browser(health) -> None:
    svg = toc_files.toc_svg(health)
    assert svg.lstrip().startswith("<svg") and "Ultimate outcomes" in svg
    assert toc_files.toc_png(health, scale=1).startswith(b"\x89PNG")


def test_tables_are_neutralised_against_spreadsheet_formulas() -> None:
    from openpyxl import load_workbook

    tables = {
        "Assumptions": pd.DataFrame({"note": ['=HYPERLINK("http://x")', "+1", "plain"], "n": [1, 2, 3]}),
        "Gaps [1]": pd.DataFrame({"what": ["@SUM(A1)"]}),
    }
    with zipfile.ZipFile(io.BytesIO(tables_csv_zip(tables))) as z:
        csv = z.read("assumptions.csv").decode()
    assert "'=HYPERLINK" in csv and "\n'+1," in csv and "\nplain," in csv
    wb = load_workbook(io.BytesIO(tables_xlsx(tables)))
    assert wb.sheetnames == ["Assumptions", "Gaps 1"]
    assert wb["Assumptions"]["A2"].value == '\'=HYPERLINK("http://x")' and wb["Assumptions"]["A2"].data_type == "s"
    assert wb["Gaps 1"]["A2"].value == "'@SUM(A1)"


def test_every_report_table_comes_out(rich, catalogue) -> None:
    with session_scope() as s:
        r = build_report(AREA, "2026", session=s, cat=catalogue, cfg=Config())
    tables = blocks.report_tables(r)
    assert {"Method and respondents", "Journey priority", "Assumptions", "Sources cited"} <= set(tables)
    assert list(tables["Method and respondents"].columns) == ["Agency", "Strategic", "Managerial", "Frontline"]
