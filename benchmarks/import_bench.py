"""Import benchmark: rows per second and peak memory of a streaming import of a large ratings file.

    .venv/bin/python benchmarks/import_bench.py [--rows 1000000] [--xlsx-rows 100000]
                                               [--postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/test]

Writes a fictional ratings CSV of --rows rows (and an XLSX of --xlsx-rows) in a temporary folder, then imports each
into a fresh SQLite database (and a fresh PostgreSQL database on the server given, when one is) in a child process,
and prints rows/s and the child's peak resident memory (resource.getrusage ru_maxrss). The goal for the CSV:
at least 50,000 rows/s into SQLite and under 300 MiB peak. A second import of the same file must change nothing.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from openpyxl import Workbook  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from toolkit.capture.ratings_import import import_ratings  # noqa: E402
from toolkit.capture.validate import COLUMNS  # noqa: E402
from toolkit.core.frameworks import load_catalogue  # noqa: E402
from toolkit.core.ids import AGENCIES, LEVELS  # noqa: E402
from toolkit.store.db import make_engine, session_scope, upgrade  # noqa: E402

GOAL_ROWS_S, GOAL_MIB = 50_000, 300


def ratings(n: int, seed: int = 15) -> Iterator[list[object]]:
    """n fictional ratings: areas of 40 respondents, two cycles, every rated statement, a few don't-knows."""
    rnd = random.Random(seed)
    items = [(fw.id, it.id) for fw in load_catalogue().rated for it in fw.items]
    done = 0
    for who in range(n // len(items) + 1):
        area, cycle = f"Fictional area {who // 80 + 1}", ("2025", "2026")[who // 40 % 2]
        agency, level = AGENCIES[who % len(AGENCIES)], LEVELS[who % len(LEVELS)]
        for fw, item in items:
            if done == n:
                return
            score = "" if rnd.random() < 0.05 else rnd.randint(1, 5)
            comment = "example given at the board" if rnd.random() < 0.02 else ""
            yield [area, cycle, f"r{who:06d}", agency, level, fw, item, score, comment]
            done += 1


def write_csv(path: Path, n: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(COLUMNS)
        w.writerows(ratings(n))


def write_xlsx(path: Path, n: int) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("ratings")
    ws.append(COLUMNS)
    for r in ratings(n):
        ws.append(r)
    wb.save(path)


def child(url: str, file: str) -> None:
    """Import one file into the database at url (migrated first); print rows, counts, seconds and peak memory."""

    engine = make_engine(url)
    upgrade(engine)
    path, catalogue = Path(file), load_catalogue()
    t0, c0 = time.perf_counter(), time.process_time()
    with session_scope(engine) as s:
        result = import_ratings(path, path.name, session=s, catalogue=catalogue)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    doc = {"rows": result.rows, "inserted": result.inserted, "unchanged": result.unchanged}
    print(json.dumps({**doc, "seconds": seconds, "cpu": cpu, "peak_mib": peak}))


def run_child(url: str, path: Path) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", url, str(path)], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


@contextmanager
def postgres_db(admin_url: str) -> Iterator[str]:
    """A fresh PostgreSQL database with a unique name, dropped afterwards."""
    name = f"toolkit_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def bench(label: str, url: str, path: Path, rows: int) -> None:
    for what in ("first import", "second import"):
        r = run_child(url, path)
        assert r["rows"] == rows, r
        assert (r["inserted"] if what == "first import" else r["unchanged"]) == rows, r
        rate = rows / r["seconds"]
        goal = ""
        if path.suffix == ".csv" and label == "sqlite":
            ok = rate >= GOAL_ROWS_S and r["peak_mib"] < GOAL_MIB
            goal = f"  goal >= {GOAL_ROWS_S:,} rows/s, < {GOAL_MIB} MiB: {'met' if ok else 'NOT met'}"
        print(
            f"{label:10} {path.suffix[1:]:4} {what:13} {rows:>9,} rows {r['seconds']:6.1f} s {rate:>8,.0f} rows/s "
            f"(cpu {r['cpu']:.1f} s)  peak {r['peak_mib']:5.0f} MiB{goal}",
            flush=True,
        )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=int, default=1_000_000, help="rows of the CSV (default 1,000,000)")
    p.add_argument("--xlsx-rows", type=int, default=100_000, help="rows of the XLSX (default 100,000; 0: none)")
    p.add_argument("--postgres-url", help="also benchmark PostgreSQL: a server to create a scratch database on")
    p.add_argument("--child", nargs=2, metavar=("URL", "FILE"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        child(*args.child)
        return 0
    with tempfile.TemporaryDirectory(prefix="toolkit_bench_") as tmp:
        folder = Path(tmp)
        files = [(folder / "ratings.csv", args.rows, write_csv)]
        if args.xlsx_rows:
            files.append((folder / "ratings.xlsx", args.xlsx_rows, write_xlsx))
        for path, rows, write in files:
            t0 = time.perf_counter()
            write(path, rows)
            size = path.stat().st_size / 2**20
            print(f"generated {rows:,} rows as {path.name}, {size:.0f} MiB, in {time.perf_counter() - t0:.1f} s")
        for path, rows, _write in files:
            db = folder / f"bench-{path.suffix[1:]}.db"
            bench("sqlite", f"sqlite:///{db}", path, rows)
            if args.postgres_url:
                with postgres_db(args.postgres_url) as url:
                    bench("postgresql", url, path, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
