"""National-scale import benchmark: generate a ratings CSV, import it into fresh SQLite and PostgreSQL databases.

    .venv/bin/python benchmarks/import_bench.py [--areas 160] [--respondents 40] [--skip-postgres] [--profile]

Prints, for each database, the rows, seconds and rows per second of a first import and of a second
(idempotent) import of the same file, which must change nothing. "cpu" is this process's CPU time (the
PostgreSQL server's work is not in it); on a busy machine it is steadier than the wall-clock figure.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.engine import make_url

from toolkit.capture.ratings_import import ImportResult, import_ratings
from toolkit.core.frameworks import Catalogue, load_catalogue
from toolkit.store.db import make_engine, session_scope, upgrade
from toolkit.store.models import Rating
from toolkit.training.demo import generate_ratings

PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def write_csv(catalogue: Catalogue, areas: int, respondents: int, folder: Path) -> tuple[Path, int, float]:
    t0 = time.perf_counter()
    df, _stories = generate_ratings(catalogue, areas=areas, cycles=("2025", "2026"), respondents=respondents)
    path = folder / f"ratings_{areas}x{respondents}.csv"
    df.to_csv(path, index=False, encoding="utf-8")  # Int64 NA (don't know) is written as a blank cell
    return path, len(df), time.perf_counter() - t0


@contextmanager
def sqlite_db(folder: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{folder / 'bench.db'}")
    upgrade(engine)
    try:
        yield engine
    finally:
        engine.dispose()


@contextmanager
def postgres_db(admin_url: str) -> Iterator[Engine]:
    """A fresh, migrated PostgreSQL database with a unique name, dropped afterwards."""
    name = f"toolkit_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    engine = None
    try:
        engine = make_engine(make_url(admin_url).set(database=name).render_as_string(hide_password=False))
        upgrade(engine)
        yield engine
    finally:
        if engine is not None:
            engine.dispose()
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def timed_import(engine: Engine, path: Path, catalogue: Catalogue, profile: bool) -> tuple[ImportResult, float, float]:
    """Import the file in one transaction: (result, wall-clock seconds, this process's CPU seconds)."""
    data = path.read_bytes()
    prof = cProfile.Profile() if profile else None
    t0, c0 = time.perf_counter(), time.process_time()
    if prof:
        prof.enable()
    with session_scope(engine) as s:
        result = import_ratings(data, path.name, session=s, catalogue=catalogue)
    if prof:
        prof.disable()
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    if prof:
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(30)
        print(out.getvalue())
    return result, seconds, cpu


def report(label: str, what: str, rows: int, seconds: float, cpu: float, note: str = "") -> None:
    print(
        f"{label:10} {what:13} {rows:>9,} rows {seconds:7.1f} s {rows / seconds:>9,.0f} rows/s  (cpu {cpu:.1f} s){note}"
    )


def run(label: str, db: Callable[[], object], path: Path, rows: int, catalogue: Catalogue, profile: bool) -> None:
    with db() as engine:  # type: ignore[attr-defined]
        first, t1, cpu1 = timed_import(engine, path, catalogue, profile)
        assert first.inserted == rows, f"{label}: expected {rows} new ratings, got {first.inserted}"
        report(label, "first import", rows, t1, cpu1)
        second, t2, cpu2 = timed_import(engine, path, catalogue, False)
        assert (second.inserted, second.updated, second.unchanged) == (0, 0, rows), f"{label}: 2nd import changed data"
        with session_scope(engine) as s:
            stored = s.scalar(select(func.count()).select_from(Rating))
        assert stored == rows, f"{label}: {stored} ratings stored, expected {rows}"
        report(label, "second import", rows, t2, cpu2, "; idempotent: nothing changed")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--areas", type=int, default=160, help="fictional areas (default 160)")
    p.add_argument("--respondents", type=int, default=40, help="respondents per area and cycle (default 40)")
    p.add_argument("--skip-postgres", action="store_true", help="only benchmark SQLite")
    p.add_argument("--postgres-url", default=PG_ADMIN_URL, help="server to create the scratch database on")
    p.add_argument("--profile", action="store_true", help="cProfile the first import into each database")
    args = p.parse_args(argv)

    catalogue = load_catalogue()
    with tempfile.TemporaryDirectory(prefix="toolkit_bench_") as tmp:
        folder = Path(tmp)
        path, rows, gen_s = write_csv(catalogue, args.areas, args.respondents, folder)
        size = path.stat().st_size / 2**20
        items = sum(len(f.items) for f in catalogue.rated)
        print(
            f"generated {rows:,} rows ({args.areas} areas x 2 cycles x {args.respondents} respondents x {items} items), "
            f"{size:.0f} MiB CSV, in {gen_s:.1f} s"
        )
        run("sqlite", lambda: sqlite_db(folder), path, rows, catalogue, args.profile)
        if not args.skip_postgres:
            run("postgresql", lambda: postgres_db(args.postgres_url), path, rows, catalogue, args.profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
