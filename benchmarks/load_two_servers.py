"""100 participants answering without pause for ten minutes, across two servers on one PostgreSQL database.

    .venv/bin/python benchmarks/load_two_servers.py [--participants 100] [--seconds 600] [--servers 2]
        [--think 0] [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/test] [--no-streamlit] [--json]

Everything stays on this machine (loopback) and is bounded: a uniquely named PostgreSQL database made for the run
and dropped after it; one worker process per server, each with the app's own engine and connection pool (at most
30 connections each); the participants as threads split evenly across those processes. Each participant joins the
workshop, then answers its statements through the join page's submit path (`toolkit.workshop.answer`, which calls
`submit_answer`), over and over, changing each answer every pass, until the time is up. Two real `streamlit run`
servers are started on the same database (unless --no-streamlit) and their health is polled throughout, so the
figures are those of a machine serving the app while the database takes the load.

At the end every participant's stored answers are checked against what it was told was saved: every acknowledged
rating is stored exactly once, with the latest score, and every change left exactly one history row. Prints
submitted vs stored, throughput and p50/p95 latency; exits non-zero if anything is lost or doubled.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from array import array
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG_DEFAULT = os.environ.get("TOOLKIT_TEST_DATABASE_URL") or "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SCORES = (1, 2, 3, 4, 5, None)  # None is don't know


@contextmanager
def scratch_database(admin_url: str):
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"toolkit_load2_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def streamlit_server(url: str, log: Path):
    """A real app server on a free loopback port, on the same database."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(ROOT / "app.py"),
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
                "--server.fileWatcherType",
                "none",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 90
            while not _healthy(base):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"streamlit did not start; see {log}")
                time.sleep(0.3)
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


def _healthy(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/_stcore/health", timeout=5) as r:
            return r.status == 200
    except OSError:
        return False


def worker(server: int, url: str, code: str, people: list[tuple[str, str]], seconds: float, think: float, out) -> None:
    """One server's process: its participants as threads, each answering flat out (or with a pause) until time is up.

    An answer that fails (the page would show the participant a message) is counted as an error, never as saved.
    """
    os.environ["DATABASE_URL"] = url
    from toolkit.core.catalogue import catalogue
    from toolkit.store.db import engine_for, session_scope
    from toolkit.workshops import answer, find_workshop, steps_for

    cat = catalogue()
    engine = engine_for(url)  # the app's engine: pool_size 10, max_overflow 20
    with session_scope(engine) as s:
        w = find_workshop(code, session=s)
    lock = threading.Lock()
    lat = array("d")
    acked: dict[str, dict] = {}
    errors: list[str] = []
    retries = [0]
    start = threading.Barrier(len(people))
    deadline = [0.0]

    def on_retry(_exc) -> None:
        with lock:
            retries[0] += 1

    def participant(k: int, pseudonym: str, level: str) -> None:
        items = [(st.framework, it.id) for st in steps_for(w, level, cat) for it in st.items]
        last: dict[str, object] = {}
        mine = array("d")
        n = changes = 0
        if start.wait() == 0:
            deadline[0] = time.monotonic() + seconds
        while not deadline[0]:
            time.sleep(0.001)
        while time.monotonic() < deadline[0]:
            fw, item = items[n % len(items)]
            score = SCORES[(n // len(items) + k + n) % len(SCORES)]  # a different answer on every pass
            t0 = time.perf_counter()
            try:
                answer(code, pseudonym, fw, item, score, engine=engine, cat=cat, on_retry=on_retry)
            except Exception as exc:  # counted and shown, never silently dropped
                with lock:
                    errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:120]}")
            else:
                mine.append(time.perf_counter() - t0)
                key = f"{fw}/{item}"
                changes += key in last and last[key] != score  # a changed answer keeps its old value in the history
                last[key] = score
            n += 1
            if think:
                time.sleep(think)
        with lock:
            lat.extend(mine)
            acked[pseudonym] = {"answers": len(mine), "latest": last, "changes": changes}

    threads = [threading.Thread(target=participant, args=(k, p, lv)) for k, (p, lv) in enumerate(people)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    engine.dispose()
    out.put({"server": server, "latencies": lat.tobytes(), "acked": acked, "errors": errors, "retries": retries[0]})


def verify(url: str, code: str, acked: dict[str, dict]) -> dict:
    """Stored vs acknowledged, per participant: the latest score of every answer, once; one history row per change."""
    from sqlalchemy import func, select

    from toolkit.store.db import engine_for, session_scope
    from toolkit.store.models import Rating, RatingHistory, Respondent
    from toolkit.workshops import find_workshop

    engine = engine_for(url)
    with session_scope(engine) as s:
        w = find_workshop(code, session=s)
        rows = s.execute(
            select(Respondent.pseudonym, Rating.framework, Rating.item, Rating.score, Rating.id)
            .join(Rating, Rating.respondent_id == Respondent.id)
            .where(Respondent.cycle_id == w.cycle_id)
        ).all()
        history = dict(s.execute(select(RatingHistory.rating_id, func.count()).group_by(RatingHistory.rating_id)).all())
    stored: dict[str, dict[str, object]] = {}
    duplicates = 0
    changes_stored = 0
    for pseudonym, fw, item, score, rid in rows:
        key = f"{fw}/{item}"
        duplicates += key in stored.setdefault(pseudonym, {})
        stored[pseudonym][key] = score
        changes_stored += history.get(rid, 0)
    wrong = [p for p, a in acked.items() if stored.get(p, {}) != a["latest"]]
    submitted = sum(a["answers"] for a in acked.values())
    distinct = sum(len(a["latest"]) for a in acked.values())
    return {
        "ratings_submitted": submitted,
        "distinct_ratings_submitted": distinct,
        "ratings_stored": len(rows),
        "changes_submitted": sum(a["changes"] for a in acked.values()),
        "history_rows_stored": changes_stored,
        "duplicates": duplicates,
        "participants_with_a_mismatch": len(wrong),
    }


def run(*, participants: int, seconds: float, servers: int, think: float, pg_url: str, streamlit: bool) -> dict:
    from toolkit.core import ids
    from toolkit.store.db import engine_for, session_scope
    from toolkit.workshops import create_workshop, join

    with scratch_database(pg_url) as url, ExitStack() as stack:
        engine = engine_for(url)  # creates and migrates the schema
        with session_scope(engine) as s:
            w = create_workshop("Loadshire (fictional)", "2026", created_by="bench", session=s, title="Load test")
            people = [join(w.code, ids.AGENCIES[k % 6], ids.LEVELS[k % 3], session=s) for k in range(participants)]
        engine.dispose()
        bases = []
        if streamlit:
            logs = Path(stack.enter_context(__import__("tempfile").TemporaryDirectory()))
            bases = [stack.enter_context(streamlit_server(url, logs / f"server{k}.log")) for k in range(servers)]
        health = {"ok": 0, "failed": 0}
        stop = threading.Event()

        def poll() -> None:
            while not stop.wait(2.0):
                for b in bases:
                    health["ok" if _healthy(b) else "failed"] += 1

        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
        ctx = mp.get_context("spawn")
        out = ctx.Queue()
        split = [[(p.pseudonym, p.level) for p in people[k::servers]] for k in range(servers)]
        procs = [
            ctx.Process(target=worker, args=(k, url, w.code, split[k], seconds, think, out)) for k in range(servers)
        ]
        t0 = time.perf_counter()
        for p in procs:
            p.start()
        results = [out.get(timeout=seconds + 600) for _ in procs]
        for p in procs:
            p.join(timeout=60)
        wall = time.perf_counter() - t0
        stop.set()
        poller.join(timeout=10)
        acked = {k: v for r in results for k, v in r["acked"].items()}
        check = verify(url, w.code, acked)
        engine_for(url).dispose()
    import numpy as np

    lat = np.concatenate([np.frombuffer(r["latencies"], dtype="d") for r in results]) * 1000
    per_server = {
        r["server"]: {
            "answers": len(r["latencies"]) // 8,
            "p50_ms": round(float(np.percentile(np.frombuffer(r["latencies"], "d") * 1000, 50)), 1),
        }
        for r in results
    }
    errors = [e for r in results for e in r["errors"]]
    return {
        "participants": participants,
        "servers": servers,
        "seconds": seconds,
        "think_s": think,
        "streamlit_servers_polled": len(bases),
        "server_health_checks": health,
        **check,
        "errors": len(errors),
        "first_errors": sorted(set(errors))[:5],
        "retries": sum(r["retries"] for r in results),
        "wall_s": round(wall, 1),
        "answers_per_s": round(check["ratings_submitted"] / seconds, 1),
        "p50_ms": round(float(np.percentile(lat, 50)), 1),
        "p95_ms": round(float(np.percentile(lat, 95)), 1),
        "p99_ms": round(float(np.percentile(lat, 99)), 1),
        "max_ms": round(float(lat.max()), 1),
        "per_server": per_server,
        "answers_per_participant": {
            "min": min(a["answers"] for a in acked.values()),
            "max": max(a["answers"] for a in acked.values()),
        },
    }


def correct(r: dict) -> bool:
    """Nothing lost, nothing doubled: every acknowledged answer stored once, latest score, one history row per change."""
    return (
        r["ratings_stored"] == r["distinct_ratings_submitted"]
        and r["history_rows_stored"] == r["changes_submitted"]
        and r["duplicates"] == 0
        and r["participants_with_a_mismatch"] == 0
        and r["server_health_checks"]["failed"] == 0
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--participants", type=int, default=100)
    ap.add_argument("--seconds", type=float, default=600, help="how long the participants keep answering (default 600)")
    ap.add_argument("--servers", type=int, default=2, help="server processes the participants are split across")
    ap.add_argument("--think", type=float, default=0.0, help="seconds each participant pauses between answers")
    ap.add_argument("--pg-url", default=PG_DEFAULT, help="a PostgreSQL server on loopback (a database is made on it)")
    ap.add_argument("--no-streamlit", action="store_true", help="do not start the real app servers alongside")
    ap.add_argument(
        "--max-refused-share",
        type=float,
        default=0.0,
        help="answers that may be refused with a message (e.g. the pool busy past its timeout), as a share "
        "of all answers given; default 0: every answer must be saved",
    )
    ap.add_argument("--json", action="store_true", help="print one JSON document")
    a = ap.parse_args(argv)
    r = run(
        participants=a.participants,
        seconds=a.seconds,
        servers=a.servers,
        think=a.think,
        pg_url=a.pg_url,
        streamlit=not a.no_streamlit,
    )
    r["refused_share"] = round(r["errors"] / max(1, r["errors"] + r["ratings_submitted"]), 5)
    r["correct"] = correct(r)
    r["ok"] = r["correct"] and r["refused_share"] <= a.max_refused_share
    if a.json:
        print(json.dumps(r))
        return 0 if r["ok"] else 1
    pace = f"pausing {a.think:g} s between answers" if a.think else "answering without pause"
    print(
        f"== {a.participants} participants across {a.servers} server processes on PostgreSQL, {pace}, {a.seconds:g} s =="
    )
    print(
        f"ratings submitted (acknowledged)  {r['ratings_submitted']}  ({r['distinct_ratings_submitted']} distinct, "
        f"{r['changes_submitted']} changed answers)"
    )
    print(
        f"ratings stored                    {r['ratings_stored']}  (one per distinct answer: "
        f"{'yes' if r['ratings_stored'] == r['distinct_ratings_submitted'] else 'NO'}; latest score everywhere: "
        f"{'yes' if not r['participants_with_a_mismatch'] else 'NO'})"
    )
    print(f"history rows (one per change)     {r['history_rows_stored']}   duplicates {r['duplicates']}")
    print(
        f"refused with a message            {r['errors']} (not acknowledged, so not counted as submitted)   "
        f"retries after a lock conflict {r['retries']}"
    )
    for e in r["first_errors"]:
        print(f"  e.g. {e}")
    print(f"throughput                        {r['answers_per_s']} answers/s")
    print(
        f"submit latency                    p50 {r['p50_ms']} ms   p95 {r['p95_ms']} ms   p99 {r['p99_ms']} ms   "
        f"max {r['max_ms']} ms"
    )
    print(f"per server                        {r['per_server']}")
    print(f"answers per participant           {r['answers_per_participant']}")
    print(f"app servers' health checks        {r['server_health_checks']}")
    print(f"nothing lost or doubled            {'yes' if r['correct'] else 'NO'}")
    print(
        f"refused                           {r['refused_share']:.3%} of answers given (allowed {a.max_refused_share:.3%})"
    )
    print("OK" if r["ok"] else "FAILED")
    return 0 if r["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
