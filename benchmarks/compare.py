"""Before/after: run each benchmark in two checkouts, alternately, and print every figure's medians and change.

    .venv/bin/python benchmarks/compare.py --before /work/base --after /work/main
        [--rounds 3] [--only analysis,pages,...] [--areas 160] [--skip-postgres] [--list]

Each checkout runs its own copy of each benchmark script (its own module names), with its own `.venv/bin/python`,
in its own directory, on the same data: the national-scale demo (160 areas x 3 cycles x 40 respondents, 2.7 M
ratings) is built once, by the `--before` checkout, into /tmp/toolkit-national.db (the path `benchmarks/national.py`
fixes) and read by both; the benchmarks that build their own data (import, report, workshop, load) generate it from
the same seed. Runs alternate before/after, then after/before (ABBA), so a machine that gets busier or quieter during
the comparison weighs on both alike. Printed per figure: the median over the rounds before and after, and the
change, where a positive change is slower (more seconds, or fewer rows or answers a second); "SLOWER" marks a change
over 10%. CPU figures are steadier than wall-clock ones on a shared machine; DuckDB and the minimal page are
controls (code that the refactor does not touch): when they move, the machine moved.

Duration with the defaults (3 rounds, every benchmark): about 22-25 minutes on a quiet 2-core machine, of which
about 2 are the one-off national build (skipped when /tmp/toolkit-national.db is already built at that size); sizes
chosen for that: the national demo at full scale, the import file at 20 areas (171,600 rows: the import is linear
in rows, and both sides import the same file), the two-server load for 30 s with 20 participants. On a machine
loaded by other work (load average 15) it takes about three times as long, and wall-clock figures then swing by
tens of percent between two runs of the same code (measured: /work/base against itself): judge by the CPU figures
and the "whole run, CPU" line, or wait for a quiet machine. `--rounds 2` or `--only` shortens it.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

NATIONAL = Path("/tmp/toolkit-national.db")  # benchmarks/national.py's fixed path, in both checkouts
NATIONAL_URL = f"sqlite:///{NATIONAL}"
NUM = r"([\d,]+(?:\.\d+)?)"


@dataclass(frozen=True)
class Figure:
    """One number a benchmark prints: found by a regular expression (its nth match); lower is better unless rate."""

    label: str
    pattern: str
    nth: int = 0
    rate: bool = False  # a rate (rows/s, answers/s): higher is better
    control: bool = False  # not the toolkit's code: shows how much the machine itself moved


@dataclass(frozen=True)
class Bench:
    """A benchmark script, its arguments ({areas} and {db} are filled in) and the figures read from its output."""

    script: str
    args: tuple[str, ...]
    figures: tuple[Figure, ...]
    national: bool = False  # reads the shared national demo
    postgres: bool = False  # needs the PostgreSQL server
    fixed_time: bool = False  # runs for a set time: its CPU total says nothing about speed


def _s(label: str, text: str, nth: int = 0, **kw: bool) -> Figure:
    """A figure printed as `text` followed by a number (seconds or milliseconds)."""
    return Figure(label, re.escape(text) + r"\s+" + NUM, nth, **kw)


PAGES = (
    "start",
    "context",
    "self-assessment",
    "results",
    "theory of change",
    "interventions",
    "action plan",
    "import and export",
    "frameworks",
)

BENCHES: dict[str, Bench] = {
    "analysis": Bench(
        "benchmarks/analysis_bench.py",
        ("--areas", "{areas}", "--runs", "5", "--db", "{db}"),
        (
            _s("analyse() one area, s", "analyse() with store load and change"),
            _s("analyse_frame() one area, s", "analyse_frame() alone"),
            _s("DuckDB one area, s", "DuckDB, same group-by", 0, control=True),
        ),
        national=True,
    ),
    "benchmark": Bench(
        "benchmarks/benchmark_bench.py",
        ("--runs", "4", "--db", "{url}"),
        (
            Figure("CLI benchmark, wall s", r"CLI benchmark .*?wall median " + NUM),
            Figure("CLI benchmark, CPU s", r"CLI benchmark .*?CPU median " + NUM),
            Figure("cycle query and table, CPU s", r"query and table [\d.]+ s wall / " + NUM),
            Figure("areas against peers, CPU s", r"against their peers [\d.]+ s wall / " + NUM),
            Figure("page first run, wall s", r"Benchmark page, first run .*?: " + NUM),
            Figure("page first run, CPU s", r"Benchmark page, first run .*?wall / " + NUM),
            Figure("page warm rerun, wall ms", r"warm reruns .*?: median " + NUM),
            Figure("page warm rerun, CPU ms", r"warm reruns .*?wall; median " + NUM),
            Figure("page rerun after filter, CPU ms", r"peer filter change: [\d.]+ ms wall / " + NUM),
            Figure("page rerun after area, CPU ms", r"another area: [\d.]+ ms wall / " + NUM),
        ),
        national=True,
    ),
    "pages": Bench(
        "benchmarks/pages_bench.py",
        ("--areas", "{areas}", "--runs", "7"),
        (
            _s("minimal page rerun, ms", "(minimal page)", control=True),
            *(Figure(f"{p} rerun, ms", r"^" + re.escape(p) + r"\s{2,}" + NUM) for p in PAGES),
        ),
        national=True,
    ),
    "report": Bench(
        "benchmarks/report_bench.py",
        (),
        tuple(Figure(f"report {f}, s", r"^" + f + r"\s+" + NUM + " s") for f in ("pdf", "docx", "md")),
    ),
    "import": Bench(
        "benchmarks/import_bench.py",
        ("--areas", "{import_areas}", "{skip_postgres}"),
        tuple(
            Figure(f"{db} {which} import, {unit}", rf"^{db}\s+{which} import.*?" + pat)
            for db in ("sqlite", "postgresql")
            for which in ("first", "second")
            for unit, pat in (("wall s", r"rows\s+" + NUM + " s"), ("CPU s", r"\(cpu " + NUM))
        ),
    ),
    "workshop": Bench(
        "benchmarks/workshop_load.py",
        ("--participants", "30", "--backend", "{backend}"),
        tuple(
            Figure(f"{db} 30 participants, {what}", pat, nth)
            for nth, db in enumerate(("SQLite", "PostgreSQL"))
            for what, pat in (
                ("p50 ms", r"submit latency\s+p50 " + NUM),
                ("p95 ms", r"submit latency.*?p95 " + NUM),
                ("wall s", r"wall time\s+" + NUM),
            )
        ),
    ),
    "load": Bench(
        "benchmarks/load_two_servers.py",
        ("--participants", "20", "--seconds", "30", "--json"),
        (
            Figure("two servers, answers/s", r'"answers_per_s": ' + NUM, rate=True),
            Figure("two servers, p50 ms", r'"p50_ms": ' + NUM),
            Figure("two servers, p95 ms", r'"p95_ms": ' + NUM),
        ),
        postgres=True,
        fixed_time=True,
    ),
}


def python_of(checkout: Path) -> str:
    """The checkout's own interpreter (its .venv), else this one."""
    exe = checkout / ".venv" / "bin" / "python"
    return str(exe) if exe.exists() else sys.executable


WHOLE_CPU = "whole run, CPU s (incl. build)"


def children_cpu() -> float:
    """CPU seconds of every finished child process so far (user and system)."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_script(checkout: Path, script: str, args: list[str], log: Path) -> tuple[str, float]:
    """Run one benchmark script in a checkout: its stdout (also written to `log`) and the CPU seconds it used."""
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    env.pop("DATABASE_URL", None)
    t, cpu = time.perf_counter(), children_cpu()
    out = subprocess.run(
        [python_of(checkout), script, *args], cwd=checkout, env=env, capture_output=True, text=True, check=False
    )
    log.write_text(f"$ {script} {' '.join(args)}\n{out.stdout}\n--- stderr ---\n{out.stderr}", encoding="utf-8")
    if out.returncode != 0:
        tail = (out.stderr or out.stdout).strip().splitlines()[-5:]
        raise RuntimeError(f"{script} failed in {checkout} (exit {out.returncode}): " + " | ".join(tail))
    used = children_cpu() - cpu
    print(f"    {checkout}: {time.perf_counter() - t:.0f} s wall, {used:.0f} s CPU", flush=True)
    return out.stdout, used


def read_figures(bench: Bench, stdout: str) -> dict[str, float]:
    """Every figure of the bench found in its output (a missing one is left out, and reported as missing)."""
    found = {}
    for f in bench.figures:
        hits = re.findall(f.pattern, stdout, flags=re.MULTILINE)
        if len(hits) > f.nth:
            found[f.label] = float(hits[f.nth].replace(",", ""))
    return found


def build_national(before: Path, areas: int) -> None:
    """The national demo, once, by the before checkout's own benchmarks/national.py."""
    marker = NATIONAL.with_suffix(f".{areas}x3x40.done")
    if marker.exists() and NATIONAL.exists():
        print(f"national demo: {NATIONAL} already built ({areas} areas)")
        return
    t = time.perf_counter()
    code = f"from benchmarks.national import national_db; print(national_db(areas={areas}))"
    env = {**os.environ, "PYTHONPATH": str(before)}
    subprocess.run([python_of(before), "-c", code], cwd=before, env=env, check=True)
    print(f"national demo built in {time.perf_counter() - t:.0f} s")


def change(f: Figure, before: float, after: float) -> float:
    """Percent slower (positive) or faster (negative)."""
    if f.rate:
        return (before / after - 1) * 100 if after else float("inf")
    return (after / before - 1) * 100 if before else 0.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--before", type=Path, required=True, help="checkout of the code before the change")
    ap.add_argument("--after", type=Path, required=True, help="checkout of the code after it")
    ap.add_argument("--rounds", type=int, default=3, help="runs per checkout and benchmark (default 3)")
    ap.add_argument("--only", default=",".join(BENCHES), help=f"comma-separated subset of: {', '.join(BENCHES)}")
    ap.add_argument("--areas", type=int, default=160, help="areas in the shared national demo (default 160)")
    ap.add_argument("--import-areas", type=int, default=20, help="areas in the import benchmark's file (default 20)")
    ap.add_argument("--skip-postgres", action="store_true", help="leave out the PostgreSQL parts")
    ap.add_argument("--logs", type=Path, default=Path("/tmp/toolkit-compare"), help="each run's output goes here")
    ap.add_argument("--list", action="store_true", help="list the benchmarks and their figures, then stop")
    a = ap.parse_args(argv)
    names = [n.strip() for n in a.only.split(",") if n.strip()]
    unknown = [n for n in names if n not in BENCHES]
    if unknown:
        ap.error(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(BENCHES)}")
    if a.skip_postgres:
        names = [n for n in names if not BENCHES[n].postgres]
    if a.list:
        for n in names:
            print(f"{n}: {BENCHES[n].script}")
            for f in BENCHES[n].figures:
                print(f"    {f.label}{' (control)' if f.control else ''}")
        return 0
    before, after = a.before.resolve(), a.after.resolve()
    a.logs.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    print(f"before {before}  after {after}  rounds {a.rounds}  load average {os.getloadavg()[0]:.1f}", flush=True)
    if any(BENCHES[n].national for n in names):
        build_national(before, a.areas)
    fill = {
        "{areas}": str(a.areas),
        "{db}": str(NATIONAL),
        "{url}": NATIONAL_URL,
        "{import_areas}": str(a.import_areas),
        "{skip_postgres}": "--skip-postgres" if a.skip_postgres else "",
        "{backend}": "sqlite" if a.skip_postgres else "both",
    }
    results: dict[str, dict[str, dict[str, list[float]]]] = {}
    failed: list[str] = []
    for n in names:
        bench = BENCHES[n]
        args = [fill.get(x, x) for x in bench.args]
        args = [x for x in args if x]
        got: dict[str, dict[str, list[float]]] = {"before": {}, "after": {}}
        print(f"\n{n}: {bench.script} {' '.join(args)}", flush=True)
        try:
            for r in range(a.rounds):
                order = (("before", before), ("after", after))
                for side, checkout in order if r % 2 == 0 else order[::-1]:
                    out, cpu = run_script(checkout, bench.script, args, a.logs / f"{n}-{side}-{r + 1}.log")
                    for label, value in read_figures(bench, out).items():
                        got[side].setdefault(label, []).append(value)
                    got[side].setdefault(WHOLE_CPU, []).append(cpu)
        except RuntimeError as exc:
            print(f"  {exc}")
            failed.append(n)
        results[n] = got

    print(f"\n{'benchmark':10} {'figure':38} {'before':>10} {'after':>10} {'change':>8}")
    slower = []
    for n, got in results.items():
        # the CPU the whole run took, the benchmark's children (servers, CLI runs) included: steady under load
        whole = () if BENCHES[n].fixed_time else (Figure(WHOLE_CPU, ""),)
        for f in (*BENCHES[n].figures, *whole):
            b, c = got["before"].get(f.label), got["after"].get(f.label)
            if not b or not c:
                print(f"{n:10} {f.label:38} {'missing' if not b else '':>10} {'missing' if not c else '':>10}")
                continue
            mb, ma = statistics.median(b), statistics.median(c)
            pct = change(f, mb, ma)
            mark = " (control)" if f.control else (" SLOWER" if pct > 10 else "")
            if pct > 10 and not f.control:
                slower.append(f"{n}: {f.label}")
            print(f"{n:10} {f.label:38} {mb:10.3f} {ma:10.3f} {pct:+7.1f}%{mark}")
    print(
        f"\n{len(slower)} figure(s) more than 10% slower{': ' + '; '.join(slower) if slower else ''}. "
        f"Medians of {a.rounds} run(s) per side; every run's output is in {a.logs}. "
        f"Took {(time.perf_counter() - started) / 60:.1f} min; load average now {os.getloadavg()[0]:.1f}."
    )
    if failed:
        print(f"failed: {', '.join(failed)} (see the logs)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
