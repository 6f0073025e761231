"""Reports of areas rated on one framework only, or with nothing but "don't know" on one: every format is written.

An area rated only on the OPM once stopped every report with "Vega-Lite to PNG conversion failed": the 12 C's chart
had no bar, so its colour legend had no entry and no size.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from pypdf import PdfReader

from tests.bad_input.helpers import row, to_csv
from toolkit.capture.ratings_import import import_ratings
from toolkit.charts.results import twelve_cs_chart
from toolkit.cli.main import main
from toolkit.reports.blocks import chart_png
from toolkit.store.db import session_scope


def _import(engine, catalogue, rows) -> None:
    with session_scope(engine) as s:
        import_ratings(to_csv(rows), "ratings.csv", session=s, catalogue=catalogue)


def opm_only(catalogue) -> list[list[str]]:
    return [
        row(it.id, str(1 + (k + n) % 5), respondent=f"r{k}")
        for k in range(5)
        for n, it in enumerate(catalogue.get("opm").items)
    ]


def twelve_cs_dont_know(catalogue) -> list[list[str]]:
    """The OPM rated, and every 12 C's statement answered "don't know"."""
    tcs = [
        row(it.id, "", respondent=f"r{k}", framework="twelve_cs") for k in range(5) for it in catalogue.twelve_cs.items
    ]
    return opm_only(catalogue)[:40] + tcs


@pytest.mark.parametrize("data", [opm_only, twelve_cs_dont_know], ids=["opm-only", "twelve-cs-dont-know"])
@pytest.mark.parametrize("fmt", ["pdf", "docx", "md"])
def test_a_report_of_an_area_without_12_cs_scores_is_written(engine, catalogue, tmp_path: Path, capsys, data, fmt):
    _import(engine, catalogue, data(catalogue))
    out = tmp_path / f"report.{fmt}"
    rc = main(["report", "--area", "Northshire", "--cycle", "2026", "--format", fmt, "-o", str(out)])
    err = capsys.readouterr().err
    assert rc == 0, err
    assert out.stat().st_size > 1000
    if fmt == "md":
        text = out.read_text(encoding="utf-8")
        assert "The 12 C's" in text and (tmp_path / "report_figures" / "twelve_cs.png").is_file()
    elif fmt == "pdf":
        assert "The 12 C's" in "".join(p.extract_text() for p in PdfReader(out).pages)
    else:
        with zipfile.ZipFile(io.BytesIO(out.read_bytes())) as z:
            assert "The 12 C" in z.read("word/document.xml").decode()


def test_the_empty_12_cs_chart_still_says_why_each_c_has_no_bar(catalogue) -> None:
    no_cs = SimpleNamespace(twelve_cs={}, min_group_size=3)  # an analysis with no C answered
    chart = twelve_cs_chart(no_cs, catalogue)  # type: ignore[arg-type]
    png, width, height = chart_png(chart)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and width > 100 and height > 100
    spec = chart.to_dict()
    labels = {r["label"] for r in spec["datasets"][next(iter(spec["datasets"]))]}
    assert labels == {"no answers"}
