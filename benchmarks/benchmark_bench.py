"""Benchmark timings on the national-scale demo: the `benchmark` command and the Benchmark page's reruns.

    .venv/bin/python benchmarks/benchmark_bench.py [--areas 160] [--respondents 40] [--runs 7] [--db URL]

Builds 160 fictional areas x 3 cycles (2024-2026) x 40 respondents with generate_ratings and import_table into a
temporary SQLite database (or uses --db), then prints wall and CPU seconds for:
- `python -m toolkit benchmark --cycle 2026 --json` as a fresh process (target: under 3 s);
- the Benchmark page in AppTest, signed in as a scrutineer: the first run (every cycle's table computed), warm
  reruns (target: under 300 ms), a rerun after changing a peer filter and one after choosing another area.
The machine's load average is printed too: wall times on a busy machine run well above CPU times.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CYCLES = ("2024", "2025", "2026")
PW = "a long benchmark password"


def build(url: str, areas: int, respondents: int) -> None:
    """The national-scale demo written through the one import path (with each area's tags)."""
    from toolkit.capture.ratings_import import import_table
    from toolkit.core.frameworks import load_catalogue
    from toolkit.store.areas import get_or_create_area
    from toolkit.store.db import make_engine, session_scope, upgrade
    from toolkit.training.demo import generate_ratings

    cat = load_catalogue()
    t = time.perf_counter()
    df, stories = generate_ratings(cat, areas=areas, cycles=CYCLES, respondents=respondents)
    table = df.astype({"score": "string"}).fillna({"score": ""})
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(engine) as s:
        for story in stories.values():
            get_or_create_area(story.name, session=s, tags=story.tags, fictional=True)
        result = import_table(table, "national demo", session=s, catalogue=cat)
    engine.dispose()
    print(
        f"built {areas} areas x {len(CYCLES)} cycles x {respondents} respondents: {result.rows:,} ratings in {time.perf_counter() - t:.0f} s"
    )


def child_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def time_cli(url: str, runs: int) -> None:
    env = {**os.environ, "DATABASE_URL": url}
    walls, cpus, doc, mib = [], [], {}, 0.0
    for _ in range(runs):
        c0, t0 = child_cpu(), time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-m", "toolkit", "benchmark", "--cycle", CYCLES[-1], "--json"],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            check=True,
        )
        walls.append(time.perf_counter() - t0)
        cpus.append(child_cpu() - c0)
        doc, mib = json.loads(out.stdout), len(out.stdout) / 2**20
    print(
        f"CLI benchmark --cycle {CYCLES[-1]} --json ({len(doc['areas'])} areas, {mib:.1f} MiB): "
        f"wall median {statistics.median(walls):.2f} s (min {min(walls):.2f}, max {max(walls):.2f}); "
        f"CPU median {statistics.median(cpus):.2f} s (min {min(cpus):.2f})"
    )


def time_parts(url: str) -> None:
    """In-process: the grouped query and table of one cycle, and every area against its peers."""
    from toolkit.analysis.benchmark.every_area import benchmark
    from toolkit.analysis.benchmark.peers import BenchConfig
    from toolkit.analysis.benchmark.table import area_tags, cycle_table
    from toolkit.core.frameworks import load_catalogue
    from toolkit.store.db import make_engine, session_scope

    cat = load_catalogue()
    engine = make_engine(url)
    with session_scope(engine) as s:
        t, c = time.perf_counter(), time.process_time()
        table = cycle_table(CYCLES[-1], session=s, cat=cat, min_group_size=3)
        q = (time.perf_counter() - t, time.process_time() - c)
        tags = area_tags(session=s)
    t, c = time.perf_counter(), time.process_time()
    benchmark(table, tags, BenchConfig())
    b = (time.perf_counter() - t, time.process_time() - c)
    engine.dispose()
    print(
        f"  of which (in process): one cycle's query and table {q[0]:.2f} s wall / {q[1]:.2f} s CPU; "
        f"{len(table.areas)} areas against their peers {b[0]:.2f} s wall / {b[1]:.2f} s CPU"
    )


def timed_run(at) -> tuple[float, float]:
    t, c = time.perf_counter(), time.process_time()
    at.run()
    assert not at.exception, at.exception
    return time.perf_counter() - t, time.process_time() - c


def time_page(url: str, runs: int) -> None:
    os.environ["DATABASE_URL"] = url
    from streamlit.testing.v1 import AppTest

    from toolkit.access.accounts import authenticate, create_user, start_session
    from toolkit.store.db import make_engine, session_scope

    engine = make_engine(url)
    with session_scope(engine) as s:
        with contextlib.suppress(ValueError):  # already there when --db is reused
            create_user("bench-scrutineer", PW, "scrutineer", session=s)
        token = start_session(authenticate("bench-scrutineer", PW, session=s), session=s)
    engine.dispose()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.session_state["auth_token"] = token
    at.session_state["sel_area"] = "Ashvale (fictional)"
    at.session_state["sel_cycle"] = CYCLES[-1]
    at.run()
    at.switch_page("app_pages/benchmark.py")
    first = timed_run(at)
    assert at.metric, "the page showed no percentile cards"
    warm = [timed_run(at) for _ in range(runs)]
    at.selectbox(key="bench_f_nation").set_value("same")
    filt = timed_run(at)
    at.selectbox(key="sel_area").set_value("Brindlecombe (fictional)")
    other = timed_run(at)
    after = [timed_run(at) for _ in range(runs)]
    ms = [w * 1000 for w, _ in warm + after]
    cpu = [c * 1000 for _, c in warm + after]
    print(f"Benchmark page, first run (three cycles' tables computed): {first[0]:.2f} s wall / {first[1]:.2f} s CPU")
    print(
        f"Benchmark page, warm reruns (n={len(ms)}): median {statistics.median(ms):.0f} ms, max {max(ms):.0f} ms wall; "
        f"median {statistics.median(cpu):.0f} ms CPU"
    )
    print(
        f"Benchmark page, rerun after a peer filter change: {filt[0] * 1000:.0f} ms wall / {filt[1] * 1000:.0f} ms CPU; "
        f"after choosing another area: {other[0] * 1000:.0f} ms wall / {other[1] * 1000:.0f} ms CPU"
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--areas", type=int, default=160)
    p.add_argument("--respondents", type=int, default=40)
    p.add_argument("--runs", type=int, default=7, help="warm reruns and CLI runs to time")
    p.add_argument("--db", help="use this database instead of building one (it must hold the national demo)")
    args = p.parse_args(argv)
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory(prefix="toolkit_benchmark_") as tmp:
        url = args.db or f"sqlite:///{Path(tmp) / 'national.db'}"
        if not args.db:
            build(url, args.areas, args.respondents)
        time_cli(url, max(3, args.runs // 2))
        time_parts(url)
        time_page(url, args.runs)
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
