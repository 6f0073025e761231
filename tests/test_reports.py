"""Reports: each format generated for a demo area, opened (pypdf, python-docx, plain text) and checked."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from toolkit.analysis.area import analyse
from toolkit.analysis.config import Config
from toolkit.analysis.suppression import suppressed_cells as suppress_table
from toolkit.capture.ratings_import import import_table
from toolkit.cli.main import main
from toolkit.reports.blocks import Figure, Table
from toolkit.reports.content import build_report
from toolkit.reports.render import render, render_markdown
from toolkit.store.areas import resolve_cycle
from toolkit.store.db import session_scope
from toolkit.training.demo import load_demo

AREA, CYCLE = "Ashvale (fictional)", "2026"
HEADINGS = [
    "Summary",
    "Method and respondents",
    "Journey priority",
    "Where the journey stands: the OPM heatmap",
    "The 12 C's",
    "Validation of the self-rating",
    "Perception gaps",
    "Theory of Change",
    "Assumptions",
    "Suggested interventions",
    "APEASE appraisal of the shortlist",
    "Action plan and progress",
    "Change since the last cycle",
    "Sources cited",
]


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def demo(db_url, catalogue) -> dict:
    """Ashvale loaded, plus one lone respondent from 'other' agencies: a group too small to show anywhere."""
    load_demo(areas=1, catalogue=catalogue)
    item = catalogue.opm.items[0].id
    lone = pd.DataFrame(
        [
            {
                "area": AREA,
                "cycle": CYCLE,
                "respondent": "lone1",
                "agency": "other",
                "level": "strategic",
                "framework": "opm",
                "item": item,
                "score": "5",
                "comment": "",
            }
        ]
    )
    with session_scope() as s:
        import_table(lone, "lone.csv", session=s, catalogue=catalogue)
        a = analyse(AREA, CYCLE, session=s, cat=catalogue, cfg=Config())
    return a


def _check_text(text: str, a: dict) -> None:
    text = _words(text)
    for h in HEADINGS:
        assert h in text, h
    assert _words(a.opm.priority_reason)[:60] in text
    assert "synthetic" in text.lower()
    assert "fewer than 3" in text
    assert not re.search(r"\bn=[12]\b", text), "a group under 3 people is shown"
    assert "Other vs" not in text


def test_report_structure(demo, catalogue) -> None:
    with session_scope() as s:
        r = build_report(AREA, CYCLE, session=s, cat=catalogue, cfg=Config())
    assert [s.heading for s in r.sections] == HEADINGS
    assert r.notice and "synthetic" in r.notice
    figs = r.figures()
    assert {f.name for f in figs} == {"opm_heatmap", "twelve_cs", "gaps", "theory_of_change", "change"}
    assert all(f.png.startswith(b"\x89PNG") and f.alt and f.width > 100 for f in figs)
    n_table = next(b for b in r.sections[1].blocks if isinstance(b, Table))
    assert n_table.columns == ["Agency", "Strategic", "Managerial", "Frontline"]
    other = next(row for row in n_table.rows if row[0] == "Other")
    assert other[1] == "fewer than 3"
    _check_text(r.plain_text(), demo)


def test_each_format_opens_with_its_contents(demo, tmp_path: Path, capsys) -> None:
    from docx import Document
    from pypdf import PdfReader

    for fmt in ("pdf", "docx", "md"):
        assert (
            main(["report", "--area", AREA, "--cycle", CYCLE, "--format", fmt, "-o", str(tmp_path / f"r.{fmt}")]) == 0
        )
    assert "Wrote" in capsys.readouterr().out

    pdf = PdfReader(tmp_path / "r.pdf")
    _check_text("\n".join(p.extract_text() for p in pdf.pages), demo)
    assert sum(len(p.images) for p in pdf.pages) >= 5
    assert any(p.mediabox.width > p.mediabox.height for p in pdf.pages), "the Theory of Change page is landscape"

    def titles(outline: list) -> list[str]:
        return [t for o in outline for t in (titles(o) if isinstance(o, list) else [o.title])]

    assert titles(pdf.outline) == HEADINGS

    doc = Document(tmp_path / "r.docx")
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings == HEADINGS
    assert len(doc.inline_shapes) == 5
    alts = [s._inline.docPr.get("descr") for s in doc.inline_shapes]
    assert all(alts) and "Theory of Change" in " ".join(alts)
    n_table = next(
        t for t in doc.tables if [c.text for c in t.rows[0].cells] == ["Agency", "Strategic", "Managerial", "Frontline"]
    )
    assert ["Other", "fewer than 3"] in [[c.text for c in row.cells][:2] for row in n_table.rows]
    words = "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])
    _check_text(words + "\n" + doc.sections[0].header.paragraphs[0].text, demo)
    assert "SYNTHETIC" in doc.sections[0].header.paragraphs[0].text

    md = (tmp_path / "r.md").read_text(encoding="utf-8")
    _check_text(md, demo)
    assert "## Summary" in md and "| Agency | Strategic | Managerial | Frontline |" in md
    links = re.findall(r"!\[[^\]]+\]\(([^)]+)\)", md)
    assert len(links) == 5
    for link in links:
        assert (tmp_path / link).read_bytes().startswith(b"\x89PNG")


def test_markdown_without_figures_keeps_alt_text_and_the_zip_holds_them(demo, catalogue) -> None:
    with session_scope() as s:
        r = build_report(AREA, CYCLE, session=s, cat=catalogue, cfg=Config())
    text, files = render_markdown(r)
    assert not files and text.count("*Figure left out:") == 5
    with zipfile.ZipFile(io.BytesIO(render(r, "md"))) as z:
        names = z.namelist()
    assert sum(n.endswith(".png") for n in names) == 5 and sum(n.endswith(".md") for n in names) == 1


def test_user_text_is_escaped_in_every_format(demo, catalogue) -> None:
    from toolkit.store.assumptions import save_assumption

    evil = '<script>alert(1)</script> & =HYPERLINK("x") | pipe'
    with session_scope() as s:
        save_assumption(resolve_cycle(AREA, CYCLE, session=s), "reform_pitched_right", "doubtful", evil, session=s)
        r = build_report(AREA, CYCLE, session=s, cat=catalogue, cfg=Config())
    md, _ = render_markdown(r)
    assert "<script>" not in md and "&lt;script&gt;" in md and "\\| pipe" in md
    from pypdf import PdfReader

    pdf = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(render(r, "pdf"))).pages)
    assert "<script>alert(1)</script>" in re.sub(r"\s+", "", pdf)  # shown as text, not markup


def test_a_first_cycle_and_an_empty_plan_say_so(db_url, catalogue) -> None:
    load_demo(areas=1, cycles=("2026",), catalogue=catalogue)
    with session_scope() as s:
        r = build_report(AREA, "2026", session=s, cat=catalogue, cfg=Config())
    text = r.plain_text()
    assert "first cycle" in text and "No interventions appraised yet" in text and "No action plan recorded yet" in text
    assert "change" not in {f.name for f in r.figures()}


def test_the_appraisal_and_plan_are_reported(demo, catalogue) -> None:
    from datetime import date

    from toolkit.store.plans import add_goal, add_step, record_apease, record_decision, shortlist_add

    iv = "kantar_ll_verbal_briefing"
    with session_scope() as s:
        shortlist_add(resolve_cycle(AREA, CYCLE, session=s), iv, session=s, cat=catalogue)
        for rater in ("a", "b", "c"):
            for c in ("affordability", "practicability", "effectiveness", "acceptability", "side_effects"):
                record_apease(resolve_cycle(AREA, CYCLE, session=s), iv, c, rater, 4, session=s, cat=catalogue)
        record_apease(
            resolve_cycle(AREA, CYCLE, session=s), iv, "equity", "a", 2, session=s, cat=catalogue
        )  # one rater: not shown
        record_decision(resolve_cycle(AREA, CYCLE, session=s), iv, True, "Cheap and quick", session=s, cat=catalogue)
        goal = add_goal(resolve_cycle(AREA, CYCLE, session=s), iv, session=s, cat=catalogue)
        add_step(goal, "Brief every team monthly", owner="police", due=date(2099, 1, 1), session=s, cat=catalogue)
        r = build_report(AREA, CYCLE, session=s, cat=catalogue, cfg=Config())
    apease = next(b for s_ in r.sections if s_.heading.startswith("APEASE") for b in s_.blocks if isinstance(b, Table))
    rows = {row[0]: row[1] for row in apease.rows}
    assert rows["Affordability"] == "4.0 (n=3)" and rows["Equity"] == "fewer than 3"
    assert rows["Decision"] == "selected: Cheap and quick"
    text = r.plain_text()
    assert "Brief every team monthly" in text and "Police" in text and "1 goal, 1 steps" in text


@pytest.mark.parametrize(
    ("counts", "hidden"),
    [
        ({("a", "x"): 5, ("a", "y"): 5, ("b", "x"): 5, ("b", "y"): 5}, set()),
        (
            {("a", "x"): 1, ("a", "y"): 5, ("b", "x"): 6, ("b", "y"): 5},
            {("a", "x"), ("a", "y"), ("b", "x"), ("b", "y")},
        ),
        (
            {("a", "x"): 2, ("a", "y"): 0, ("b", "x"): 7, ("b", "y"): 4, ("c", "x"): 9, ("c", "y"): 4},
            {("a", "x"), ("b", "x"), ("b", "y"), ("c", "y"), ("c", "x")},
        ),  # the hiding cascades
    ],
)
def test_no_small_cell_can_be_worked_out_from_a_total(counts, hidden) -> None:
    got = suppress_table(counts, 3)
    assert got == hidden
    for axis in (0, 1):  # no row or column has exactly one hidden non-empty cell
        for key in {k[axis] for k in counts}:
            line = [k for k in counts if k[axis] == key and counts[k] > 0]
            assert len(line) < 2 or sum(k in got for k in line) != 1


def test_figures_are_sized_from_their_pixels() -> None:
    from toolkit.analysis.results import Toc
    from toolkit.charts.toc import toc_chart
    from toolkit.reports.blocks import chart_png

    health = {
        "nodes": [
            {"id": "a", "tier": "inputs", "label": "A box", "status": "weak", "score": 2.0},
            {"id": "b", "tier": "outputs", "label": "B box", "status": "at_risk", "score": 3.2},
        ],
        "edges": [{"from": "a", "to": "b", "at_risk": True}],
    }
    png, w, h = chart_png(toc_chart(Toc.model_validate(health)), 1.0)
    assert png.startswith(b"\x89PNG") and w > 300 and h > 100
    Figure("x", png, "alt", "caption", w, h)


def test_an_unknown_area_is_a_message_not_a_traceback(db_url, tmp_path: Path, capsys) -> None:
    assert (
        main(["report", "--area", "Nowhere", "--cycle", "2026", "--format", "pdf", "-o", str(tmp_path / "r.pdf")]) == 1
    )
    err = capsys.readouterr().err
    assert "No area called 'Nowhere'" in err and "Traceback" not in err
    assert not (tmp_path / "r.pdf").exists()
