"""`python -m toolkit frameworks coverage`: the source elements against the files' entries, and its document."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from toolkit.cli.main import main
from toolkit.core import coverage
from toolkit.core.frameworks import BUNDLED_DIR, framework_files, load_catalogue

DOC = Path(__file__).resolve().parent.parent / "docs" / "framework-coverage.md"


def test_the_coverage_command_prints_every_source_element_covered(capsys) -> None:
    assert main(["frameworks", "coverage", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["source"] for r in rows} == {"kantar2021", "wales2022", "social_engine2021", "ofsted", "wood2021"}
    gaps = [f"{r['source']} {r['element']}: {r['in_files']} of {r['in_source']}" for r in rows if not r["covered"]]
    assert not gaps, gaps
    (figure_2,) = [r for r in rows if r["element"] == "Theory of Change ultimate outcomes"]
    assert (figure_2["in_source"], figure_2["where"]) == (7, "Annex 1, Figure 2")


def test_a_dropped_entry_shows_as_a_gap(tmp_path: Path) -> None:
    for f in framework_files(BUNDLED_DIR):
        doc = yaml.safe_load(f.read_text(encoding="utf-8"))
        if doc["id"] == "interventions":
            doc["interventions"] = [iv for iv in doc["interventions"] if iv["id"] != "kantar_ll_harm_of_not_sharing"]
        (tmp_path / f.name).write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    cat = load_catalogue(None, bundled_dir=tmp_path)
    (row,) = [r for r in coverage.rows(cat) if r.element == "Longlisted interventions"]
    assert (row.in_files, row.covered) == (19, False)
    assert "| Longlisted interventions | Annex 3 | 20 | 19 | NO |" in coverage.markdown(coverage.rows(cat))


def test_the_coverage_document_is_current(capsys) -> None:
    assert main(["frameworks", "coverage"]) == 0
    assert DOC.read_text(encoding="utf-8") == capsys.readouterr().out, (
        "run: python -m toolkit frameworks coverage > docs/framework-coverage.md"
    )
