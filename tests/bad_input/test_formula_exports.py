"""Spreadsheet formulas in comments and every other free-text field are neutralised in EVERY export a person can open
in a spreadsheet: the ratings CSV and XLSX (page and command line), the report's tables, the action plan, the
scrutiny summary, the benchmark comparison, and the CSV and XLSX made from an area bundle imported elsewhere.

A cell that starts with = + - @ (or a tab or carriage return) runs as a formula in Excel and LibreOffice
(=HYPERLINK, =WEBSERVICE, DDE); every such text cell must come out prefixed with an apostrophe. Numbers may be
negative: only text is checked.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.access.hostile import AREA, CYCLE, PAYLOAD, PW, hostile, seed
from tests.bad_input.helpers import opm_items, row, to_csv
from toolkit.analysis.area import analyse
from toolkit.analysis.benchmark.exports import export_bytes as comparison_bytes
from toolkit.analysis.benchmark.peers import BenchConfig
from toolkit.analysis.benchmark.table import area_tags, cycle_table
from toolkit.analysis.benchmark.view import area_view, history
from toolkit.analysis.config import Config
from toolkit.capture.ratings_export import export_bytes, export_frame
from toolkit.capture.ratings_import import import_ratings
from toolkit.core.tables import table_bytes, tables_csv_zip, tables_xlsx
from toolkit.core.text import FORMULA_TRIGGERS
from toolkit.interventions.plan import plan_frame
from toolkit.reports.blocks import report_tables
from toolkit.reports.bundle_in import import_bundle
from toolkit.reports.bundle_out import bundle_bytes
from toolkit.reports.content import build_report
from toolkit.scrutiny.summary import export_summary
from toolkit.scrutiny.summary import summary as scrutiny_summary
from toolkit.store.areas import resolve_cycle
from toolkit.store.db import make_engine, session_scope, upgrade
from toolkit.store.plans import action_plan

ROOT = Path(__file__).resolve().parents[2]


def _number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def live_formulas(data: bytes, fmt: str) -> list[str]:
    """Cells a spreadsheet would run: formula cells, and text starting with a trigger that is not a number."""
    bad, texts = [], []
    if fmt == "csv":
        texts = [cell for r in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")) for cell in r]
    else:
        wb = load_workbook(io.BytesIO(data))  # not data_only: formulas stay formulas
        for ws in wb.worksheets:
            for r in ws.iter_rows():
                for c in r:
                    if c.data_type == "f":
                        bad.append(f"{ws.title}!{c.coordinate}: formula {c.value!r}")
                    elif isinstance(c.value, str):
                        texts.append(c.value)
    bad += [t for t in texts if t and t[0] in FORMULA_TRIGGERS and not _number(t)]
    return bad


def neutralised(data: bytes, fmt: str) -> int:
    """How many cells hold hostile text, safely prefixed (so a check that finds no live formula is not vacuous)."""
    if fmt == "csv":
        cells = [c for r in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")) for c in r]
    else:
        wb = load_workbook(io.BytesIO(data))
        cells = [c.value for ws in wb.worksheets for r in ws.iter_rows() for c in r if isinstance(c.value, str)]
    return sum(1 for c in cells if c[:1] == "'" and c[1:2] in FORMULA_TRIGGERS and "evil.example" in c)


@pytest.fixture
def data(engine, catalogue):
    h = seed(engine, catalogue)
    o = opm_items(catalogue)
    peers = [
        row(
            o[i],
            str(1 + (k + i) % 5),
            area=hostile(f"peer{p}", "-")[:200],
            cycle=CYCLE,
            respondent=f"p{k}",
            comment=hostile("peer-comment"),
        )
        for p in range(5)
        for k in range(3)
        for i in range(4)
    ]
    with session_scope(engine) as s:
        import_ratings(to_csv(peers), "peers.csv", session=s, catalogue=catalogue)
    return h


def exports(engine, catalogue) -> dict[str, tuple[bytes, str]]:
    """Every spreadsheet export of the hostile area, as a person would download it."""
    cfg = Config(min_group_size=3)
    out: dict[str, tuple[bytes, str]] = {}
    with session_scope(engine) as s:
        ratings = export_frame(AREA, CYCLE, session=s)
        report = build_report(AREA, CYCLE, session=s, cat=catalogue, cfg=cfg)
        plan = action_plan(resolve_cycle(AREA, CYCLE, session=s), session=s)
        a = analyse(AREA, CYCLE, session=s, cat=catalogue, cfg=cfg)
        scrutiny = scrutiny_summary(AREA, CYCLE, session=s, cat=catalogue, analysis=a)
        table = cycle_table(CYCLE, session=s, cat=catalogue, min_group_size=3)
        tags = area_tags(session=s)
    for fmt in ("csv", "xlsx"):
        out[f"ratings.{fmt}"] = (export_bytes(ratings, fmt), fmt)
        out[f"plan.{fmt}"] = (table_bytes(plan_frame(plan, today=date(2026, 2, 1), cat=catalogue), fmt), fmt)
        out[f"scrutiny.{fmt}"] = (export_summary(scrutiny, fmt, area=AREA, cycle=CYCLE), fmt)
    tables = report_tables(report)
    out["report-tables.xlsx"] = (tables_xlsx(tables), "xlsx")
    with zipfile.ZipFile(io.BytesIO(tables_csv_zip(tables))) as z:
        for name in z.namelist():
            out[f"report-tables/{name}"] = (z.read(name), "csv")
    bcfg = BenchConfig(min_group_size=3, min_peer_areas=5)
    for named in (False, True):
        view = area_view(table, tags, AREA, {}, bcfg, named=named)
        hist = history([table], AREA, tags, {}, bcfg)
        for fmt in ("csv", "xlsx"):
            out[f"benchmark{'-named' if named else ''}.{fmt}"] = (comparison_bytes(view, fmt, catalogue, hist), fmt)
    return out


def test_every_spreadsheet_export_neutralises_formulas(data, engine, catalogue) -> None:
    files = exports(engine, catalogue)
    problems = {name: bad for name, (blob, fmt) in files.items() if (bad := live_formulas(blob, fmt))}
    assert problems == {}
    # the hostile text is in them (neutralised), so the check above had something to find
    for name in (
        "ratings.csv",
        "ratings.xlsx",
        "plan.csv",
        "plan.xlsx",
        "scrutiny.csv",
        "scrutiny.xlsx",
        "benchmark-named.csv",
        "benchmark-named.xlsx",
    ):
        assert neutralised(*files[name]) > 0, name


def test_exports_made_from_a_bundle_imported_elsewhere_are_neutralised(data, engine, catalogue, tmp_path) -> None:
    with session_scope(engine) as s:
        bundle = bundle_bytes(AREA, session=s)
    other = make_engine(f"sqlite:///{tmp_path / 'elsewhere.db'}")
    upgrade(other)
    try:
        with session_scope(other) as s:
            import_bundle(bundle, session=s, catalogue=catalogue)
        with session_scope(other) as s:
            ratings = export_frame(AREA, CYCLE, session=s)
            plan = action_plan(resolve_cycle(AREA, CYCLE, session=s), session=s)
        for fmt in ("csv", "xlsx"):
            for blob in (export_bytes(ratings, fmt), table_bytes(plan_frame(plan, cat=catalogue), fmt)):
                assert live_formulas(blob, fmt) == []
                assert neutralised(blob, fmt) > 0
    finally:
        other.dispose()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_command_line_export_is_neutralised_too(fmt, data, db_url, tmp_path) -> None:
    out = tmp_path / f"export.{fmt}"
    # Accounts exist, so the command line acts for one: the administrator's (its raw export holds every comment).
    env = {**os.environ, "DATABASE_URL": db_url, "PYTHONPATH": str(ROOT), "TOOLKIT_PASSWORD": PW}
    args = ["export", "--area", AREA, "--cycle", CYCLE, "--format", fmt, "-o", str(out), "--as", "admin"]
    done = subprocess.run(
        [sys.executable, "-m", "toolkit", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    blob = out.read_bytes()
    assert live_formulas(blob, fmt) == [] and neutralised(blob, fmt) > 0
    assert PAYLOAD in blob.decode("utf-8") if fmt == "csv" else True  # the text itself is kept, only prefixed


def test_the_check_catches_a_live_formula() -> None:
    """The checker is not vacuous: unneutralised text and a real formula cell are both caught."""
    assert live_formulas(b"a,b\r\n=1+1,-2\r\n@SUM(A1),+x\r\n", "csv") == ["=1+1", "@SUM(A1)", "+x"]
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["=SUM(1,2)", "-3", -3])
    buf = io.BytesIO()
    wb.save(buf)
    assert len(live_formulas(buf.getvalue(), "xlsx")) == 1
