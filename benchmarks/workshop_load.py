"""A workshop under load: N participants answer every statement at once through the join page's submit path.

    .venv/bin/python benchmarks/workshop_load.py [--participants 60] [--backend sqlite|postgresql|both]
        [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/test] [--no-retry] [--think SECONDS]

For each backend it builds a fresh database (SQLite in a temporary folder; PostgreSQL as a uniquely named database
that is dropped afterwards), creates a workshop, joins the participants, then starts one thread per participant
behind a barrier; each thread answers all its statements with `toolkit.workshop.answer` (which calls
`submit_answer`). It prints ratings submitted, ratings stored (they must be equal) and submit latency.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from toolkit.core import ids
from toolkit.core.frameworks import load_catalogue
from toolkit.store.db import make_engine, session_scope, upgrade
from toolkit.store.models import Rating, RatingHistory, Respondent
from toolkit.workshops import answer, create_workshop, join, steps_for

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@contextmanager
def sqlite_db():
    with tempfile.TemporaryDirectory() as d:
        yield f"sqlite:///{Path(d) / 'load.db'}"


@contextmanager
def postgres_db(admin_url: str):
    name = f"toolkit_load_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def run(url: str, participants: int, retry: bool, seed: int = 1, think: float = 0.0) -> dict:
    """Run the load against one database URL and return the figures."""
    cat = load_catalogue()
    engine = make_engine(url)
    upgrade(engine)
    rng = random.Random(seed)
    with session_scope(engine) as s:
        w = create_workshop("Loadshire (fictional)", "2026", created_by="bench", session=s)
        people = [
            join(w.code, ids.AGENCIES[k % len(ids.AGENCIES)], ids.LEVELS[k % len(ids.LEVELS)], session=s)
            for k in range(participants)
        ]
    plans = []
    for p in people:
        items = [(st.framework, it.id) for st in steps_for(w, p.level, cat) for it in st.items]
        plans.append((p, [(fw, item, rng.choice([1, 2, 3, 4, 5, None])) for fw, item in items]))
    barrier = threading.Barrier(participants)
    latencies: list[float] = []
    errors: list[str] = []
    retries = [0]
    lock = threading.Lock()

    def count_retry(_exc: Exception) -> None:
        with lock:
            retries[0] += 1

    def participant(p, answers) -> None:
        mine = []
        pause = random.Random(p.pseudonym)
        barrier.wait()
        for fw, item, score in answers:
            if think:  # a person reads the next statement before tapping
                time.sleep(think * (0.5 + pause.random()))
            t0 = time.perf_counter()
            try:
                answer(w.code, p.pseudonym, fw, item, score, engine=engine, cat=cat, retry=retry, on_retry=count_retry)
            except Exception as exc:
                with lock:
                    errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0]}")
                continue
            mine.append(time.perf_counter() - t0)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=participant, args=plan) for plan in plans]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    with session_scope(engine) as s:
        stored = s.scalar(select(func.count(Rating.id)).join(Respondent).where(Respondent.cycle_id == w.cycle_id))
        dupes = s.scalar(
            select(func.count()).select_from(
                select(Rating.respondent_id, Rating.framework, Rating.item)
                .group_by(Rating.respondent_id, Rating.framework, Rating.item)
                .having(func.count() > 1)
                .subquery()
            )
        )
        history = s.scalar(select(func.count(RatingHistory.id)))
    engine.dispose()
    lat = np.array(latencies) * 1000
    return {
        "submitted": sum(len(a) for _, a in plans),
        "saved_ok": len(latencies),
        "stored": int(stored or 0),
        "duplicates": int(dupes or 0),
        "history_rows": int(history or 0),
        "errors": len(errors),
        "first_errors": sorted(set(errors))[:3],
        "retries": retries[0],
        "wall_s": wall,
        "p50_ms": float(np.percentile(lat, 50)) if len(lat) else float("nan"),
        "p95_ms": float(np.percentile(lat, 95)) if len(lat) else float("nan"),
        "max_ms": float(lat.max()) if len(lat) else float("nan"),
    }


def report(name: str, r: dict, participants: int, think: float = 0.0) -> bool:
    ok = r["submitted"] == r["stored"] and r["duplicates"] == 0 and r["errors"] == 0
    pace = f"pausing about {think:g} s before each answer" if think else "answering flat out"
    print(f"== {name}: {participants} participants starting at once, {pace} ==")
    print(f"ratings submitted   {r['submitted']}")
    print(f"ratings stored      {r['stored']}  ({'equal' if r['submitted'] == r['stored'] else 'NOT EQUAL'})")
    print(f"duplicates          {r['duplicates']}   history rows {r['history_rows']}")
    print(f"errors              {r['errors']}   retries after a lock conflict {r['retries']}")
    for e in r["first_errors"]:
        print(f"  e.g. {e}")
    print(f"submit latency      p50 {r['p50_ms']:.1f} ms   p95 {r['p95_ms']:.1f} ms   max {r['max_ms']:.1f} ms")
    print(f"wall time           {r['wall_s']:.1f} s   ({r['saved_ok'] / r['wall_s']:.0f} answers/s)")
    return ok


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--participants", type=int, default=60)
    ap.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    ap.add_argument("--pg-url", default=PG_DEFAULT)
    ap.add_argument("--no-retry", action="store_true", help="submit once, without the retry on a lock conflict")
    ap.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="seconds (on average) each participant pauses before each answer; 0 = answer flat out",
    )
    args = ap.parse_args()
    ok = True
    if args.backend in ("sqlite", "both"):
        with sqlite_db() as url:
            ok &= report(
                "SQLite (WAL)",
                run(url, args.participants, not args.no_retry, think=args.think),
                args.participants,
                args.think,
            )
    if args.backend in ("postgresql", "both"):
        with postgres_db(args.pg_url) as url:
            ok &= report(
                "PostgreSQL",
                run(url, args.participants, not args.no_retry, think=args.think),
                args.participants,
                args.think,
            )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
