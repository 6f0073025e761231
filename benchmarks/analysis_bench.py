"""Analysis benchmark on the national-scale demo: one area's `analyse`, beside DuckDB.

    .venv/bin/python benchmarks/analysis_bench.py [--areas 160] [--respondents 40] [--runs 7] [--db PATH]

Builds the demo (160 fictional areas x 3 cycles x 40 respondents x every statement) with
`toolkit.demo.generate_ratings`, writes it through `toolkit.capture.ratings_import.import_table` into a temporary SQLite
database (or reuses --db if it already holds that demo), then times in this process, each as the median of --runs,
`analyse()` of one area and cycle: loading it from the store, every score, gap, priority, Theory of Change node and
the change since the previous cycle (the aim is under 0.3 s), and `analyse_frame` alone; `evaluate()` of one
treatment/comparison pair (the first two areas by name against the next two, after-only and difference in
differences over the last two cycles, the pre-trend on the third; the aim is under 1 s); and beside it the time
DuckDB takes for the same group-by (respondent means per measure, then n and mean per measure and level, and the
level-balanced headline) over the same pandas data in the same run, as a ratio.

Every area of a cycle at once is the benchmark's work (`toolkit.analysis.benchmark.table.cycle_table`): its figures
are in benchmarks/benchmark_bench.py.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import duckdb
import pandas as pd
from sqlalchemy import func, select

from toolkit.analysis.area import analyse, analyse_frame
from toolkit.analysis.config import Config, item_table
from toolkit.analysis.evaluation import GroupSpec, evaluate
from toolkit.capture.ratings_import import import_table
from toolkit.core import ids
from toolkit.core.frameworks import Catalogue, load_catalogue
from toolkit.store.areas import resolve_cycle
from toolkit.store.db import make_engine, session_scope, upgrade
from toolkit.store.models import Area
from toolkit.store.ratings import ratings_frame
from toolkit.training.demo import generate_ratings

CYCLES = ("2024", "2025", "2026")
T = TypeVar("T")

DUCK_SQL = """
WITH r AS (
    SELECT x.area, x.respondent, x.level, m.kind, m.measure, CAST(x.score AS DOUBLE) AS score
    FROM ratings x JOIN meta m ON x.framework = m.framework AND x.item = m.item
    WHERE x.score IS NOT NULL {where}
), person AS (
    SELECT area, respondent, level, kind, measure, avg(score) AS s FROM r GROUP BY ALL
), by_level AS (
    SELECT area, kind, measure, level, count(*) AS n, avg(s) AS mean, sum(s) AS total FROM person GROUP BY ALL
)
SELECT area, kind, measure, 'all' AS level, sum(n) AS n,
       coalesce(avg(mean) FILTER (WHERE n >= {min_n}), sum(total) / sum(n)) AS mean, sum(total) / sum(n) AS plain_mean
FROM by_level GROUP BY ALL
UNION ALL
SELECT area, kind, measure, level, n, mean, mean FROM by_level
"""


def measure_table(cat: Catalogue) -> pd.DataFrame:
    """(framework, item) -> (kind, measure): an OPM statement's stage; a 12 C's statement's C and its C group."""
    meta = item_table(cat)
    group_of = {c: g for g, cs in ids.C_GROUPS.items() for c in cs}
    opm = meta[meta["framework"] == "opm"].assign(kind="stage", measure=lambda d: d["stage"])
    tc = meta[meta["framework"] == "twelve_cs"]
    cs = tc.assign(kind="c", measure=tc["c"])
    groups = tc.assign(kind="c_group", measure=[group_of[c] for c in tc["c"]])
    both = pd.concat([opm, cs, groups])
    return pd.DataFrame(both[["framework", "item", "kind", "measure"]]).reset_index(drop=True)


def median_time(fn: Callable[[], T], runs: int) -> tuple[float, T]:
    out = fn()  # warm caches (catalogue tables, the SQLite page cache, DuckDB's plan)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def build(url: str, cat: Catalogue, areas: int, respondents: int) -> None:
    t = time.perf_counter()
    df, _stories = generate_ratings(cat, areas=areas, cycles=CYCLES, respondents=respondents)
    table = df.astype({"score": "string"}).fillna({"score": ""})
    t_gen = time.perf_counter() - t
    engine = make_engine(url)
    upgrade(engine)
    t = time.perf_counter()
    with session_scope(engine) as s:
        result = import_table(table, "national-demo", session=s, catalogue=cat)
    engine.dispose()
    print(
        f"built: {result.rows:,} ratings ({areas} areas x {len(CYCLES)} cycles x {respondents} respondents) "
        f"generated in {t_gen:.1f} s, imported in {time.perf_counter() - t:.1f} s"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--areas", type=int, default=160, help="areas in the demo (default 160, national scale)")
    ap.add_argument("--respondents", type=int, default=40, help="respondents per area and cycle (default 40)")
    ap.add_argument("--runs", type=int, default=7, help="timed runs per figure; the median is printed")
    ap.add_argument("--db", type=Path, help="SQLite file to build into and reuse (default: a temporary one)")
    args = ap.parse_args()
    cat = load_catalogue()
    cfg = Config()

    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "analysis_bench.db"
        url = f"sqlite:///{path}"
        engine = make_engine(url)
        upgrade(engine)
        with session_scope(engine) as s:
            have = s.scalar(select(func.count(Area.id)))
        if have != args.areas:
            if have:
                sys.exit(f"{path} holds {have} areas, not {args.areas}: remove it or choose another --db")
            engine.dispose()
            build(url, cat, args.areas, args.respondents)
            engine = make_engine(url)
        cycle = CYCLES[-1]
        meta = measure_table(cat)
        con = duckdb.connect()
        con.register("meta", meta)

        with session_scope(engine) as s:
            area = s.scalars(select(Area.name).order_by(Area.name)).first()
            assert area is not None, f"{path} holds no area"
            t_one, result = median_time(lambda: analyse(area, cycle, session=s, cat=cat, cfg=cfg), args.runs)
            one = ratings_frame(resolve_cycle(area, cycle, session=s), session=s, with_comments=False)
            t_frame, _ = median_time(lambda: analyse_frame(one, cat, cfg, area=area, cycle=cycle), args.runs)
            # one treatment/comparison pair: two areas against two, after-only comparison and difference in
            # differences over the last two cycles, with the pre-trend check on the third (as `evaluate` runs it)
            names = list(s.scalars(select(Area.name).order_by(Area.name)).all()[:4])
            treat, comp = GroupSpec(by="area", values=names[:2]), GroupSpec(by="area", values=names[2:4])
            t_eval, ev = median_time(
                lambda: evaluate(
                    areas=names,
                    treatment=treat,
                    comparison=comp,
                    after=CYCLES[-1],
                    before=CYCLES[-2],
                    session=s,
                    cat=cat,
                    cfg=cfg,
                ),
                args.runs,
            )

        con.register("ratings", one.assign(area=area))
        sql_one = DUCK_SQL.format(where="", min_n=cfg.min_group_size)
        d_one, duck_one = median_time(lambda: con.execute(sql_one).df(), args.runs)

    # the analysis counts the respondents its figures may use: a withheld small cell's people are not among them
    assert len(duck_one) > 0 and 0 < result.respondents <= one["respondent"].nunique()
    print(
        f"\none area ({area}, cycle {cycle}: {len(one):,} ratings, {result.respondents} respondents), "
        f"median of {args.runs}:"
    )
    print(f"  analyse() with store load and change   {t_one:7.3f} s   aim < 0.3 s   {'OK' if t_one < 0.3 else 'OVER'}")
    print(f"  analyse_frame() alone                  {t_frame:7.3f} s")
    print(f"  DuckDB, same group-by                  {d_one:7.4f} s   analyse() / DuckDB = {t_one / d_one:6.1f}x")
    did = ev.did.did if ev.did is not None else None
    print(
        f"\nevaluate: {treat.label()} against {comp.label()}, {CYCLES[-2]} -> {CYCLES[-1]} "
        f"(difference in differences {did if did is not None else '-'}), median of {args.runs}:"
    )
    print(f"  evaluate() with store load             {t_eval:7.3f} s   aim < 1 s     {'OK' if t_eval < 1 else 'OVER'}")


if __name__ == "__main__":
    main()
