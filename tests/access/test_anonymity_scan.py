"""Anonymity: a crafted data set with a group of two (the only voluntary-sector and the only strategic respondents,
who answer 1 to everything while everyone else answers 4 or 5) and a comment that names its author. Every output a
person without raw-data rights can get is scanned for the group's mean (1.0), its size (n=2) and the comment: every
page as every role (text and chart data), the analyse/suggest/benchmark JSON, the report as Markdown, PDF and Word,
and the report tables, plan, scrutiny summary, benchmark and Theory of Change exports.

The scan is shown to work: with the threshold lowered to 2, the same scan finds the group.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.access.scan import open_as, render
from tests.bad_input.helpers import opm_items, row, to_csv
from toolkit import workshops as ws
from toolkit.access.accounts import authenticate, create_user, start_session
from toolkit.analysis.area import analyse
from toolkit.analysis.benchmark.exports import export_bytes
from toolkit.analysis.benchmark.peers import BenchConfig
from toolkit.analysis.benchmark.table import area_tags, cycle_table
from toolkit.analysis.benchmark.view import area_view, history
from toolkit.analysis.config import Config
from toolkit.capture.ratings_import import import_ratings
from toolkit.core.settings import get_settings
from toolkit.core.tables import table_bytes, tables_csv_zip, tables_xlsx
from toolkit.interventions.plan import plan_frame
from toolkit.interventions.suggest import suggest
from toolkit.reports.blocks import report_tables
from toolkit.reports.content import build_report
from toolkit.reports.markdown import render_markdown
from toolkit.reports.pdf import render_pdf
from toolkit.reports.toc_files import toc_graphml, toc_mermaid
from toolkit.reports.word import render_docx
from toolkit.scrutiny.summary import export_summary
from toolkit.scrutiny.summary import summary as scrutiny_summary
from toolkit.store.areas import resolve_cycle
from toolkit.store.db import session_scope
from toolkit.store.plans import action_plan, add_goal, record_decision, shortlist_add

ROOT = Path(__file__).resolve().parents[2]
AREA, CYCLE = "Ashby", "2026"
SECRET = "As the only voluntary sector lead on the board, I, Priya Shah, know the referral sat for a week"
PW = "a long enough password"
MEAN = re.compile(r"(?<![\d.])1\.00?(?![\d.e])")  # the group's mean as shown: 1.0 or 1.00
SIZE = re.compile(r"\bn\s*=\s*2\b|\(2\)|\b2 (?:people|respondents|person)\b", re.IGNORECASE)
MEAN_KEYS = ("mean", "value", "score", "self")
SIZE_KEYS = {"n", "n_a", "n_b", "respondents", "raters", "people", "count"}


@pytest.fixture
def crafted(engine, catalogue):
    """A workshop of 14 (12 answering 4 or 5; 2 voluntary-sector strategic leads answering 1), revealed; 5 peers."""
    with session_scope(engine) as s:
        for name, role in (("facil", "facilitator"), ("scrut", "scrutineer"), ("admin", "administrator")):
            create_user(name, PW, role, session=s)
        tokens = {"participant": None} | {
            role: start_session(authenticate(name, PW, session=s), session=s)
            for name, role in (("facil", "facilitator"), ("scrut", "scrutineer"), ("admin", "administrator"))
        }
        w = ws.create_workshop(AREA, CYCLE, created_by="facil", session=s, title="Board and practitioners")
        people = [
            ws.join(w.code, ("police", "health", "education")[k % 3], ("managerial", "frontline")[k // 6], session=s)
            for k in range(12)
        ]
        small = [ws.join(w.code, "voluntary_community", "strategic", session=s) for _ in range(2)]
        info = ws.find_workshop(w.code, session=s)
        for k, p in enumerate(people + small):
            for step in ws.steps_for(info, p.level, catalogue):
                for j, it in enumerate(step.items):
                    score = 1 if p in small else 4 + (k + j) % 2
                    comment = SECRET if p is small[0] and j == 0 else ""
                    ws.submit(w.code, p.pseudonym, step.framework, it.id, score, comment, session=s, cat=catalogue)
        ws.reveal(w.code, session=s)
        iv = catalogue.interventions[0].id
        shortlist_add(resolve_cycle(AREA, CYCLE, session=s), iv, session=s, cat=catalogue)
        record_decision(resolve_cycle(AREA, CYCLE, session=s), iv, True, "agreed", session=s, by="facil", cat=catalogue)
        add_goal(resolve_cycle(AREA, CYCLE, session=s), iv, session=s, by="facil", cat=catalogue)
    o = opm_items(catalogue)
    peers = [
        row(
            i,
            "3",
            area=f"Peer {a}",
            cycle=CYCLE,
            respondent=f"q{r}",
            level=("strategic", "managerial", "frontline")[r % 3],
        )
        for a in range(5)
        for r in range(6)
        for i in o[:12]
    ]
    with session_scope(engine) as s:
        import_ratings(to_csv(peers), "peers.csv", session=s, catalogue=catalogue)
    return {"tokens": tokens, "code": w.code, "participant": people[0].pseudonym, "secret": people[0].secret}


def _text_hits(text: str, where: str) -> list[str]:
    hits = [f"{where}: the identifying comment"] if "Priya Shah" in text else []
    hits += [
        f"{where}: mean {m.group()!r} in {text[max(0, m.start() - 60) : m.end() + 20]!r}" for m in MEAN.finditer(text)
    ]
    hits += [
        f"{where}: size {m.group()!r} in {text[max(0, m.start() - 60) : m.end() + 20]!r}" for m in SIZE.finditer(text)
    ]
    return hits


def _json_hits(doc, where: str, path: str = "") -> list[str]:
    hits = []
    if isinstance(doc, dict):
        for k, v in doc.items():
            key = str(k).lower()
            if isinstance(v, int | float) and not isinstance(v, bool):
                if key in SIZE_KEYS and v == 2:
                    hits.append(f"{where}: {path}.{k} = 2")
                if any(m in key for m in MEAN_KEYS) and v == 1.0:
                    hits.append(f"{where}: {path}.{k} = 1.0")
            hits += _json_hits(v, where, f"{path}.{k}")
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            hits += _json_hits(v, where, f"{path}[{i}]")
    elif isinstance(doc, str) and "Priya Shah" in doc:
        hits.append(f"{where}: {path} holds the identifying comment")
    return hits


def _table_hits(df: pd.DataFrame, where: str) -> list[str]:
    hits = []
    for col in df.columns:
        name = str(col).lower()
        values = df[col]
        numeric = pd.to_numeric(values, errors="coerce")
        if any(m in name for m in MEAN_KEYS) and (numeric == 1.0).any():
            hits.append(f"{where}: column {col!r} holds 1.0")
        if name in SIZE_KEYS and (numeric == 2).any():
            hits.append(f"{where}: column {col!r} holds 2")
    text = df.astype(str).to_csv(index=False)
    return hits + [h for h in _text_hits(text, where) if "comment" in h]


PAGES = [
    "start",
    "context",
    "assess",
    "results",
    "theory_of_change",
    "interventions",
    "action_plan",
    "data",
    "frameworks",
    "workshop",
    "trainer",
    "benchmark",
    "scrutiny",
    "account",
]


def scan_pages(crafted) -> list[str]:
    hits = []
    state = {"sel_area": AREA, "sel_cycle": CYCLE, "workshop_sel": crafted["code"]}
    for role, token in crafted["tokens"].items():
        for page in PAGES:
            for present in (False, True) if page == "workshop" else (False,):
                r = render(open_as(f"app_pages/{page}.py", token=token, workshop_present=present, **state), page)
                assert not r.exceptions, (role, page, r.exceptions)
                where = f"{role} {page}{' (presentation)' if present else ''}"
                hits += _text_hits("\n".join(s[2] for s in r.strings if s[1] != "spec"), where)
                hits += [h for t in r.tables for h in _table_hits(t, where)]
    at = open_as("app_pages/join.py", query={"w": crafted["code"], "k": crafted["secret"]})
    for view in ("Rate", "My answers", "Room results"):
        at.segmented_control(key="join_view").set_value(view).run()
        r = render(at, "join")
        assert not r.exceptions
        hits += _text_hits("\n".join(s[2] for s in r.strings), f"participant join ({view})")
        hits += [h for t in r.tables for h in _table_hits(t, f"participant join ({view})")]
    return hits


def scan_cli(db_url: str, env_extra: dict[str, str] | None = None) -> list[str]:
    # As the administrator (accounts exist, so the command line acts for one): what the widest role is shown.
    env = {**os.environ, "DATABASE_URL": db_url, "PYTHONPATH": str(ROOT), "TOOLKIT_PASSWORD": PW, **(env_extra or {})}
    hits = []
    for args in (
        ["analyse", "--area", AREA, "--cycle", CYCLE, "--json"],
        ["suggest", "--area", AREA, "--cycle", CYCLE, "--json"],
        ["benchmark", "--cycle", CYCLE, "--json"],
    ):
        done = subprocess.run(
            [sys.executable, "-m", "toolkit", *args, "--as", "admin"],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        hits += _json_hits(json.loads(done.stdout), f"cli {args[0]}")
    return hits


def scan_files(engine, catalogue, cfg: Config) -> list[str]:
    hits = []
    with session_scope(engine) as s:
        report = build_report(AREA, CYCLE, session=s, cat=catalogue, cfg=cfg)
        a = analyse(AREA, CYCLE, session=s, cat=catalogue, cfg=cfg)
        scrutiny = scrutiny_summary(AREA, CYCLE, session=s, cat=catalogue, analysis=a)
        plan = action_plan(resolve_cycle(AREA, CYCLE, session=s), session=s)
        table = cycle_table(CYCLE, session=s, cat=catalogue, min_group_size=cfg.min_group_size)
        tags = area_tags(session=s)
    md, _ = render_markdown(report)
    hits += _text_hits(md, "report.md")
    hits += _text_hits(
        "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(render_pdf(report))).pages), "report.pdf"
    )
    doc = Document(io.BytesIO(render_docx(report)))
    docx_text = [p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells]
    hits += _text_hits("\n".join(docx_text), "report.docx")
    tables = report_tables(report)
    hits += [h for name, df in tables.items() for h in _table_hits(df, f"report table {name}")]
    with zipfile.ZipFile(io.BytesIO(tables_csv_zip(tables))) as z:
        hits += [h for n in z.namelist() for h in _table_hits(pd.read_csv(io.BytesIO(z.read(n))), f"tables.zip/{n}")]
    for name, df in pd.read_excel(io.BytesIO(tables_xlsx(tables)), sheet_name=None).items():
        hits += _table_hits(df, f"tables.xlsx/{name}")
    hits += _table_hits(pd.read_csv(io.BytesIO(table_bytes(plan_frame(plan, cat=catalogue), "csv"))), "plan.csv")
    hits += _table_hits(
        pd.read_csv(io.BytesIO(export_summary(scrutiny, "csv", area=AREA, cycle=CYCLE))), "scrutiny.csv"
    )
    hits += _text_hits(export_summary(scrutiny, "md", area=AREA, cycle=CYCLE).decode(), "scrutiny.md")
    bcfg = BenchConfig(min_group_size=cfg.min_group_size, min_peer_areas=5)
    for named in (False, True):
        view = area_view(table, tags, AREA, {}, bcfg, named=named)
        hist = history([table], AREA, tags, {}, bcfg)
        hits += _table_hits(pd.read_csv(io.BytesIO(export_bytes(view, "csv", catalogue, hist))), "benchmark.csv")
        wb = load_workbook(io.BytesIO(export_bytes(view, "xlsx", catalogue, hist)))
        for sheet in wb.worksheets:
            rows = list(sheet.values)
            hits += _table_hits(pd.DataFrame(rows[1:], columns=rows[0]), f"benchmark.xlsx/{sheet.title}")
    hits += _text_hits(toc_mermaid(a.toc), "toc.mmd")
    graph = nx.read_graphml(io.StringIO(toc_graphml(a.toc)))
    hits += _json_hits(dict(graph.nodes(data=True)), "toc.graphml") + _text_hits(
        str(graph.edges(data=True)), "toc.graphml"
    )
    hits += _json_hits([s.model_dump() for s in suggest(a, catalogue, top=20)], "suggestions")
    return hits


def test_no_output_shows_the_group_of_two_or_the_comment_that_names_its_author(
    crafted, engine, db_url, catalogue
) -> None:
    hits = scan_pages(crafted) + scan_cli(db_url) + scan_files(engine, catalogue, Config(min_group_size=3))
    assert not hits, "\n".join(hits[:60])


def test_the_scan_finds_the_group_when_the_threshold_would_show_it(
    crafted, engine, db_url, catalogue, monkeypatch
) -> None:
    """With min_group_size 2 the group of two is no longer protected: the same scan must say so everywhere it looks."""
    monkeypatch.setenv("TOOLKIT_MIN_GROUP_SIZE", "2")
    get_settings.cache_clear()
    try:
        files = scan_files(engine, catalogue, Config(min_group_size=2))
        cli = scan_cli(db_url, {"TOOLKIT_MIN_GROUP_SIZE": "2"})
        at = open_as("app_pages/results.py", token=crafted["tokens"]["facilitator"], sel_area=AREA, sel_cycle=CYCLE)
        r = render(at, "results")
        page = _text_hits("\n".join(s[2] for s in r.strings if s[1] != "spec"), "results") + [
            h for t in r.tables for h in _table_hits(t, "results")
        ]
    finally:
        get_settings.cache_clear()
    assert any("report" in h for h in files), files[:10]
    assert any("cli analyse" in h for h in cli), cli[:10]
    assert page, "the results page scan found nothing"
