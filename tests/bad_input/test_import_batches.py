"""Issue 15: a file is checked a batch at a time (TOOLKIT_IMPORT_BATCH_ROWS, lowered here to 100), so the rules that
span rows hold across batches too: a rating given twice, a respondent whose agency differs; a bad row in the last
batch still leaves nothing written; a refusal lists up to TOOLKIT_IMPORT_MAX_ERRORS problems and counts them all."""

from __future__ import annotations

import pytest

from tests.bad_input.helpers import db_state, opm_items, row, to_csv
from toolkit.capture.ratings_import import RatingsFileError, import_ratings
from toolkit.core.settings import get_settings
from toolkit.store.db import session_scope


@pytest.fixture(autouse=True)
def small_batches(monkeypatch):
    monkeypatch.setenv("TOOLKIT_IMPORT_BATCH_ROWS", "100")
    monkeypatch.setenv("TOOLKIT_IMPORT_MAX_ERRORS", "10")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def rows_of(cat, n: int) -> list[list[str]]:
    o = opm_items(cat)
    return [row(o[i % len(o)], str(1 + i % 5), respondent=f"p{i // len(o)}") for i in range(n)]


def refused(engine, catalogue, rows) -> RatingsFileError:
    before = db_state(engine)
    with session_scope(engine) as s, pytest.raises(RatingsFileError) as caught:
        import_ratings(to_csv(rows), "r.csv", session=s, catalogue=catalogue)
    assert db_state(engine) == before
    return caught.value


def test_a_rating_given_twice_in_different_batches_is_found(engine, catalogue) -> None:
    rows = rows_of(catalogue, 350)
    rows.append(list(rows[10]))  # file row 12 again, as row 352
    (error,) = refused(engine, catalogue, rows).errors
    assert (error.row, error.column) == (352, "item") and "first at row 12" in error.reason


def test_a_respondent_whose_agency_differs_in_a_later_batch_is_found(engine, catalogue) -> None:
    rows = rows_of(catalogue, 300)
    rows[250][3] = "health"  # p2's rows are police until row 252 (file row)
    errors = refused(engine, catalogue, rows).errors
    assert any(e.row == 252 and e.column == "agency" and "'police' at row" in e.reason for e in errors)


def test_a_bad_row_in_the_last_batch_leaves_nothing_written(engine, catalogue) -> None:
    rows = rows_of(catalogue, 450)
    rows[-1][7] = "9"
    (error,) = refused(engine, catalogue, rows).errors
    assert (error.row, error.column) == (451, "score")


def test_a_good_file_of_many_batches_imports_whole(engine, catalogue) -> None:
    with session_scope(engine) as s:
        result = import_ratings(to_csv(rows_of(catalogue, 450)), "r.csv", session=s, catalogue=catalogue)
    assert (result.rows, result.inserted) == (450, 450)
    assert len(db_state(engine)["ratings"]) == 450


def test_a_refusal_lists_the_first_problems_and_counts_them_all(engine, catalogue) -> None:
    rows = rows_of(catalogue, 250)
    for r in rows[::5]:
        r[7] = "7"
    exc = refused(engine, catalogue, rows)
    assert len(exc.errors) == 10 and exc.total == 50
    assert "50 problem(s)" in str(exc) and "and 40 more" in str(exc)
