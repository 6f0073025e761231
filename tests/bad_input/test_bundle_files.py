"""Bad area bundles: each refused by the rules a CSV row is refused by (capture.validate), naming the file, the
record, the field and the reason, and nothing is written.

Before, a bundle skipped those rules: NUL and control characters in names were stored, a blank area name was
stored, JSON true became the score 1, and a bad timestamp stopped the import half-way with "unexpected ValueError".
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from tests.bad_input.helpers import db_state, good_rows, row, to_csv
from toolkit.capture.ratings_import import import_ratings
from toolkit.cli.main import main
from toolkit.reports.bundle_out import bundle_bytes
from toolkit.store.areas import delete_area
from toolkit.store.db import session_scope


@pytest.fixture
def bundle(engine, catalogue) -> dict:
    """A valid bundle of one area (two respondents, a rating changed once), then the area removed from the database."""
    rows = good_rows(catalogue)
    with session_scope(engine) as s:
        import_ratings(to_csv(rows), "a.csv", session=s, catalogue=catalogue)
    changed = [row(rows[0][6], "2", respondent="n1", comment="on reflection")]
    with session_scope(engine) as s:
        import_ratings(to_csv(changed), "b.csv", session=s, catalogue=catalogue)
    with session_scope(engine) as s:
        doc = json.loads(bundle_bytes("Northshire", session=s))
    with session_scope(engine) as s:
        delete_area("Northshire", session=s)
    return doc


def _rating(doc: dict, k: int = 0) -> dict:
    return doc["cycles"][0]["respondents"][0]["ratings"][k]


def _with_history(doc: dict) -> dict:
    return next(r for p in doc["cycles"][0]["respondents"] for r in p["ratings"] if r["history"])


CASES = [
    (
        "nul-in-area-name",
        lambda d: d["area"].update(name="North\x00shire"),
        "area: area 'North\\x00shire' contains a control character",
    ),
    (
        "bell-in-cycle-name",
        lambda d: d["cycles"][0].update(name="2026\x07"),
        "cycle '2026\\x07': cycle '2026\\x07' contains a control character",
    ),
    (
        "escape-in-respondent",
        lambda d: d["cycles"][0]["respondents"][0].update(pseudonym="n\x1b[31m1"),
        "respondent 'n\\x1b[31m1': respondent 'n\\x1b[31m1' contains a control character",
    ),
    ("blank-area-name", lambda d: d["area"].update(name="   "), "area: area '   ' is blank"),
    ("score-true", lambda d: _rating(d).update(score=True), "score True is not a whole number from 1 to 5 (or blank)"),
    ("score-false", lambda d: _rating(d).update(score=False), "score False is not a whole number"),
    (
        "history-score-true",
        lambda d: _with_history(d)["history"][0].update(score=True),
        "earlier value 1: score True is not a whole number",
    ),
    (
        "bad-rating-timestamp",
        lambda d: _rating(d).update(updated_at="yesterday"),
        "updated_at 'yesterday' is not a date and time; write it as ISO 8601",
    ),
    (
        "bad-area-timestamp",
        lambda d: d["area"].update(created_at="2026-13-45T99:00:00"),
        "area: created_at '2026-13-45T99:00:00' is not a date and time",
    ),
    (
        "bad-history-timestamp",
        lambda d: _with_history(d)["history"][0].update(recorded_at="12/03/2026"),
        "earlier value 1: recorded_at '12/03/2026' is not a date and time",
    ),
    (
        "bad-respondent-timestamp",
        lambda d: d["cycles"][0]["respondents"][0].update(created_at="soon"),
        "created_at 'soon' is not a date and time",
    ),
    ("control-in-comment", lambda d: _rating(d).update(comment="a\x00b"), "comment contains a control character"),
    (
        "control-in-a-context-value",
        lambda d: d["area"].update(context={"history": "bad\x00byte"}),
        "area/context/history: history 'bad\\x00byte' contains a control character",
    ),
]


@pytest.mark.parametrize(("change", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_bad_bundle_is_refused_by_the_one_validator_and_nothing_is_written(
    bundle, engine, tmp_path: Path, capsys, change, expected
) -> None:
    doc = copy.deepcopy(bundle)
    change(doc)
    path = tmp_path / "northshire.bundle.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    before = db_state(engine)
    rc = main(["import", str(path)])
    err = capsys.readouterr().err
    assert rc == 1, err
    assert err.startswith("error: northshire.bundle.json: the bundle has problems, so nothing was imported"), err
    assert expected in err, err
    assert "unexpected" not in err and "Traceback" not in err
    assert db_state(engine) == before


def test_the_untouched_bundle_imports(bundle, engine, tmp_path: Path, capsys) -> None:
    """The cases above fail for their change alone: the same bundle unchanged goes in."""
    path = tmp_path / "northshire.bundle.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    assert main(["import", str(path)]) == 0, capsys.readouterr().err
    assert "Imported the area 'Northshire'" in capsys.readouterr().out
