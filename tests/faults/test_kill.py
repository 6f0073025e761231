"""kill -9 in the middle of a large import or a workshop submission: the database is as before or fully written,
never in between (SQLite here, PostgreSQL in the db rerun). The process is killed both at a chosen point inside the
open transaction (rows written, not committed) and at random moments."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.bad_input.helpers import db_state, opm_items, row, tcs_items, to_csv
from toolkit import workshops as ws
from toolkit.store.areas import get_or_create_area
from toolkit.store.db import session_scope

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.db, pytest.mark.slow]
AREA = "Killshire"


def start(mode: str, url: str, workdir: Path, hook: bool = False) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    args = [sys.executable, "-m", "tests.faults.kill_driver", mode, url, str(workdir), *(["hook"] if hook else [])]
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def tail(proc: subprocess.Popen) -> str:
    """The end of the driver's error output, for an assertion message."""
    return proc.stderr.read().decode()[-2000:] if proc.stderr else ""


def kill(proc: subprocess.Popen) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def wait_for(path: Path, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert proc.poll() is None, tail(proc)
        assert time.monotonic() < deadline, f"{path.name} never appeared"
        time.sleep(0.05)


def wait_for_text(path: Path, proc: subprocess.Popen, timeout: float = 120) -> None:
    """Wait until the file has content (the driver has acknowledged its first answer)."""
    deadline = time.monotonic() + timeout
    while not path.read_text():
        assert proc.poll() is None, tail(proc)
        assert time.monotonic() < deadline, f"{path.name} stayed empty"
        time.sleep(0.05)


def healthy(engine) -> None:
    """After a kill: SQLite's file is sound; either way no lock is left behind (a new write goes through)."""
    with engine.connect() as c:
        if engine.dialect.name == "sqlite":
            assert c.scalar(text("PRAGMA integrity_check")) == "ok"
    with session_scope(engine) as s:
        get_or_create_area("Written after the kill", session=s)
        s.flush()
        s.rollback()


@pytest.fixture
def big_file(tmp_path: Path, catalogue) -> int:
    """A national-size file: 400 respondents answering every statement (about 40,000 rows)."""
    items = [("opm", i) for i in opm_items(catalogue)] + [("twelve_cs", i) for i in tcs_items(catalogue)]
    rows = [
        row(
            i,
            str(1 + (p + k) % 5),
            area=AREA,
            respondent=f"p{p:04d}",
            framework=fw,
            agency=("police", "health", "education")[p % 3],
            comment="evidence" if k % 7 == 0 else "",
        )
        for p in range(400)
        for k, (fw, i) in enumerate(items)
    ]
    (tmp_path / "big.csv").write_bytes(to_csv(rows))
    return len(rows)


def area_ratings(engine, area: str = AREA) -> int:
    with engine.connect() as c:
        return c.scalar(
            text(
                "SELECT count(*) FROM ratings r JOIN respondents p ON p.id = r.respondent_id JOIN cycles c ON c.id = "
                "p.cycle_id JOIN areas a ON a.id = c.area_id WHERE a.name = :a"
            ),
            {"a": area},
        )


def test_kill_inside_the_import_transaction_leaves_the_database_as_before(big_file, engine, db_url, tmp_path) -> None:
    before = db_state(engine)
    proc = start("import", db_url, tmp_path, hook=True)
    try:
        wait_for(tmp_path / "ready", proc)  # every rating row is written, the commit has not happened
    finally:
        kill(proc)
    assert db_state(engine) == before
    healthy(engine)


def test_kill_at_random_moments_of_an_import_leaves_none_or_all(big_file, engine, db_url, tmp_path) -> None:
    """Timed once to the end, then killed at moments spread over that time, each time a file for a new area."""
    # Times run from the driver's "started" mark (the import's own work, not the interpreter's start-up). Should the
    # machine have sped up since the timing run, so that every kill came after the commit, the kills move earlier
    # (half the time each try) until one lands before it: the verdict does not depend on the machine's speed.
    data = (tmp_path / "big.csv").read_bytes()
    proc = start("import", db_url, tmp_path)
    wait_for(tmp_path / "started", proc)
    started = time.monotonic()
    assert proc.wait(timeout=300) == 0, tail(proc)
    whole = time.monotonic() - started
    assert area_ratings(engine) == big_file
    shares = [0.35, 0.5, 0.6, 0.7, 0.8, 0.9, 0.97]
    earlier = [0.35 / 2**k for k in range(1, 9)]  # only used while no kill has landed before the commit
    outcomes = []
    for k, share in enumerate(shares + earlier):
        if k >= len(shares) and 0 in outcomes:
            break
        area = f"{AREA} {k}"
        (tmp_path / "big.csv").write_bytes(data.replace(f"{AREA},".encode(), f"{area},".encode()))
        (tmp_path / "started").unlink(missing_ok=True)
        before = db_state(engine)
        proc = start("import", db_url, tmp_path)
        wait_for(tmp_path / "started", proc)
        time.sleep(whole * share * random.Random(k).uniform(0.9, 1.1))
        if proc.poll() is None:
            kill(proc)
        else:
            proc.wait()
        n = area_ratings(engine, area)
        assert n in (0, big_file), f"killed at {share:.0%}: {n} of {big_file} ratings written"
        if n == 0:
            assert db_state(engine) == before
        outcomes.append(n)
    assert 0 in outcomes, f"every kill came after the commit ({outcomes})"
    healthy(engine)


@pytest.fixture
def participant(engine, tmp_path: Path):
    with session_scope(engine) as s:
        w = ws.create_workshop(AREA, "2026", created_by="facil", session=s)
        p = ws.join(w.code, "police", "frontline", session=s)
    (tmp_path / "who").write_text(f"{w.code} {p.pseudonym}")
    return w.code, p.pseudonym


def test_kill_inside_a_bulk_workshop_submission_writes_none_of_it(participant, engine, db_url, tmp_path) -> None:
    before = db_state(engine)
    proc = start("workshop-bulk", db_url, tmp_path, hook=True)
    try:
        wait_for(tmp_path / "ready", proc)  # half the answers written in the open transaction
    finally:
        kill(proc)
    assert db_state(engine) == before
    proc = start("workshop-bulk", db_url, tmp_path)  # the same submission, not killed, writes all of it
    assert proc.wait(timeout=120) == 0, tail(proc)
    assert area_ratings(engine) > 20
    healthy(engine)


def test_kill_between_the_respondent_and_the_rating_writes_neither(participant, engine, db_url, tmp_path) -> None:
    before = db_state(engine)
    proc = start("workshop-stream", db_url, tmp_path, hook=True)
    try:
        wait_for(tmp_path / "ready", proc)
    finally:
        kill(proc)
    after = db_state(engine)
    assert after["respondents"] == before["respondents"] and after["ratings"] == before["ratings"]
    healthy(engine)


def test_kill_during_a_stream_of_answers_keeps_every_acknowledged_one(participant, engine, db_url, tmp_path) -> None:
    """Answers (and changed answers) one by one, killed at random: every answer acknowledged is stored as given,
    at most the one in flight more, each rating once, and each change kept in the history."""
    # Each attempt is judged against what was stored before it began plus what it acknowledged itself: an earlier,
    # faster attempt may have reached statements that this one never got to, and those are not "in flight".
    code, pseudonym = participant
    rng = random.Random(4)
    for attempt in range(3):
        with session_scope(engine) as s:
            w = ws.find_workshop(code, session=s)
            before = {k: score for k, (score, _c) in ws.own_answers(w, pseudonym, session=s).items()}
        acks = tmp_path / "acks"
        acks.unlink(missing_ok=True)
        proc = start("workshop-stream", db_url, tmp_path)
        wait_for(acks, proc)
        wait_for_text(acks, proc)  # the first answer is in
        time.sleep(rng.uniform(0.5, 3.0))
        kill(proc)
        acked = [line.split() for line in acks.read_text().splitlines()]
        assert acked, "nothing was answered before the kill"
        latest = {(fw, item): int(score) for fw, item, score in acked}
        with session_scope(engine) as s:
            w = ws.find_workshop(code, session=s)
            stored = ws.own_answers(w, pseudonym, session=s)
        assert set(latest) <= set(stored)
        expected = {**before, **latest}
        in_flight = [k for k, (score, _c) in stored.items() if expected.get(k, "absent") != score]
        assert len(in_flight) <= 1, f"attempt {attempt}: {in_flight}"  # the answer being saved when killed
        with engine.connect() as c:
            dupes = c.scalar(
                text(
                    "SELECT count(*) FROM (SELECT respondent_id, framework, item FROM ratings "
                    "GROUP BY respondent_id, framework, item HAVING count(*) > 1) d"
                )
            )
        assert dupes == 0
    healthy(engine)
