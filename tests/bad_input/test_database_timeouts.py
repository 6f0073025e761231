"""A database that accepts connections and never answers, a statement that runs too long, a lock held too long:
each ends within the timeouts of settings (TOOLKIT_DB_CONNECT_TIMEOUT, TOOLKIT_DB_STATEMENT_TIMEOUT) with a message
that says the database is not answering, on a page and at the command line; nothing waits for ever.

The black hole is a local TCP socket of this test (the shared PostgreSQL is never stopped). A run that hung, as
before the timeouts, would trip the generous limits below (there to stop a hang, not to judge speed).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import OperationalError

from toolkit.core.settings import get_settings
from toolkit.store.db import engine_for, make_engine, not_answering

ROOT = Path(__file__).resolve().parents[2]
HANG_LIMIT = 120  # seconds: far above the 2 s connect timeout used here, far below "for ever"
PG_URL = os.environ.get("TOOLKIT_TEST_DATABASE_URL", "")


@pytest.fixture
def black_hole() -> Iterator[str]:
    """A postgresql+psycopg URL of a local socket that accepts every connection and never sends a byte."""
    server = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue
            except OSError:
                return

    t = threading.Thread(target=accept, daemon=True)
    t.start()
    yield f"postgresql+psycopg://toolkit@127.0.0.1:{server.getsockname()[1]}/toolkit"
    stop.set()
    t.join(5)
    for c in held:
        c.close()
    server.close()


@pytest.fixture
def settings_env(monkeypatch) -> Iterator[pytest.MonkeyPatch]:
    """Environment changes read afresh by get_settings and engines, and forgotten after the test."""
    get_settings.cache_clear()
    engine_for.cache_clear()
    yield monkeypatch
    monkeypatch.undo()
    get_settings.cache_clear()
    engine_for.cache_clear()


def test_the_command_line_says_a_black_holed_database_is_not_answering(black_hole: str) -> None:
    env = os.environ | {"DATABASE_URL": black_hole, "TOOLKIT_DB_CONNECT_TIMEOUT": "2"}
    env.pop("TOOLKIT_DEBUG", None)
    done = subprocess.run(
        [sys.executable, "-m", "toolkit", "areas"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=HANG_LIMIT,
    )
    assert done.returncode == 1, done.stderr
    assert "the database is not answering" in done.stderr and "within 2 s" in done.stderr, done.stderr
    assert "TOOLKIT_DB_CONNECT_TIMEOUT" in done.stderr
    assert "Traceback" not in done.stderr and "unexpected" not in done.stderr
    assert "toolkit@127.0.0.1" not in done.stderr  # never the URL (it may hold a password)


def test_a_page_says_a_black_holed_database_is_not_answering(black_hole: str, settings_env) -> None:
    from tests.pages import open_page
    from ui.resources import UNAVAILABLE

    settings_env.setenv("DATABASE_URL", black_hole)
    settings_env.setenv("TOOLKIT_DB_CONNECT_TIMEOUT", "2")
    get_settings.cache_clear()
    for page in ("app_pages/start.py", "app_pages/results.py"):
        at = open_page(page, timeout=HANG_LIMIT)
        assert not at.exception, [e.value for e in at.exception]
        errors = "\n".join(e.value for e in at.error)
        assert UNAVAILABLE in errors and "not answering" in errors, errors


def test_connect_and_statement_timeouts_come_from_settings(settings_env) -> None:
    assert get_settings().db_connect_timeout == 5 and get_settings().db_statement_timeout == 30  # the defaults
    settings_env.setenv("TOOLKIT_DB_CONNECT_TIMEOUT", "3")
    settings_env.setenv("TOOLKIT_DB_STATEMENT_TIMEOUT", "7")
    get_settings.cache_clear()
    pg = make_engine("postgresql+psycopg://u@127.0.0.1:1/x?options=-c%20lock_timeout%3D1000")
    cparams = {}  # what psycopg would be given

    @event.listens_for(pg, "do_connect")
    def _capture(_dialect, _rec, _cargs, kwargs):
        cparams.update(kwargs)
        raise OperationalError("captured", {}, Exception("captured"))

    with pytest.raises(OperationalError):
        pg.connect()
    assert cparams["connect_timeout"] == 3
    assert cparams["options"] == "-c statement_timeout=7000 -c lock_timeout=1000"  # the URL's own options kept
    with pytest.raises(ValueError):
        settings_env.setenv("TOOLKIT_DB_CONNECT_TIMEOUT", "0")
        get_settings.cache_clear()
        get_settings()


def test_sqlite_waits_on_a_lock_only_for_the_statement_timeout(tmp_path: Path, settings_env) -> None:
    settings_env.setenv("TOOLKIT_DB_STATEMENT_TIMEOUT", "1")
    get_settings.cache_clear()
    eng = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with eng.begin() as c:
        c.execute(text("CREATE TABLE t (x INTEGER)"))
        assert c.execute(text("PRAGMA busy_timeout")).scalar() == 1000
    holder = eng.connect()
    holder.execute(text("BEGIN IMMEDIATE"))  # another writer holds the lock, and keeps it
    try:
        with pytest.raises(OperationalError) as caught, eng.begin() as c:
            c.execute(text("INSERT INTO t VALUES (1)"))
        message = not_answering(caught.value)
        assert message.startswith("the database is busy") and "TOOLKIT_DB_STATEMENT_TIMEOUT" in message
    finally:
        holder.rollback()
        holder.close()
        eng.dispose()


@pytest.mark.db
@pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL: runs in the PostgreSQL rerun (TOOLKIT_TEST_DATABASE_URL)")
def test_postgresql_stops_a_statement_past_the_statement_timeout(settings_env) -> None:
    settings_env.setenv("TOOLKIT_DB_STATEMENT_TIMEOUT", "1")
    get_settings.cache_clear()
    eng = make_engine(PG_URL)
    try:
        with eng.connect() as c:
            assert c.execute(text("SHOW statement_timeout")).scalar() == "1s"
            with pytest.raises(OperationalError) as caught:
                c.execute(text("SELECT pg_sleep(60)"))  # stopped by the server after 1 s, never 60
        message = not_answering(caught.value)
        assert "took longer than 1 s" in message and "TOOLKIT_DB_STATEMENT_TIMEOUT" in message, message
    finally:
        eng.dispose()
