"""Analysis benchmark on the national-scale demo: one area's `analyse`, and every area of a cycle, beside DuckDB.

    .venv/bin/python benchmarks/analysis_bench.py [--areas 160] [--respondents 40] [--runs 7] [--db PATH]

Builds the demo (160 fictional areas x 3 cycles x 40 respondents x every statement) with
`toolkit.demo.generate_ratings`, writes it through `toolkit.capture.ratings_import.import_table` into a temporary SQLite
database (or reuses --db if it already holds that demo), then times in this process, each as the median of --runs:

- `analyse()` of one area and cycle: loading it from the store, every score, gap, priority, Theory of Change
  node and the change since the previous cycle (the aim is under 0.3 s), and `analyse_frame` alone;
- the analysis of every area of one cycle with `toolkit.analysis.cycle_scores` (stage, C and C-group scores
  overall and per level with suppression, and each area's journey priority; the aim is under 3 s), and loading
  that cycle's ratings from the store;

and beside each the time DuckDB takes for the same group-by (respondent means per measure, then n and mean per
area, measure and level, and the level-balanced headline) over the same pandas data in the same run, as a ratio.
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
from toolkit.analysis.cycle import cycle_scores
from toolkit.capture.ratings_import import import_table
from toolkit.core import ids
from toolkit.core.frameworks import Catalogue, load_catalogue
from toolkit.store.areas import resolve_cycle
from toolkit.store.db import make_engine, session_scope, upgrade
from toolkit.store.models import Area, Cycle, Rating, Respondent
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


COLUMNS = (
    Area.name,
    Respondent.pseudonym,
    Respondent.agency,
    Respondent.level,
    Rating.framework,
    Rating.item,
    Rating.score,
)


def cycle_frame(session, cycle: str) -> pd.DataFrame:
    """Every area's ratings of one cycle, in the ratings-table columns plus `area` (score is nullable Int64)."""
    q = (
        select(*COLUMNS)
        .join(Cycle, Cycle.area_id == Area.id)
        .join(Respondent, Respondent.cycle_id == Cycle.id)
        .join(Rating, Rating.respondent_id == Respondent.id)
        .where(Cycle.name == cycle)
    )
    sql = str(q.compile(session.get_bind(), compile_kwargs={"literal_binds": True}))
    cursor = session.connection().connection.cursor()  # the driver's own cursor: no Row objects per rating
    cursor.execute(sql)
    names = ["area", "respondent", "agency", "level", "framework", "item", "score"]
    df = pd.DataFrame(cursor.fetchall(), columns=names, dtype=object)  # object: no slow conversion to str columns
    cursor.close()
    for col in names[:-1]:  # repeated labels as categoricals, which pandas and DuckDB both scan fast
        codes, labels = pd.factorize(df[col])
        df[col] = pd.Categorical.from_codes(codes, labels)
    df["score"] = df["score"].astype("Int64")
    return df


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
            t_load, everyone = median_time(lambda: cycle_frame(s, cycle), max(1, args.runs // 3))

        con.register("ratings", one.assign(area=area))
        sql_one = DUCK_SQL.format(where="", min_n=cfg.min_group_size)
        d_one, duck_one = median_time(lambda: con.execute(sql_one).df(), args.runs)

        t_all, got = median_time(lambda: cycle_scores(everyone, cat, cfg), args.runs)
        con.register("ratings", everyone)
        sql_all = DUCK_SQL.format(where="", min_n=cfg.min_group_size)
        d_all, duck_all = median_time(lambda: con.execute(sql_all).df(), args.runs)

    # the two engines must agree before their times are compared
    ours = got["scores"].set_index(["area", "kind", "measure", "level"])
    theirs = duck_all.set_index(["area", "kind", "measure", "level"]).reindex(ours.index)
    shown = ours["mean"].notna()
    worst = (ours.loc[shown, "mean"] - theirs.loc[shown, "mean"].round(2)).abs().max()
    assert worst <= 0.011, f"cycle_scores and DuckDB disagree by {worst}"
    assert len(duck_one) > 0 and result.respondents == one["respondent"].nunique()

    n_areas = everyone["area"].nunique()
    print(
        f"\none area ({area}, cycle {cycle}: {len(one):,} ratings, {result.respondents} respondents), "
        f"median of {args.runs}:"
    )
    print(f"  analyse() with store load and change   {t_one:7.3f} s   aim < 0.3 s   {'OK' if t_one < 0.3 else 'OVER'}")
    print(f"  analyse_frame() alone                  {t_frame:7.3f} s")
    print(f"  DuckDB, same group-by                  {d_one:7.4f} s   analyse() / DuckDB = {t_one / d_one:6.1f}x")
    print(f"\nevery area of cycle {cycle} ({n_areas} areas, {len(everyone):,} ratings), median of {args.runs}:")
    print(f"  cycle_scores()                         {t_all:7.3f} s   aim < 3 s     {'OK' if t_all < 3 else 'OVER'}")
    print(f"  DuckDB, same group-by                  {d_all:7.4f} s   cycle_scores / DuckDB = {t_all / d_all:6.1f}x")
    print(f"  loading the cycle from SQLite          {t_load:7.3f} s   (not in either figure above)")
    print(
        f"  cycle_scores + load                    {t_all + t_load:7.3f} s   aim < 3 s     "
        f"{'OK' if t_all + t_load < 3 else 'OVER'}"
    )
    print(f"\nscores agree with DuckDB within {worst:.3f} on {int(shown.to_numpy().sum()):,} shown cells")


if __name__ == "__main__":
    main()
