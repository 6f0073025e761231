"""Issue 15: two imports into the same area and cycle at once ("unexpected IntegrityError" with an SQL dump, before).
Imports take one lock before they read the database, so the second waits for the first, then reads what it wrote:
no duplicate respondents, no lost rows, no raw database error. On SQLite here; on PostgreSQL with
TOOLKIT_TEST_DATABASE_URL set (-m db)."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from tests.bad_input.helpers import to_csv
from toolkit.capture.ratings_import import import_ratings
from toolkit.store.db import session_scope
from toolkit.store.models import Area, Cycle, Rating, Respondent

AREA, CYCLE = "Concurrent Vale", "2026"


def file_of(catalogue, people: range, items: slice) -> bytes:
    ids = [it.id for it in catalogue.get("opm").items][items]
    rows = [
        [AREA, CYCLE, f"p{p}", "police", "frontline", "opm", item, str(1 + (p + i) % 5), ""]
        for p in people
        for i, item in enumerate(ids)
    ]
    return to_csv(rows)


def run_at_once(engine, catalogue, files: list[bytes]) -> list[object]:
    """Import the files in threads released together; each thread's result or exception."""
    start = threading.Barrier(len(files))
    out: list[object] = [None] * len(files)

    def work(i: int) -> None:
        start.wait()
        try:
            with session_scope(engine) as s:
                out[i] = import_ratings(files[i], f"file{i}.csv", session=s, catalogue=catalogue)
        except Exception as exc:  # the test reports any, by type and message
            out[i] = exc

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(files))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    return out


def test_two_overlapping_imports_at_once_both_finish_without_duplicates(engine, catalogue) -> None:
    # Respondents p5-p14 are in both files; for p5-p14 statements 10-19 are rated in both, with the same scores.
    a = file_of(catalogue, range(0, 15), slice(0, 20))
    b = file_of(catalogue, range(5, 20), slice(10, 30))
    results = run_at_once(engine, catalogue, [a, b])
    assert not [r for r in results if isinstance(r, Exception)], [f"{type(r).__name__}: {r}" for r in results]
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(Area).where(Area.name == AREA)) == 1
        assert s.scalar(select(func.count()).select_from(Cycle)) == 1
        pseudonyms = s.scalars(select(Respondent.pseudonym)).all()
        assert sorted(pseudonyms) == sorted(f"p{p}" for p in range(20))  # each once
        stored = s.scalar(select(func.count()).select_from(Rating))
    expected = 15 * 20 + 15 * 20 - 10 * 10  # every pair of either file, the shared ones once
    assert stored == expected
    inserted = sum(r.inserted for r in results)  # type: ignore[union-attr]
    unchanged = sum(r.unchanged for r in results)  # type: ignore[union-attr]
    assert (inserted, unchanged) == (expected, 10 * 10)


def test_the_same_file_imported_twice_at_once_is_stored_once(engine, catalogue) -> None:
    data = file_of(catalogue, range(0, 30), slice(0, 40))
    results = run_at_once(engine, catalogue, [data, data])
    assert not [r for r in results if isinstance(r, Exception)], [f"{type(r).__name__}: {r}" for r in results]
    assert sorted(r.inserted for r in results) == [0, 1200]  # type: ignore[union-attr]
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(Respondent)) == 30
        assert s.scalar(select(func.count()).select_from(Rating)) == 1200
