"""PostgreSQL stopped in the middle of a workshop, then started again: every page says so plainly (a message, not a
traceback), an answer given meanwhile is plainly not saved (and the radio does not pretend it was), and once the
server is back the same sessions carry on with nothing lost. The server is ALWAYS restarted (finally)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from tests.access.scan import open_as
from tests.conftest import PG_URL
from toolkit import workshops as ws
from toolkit.access.accounts import authenticate, create_user, start_session
from toolkit.store.db import session_scope
from ui.resources import UNAVAILABLE

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.db,
    pytest.mark.slow,
    pytest.mark.skipif(not PG_URL, reason="stops PostgreSQL: runs in the PostgreSQL rerun (TOOLKIT_TEST_DATABASE_URL)"),
]
PW = "a long facilitator password"


def _cluster() -> tuple[str, str]:
    """(version, name) of the local cluster that serves PG_URL's port."""
    port = str(make_url(PG_URL).port or 5432)
    for line in subprocess.run(
        ["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True
    ).stdout.splitlines():
        version, name, cport, *_ = line.split()
        if cport == port:
            return version, name
    pytest.skip(f"no local cluster on port {port} to stop and start")


def pg_ctl(action: str) -> None:
    version, name = _cluster()
    extra = ["-m", "fast"] if action == "stop" else []
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, name, action, *extra],
        check=True,
        capture_output=True,
        timeout=120,
    )


def wait_until_up(timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            psycopg.connect(PG_URL.replace("+psycopg", ""), connect_timeout=2).close()
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def errors(at) -> str:
    return "\n".join(e.value for e in at.error)


def test_the_app_says_so_plainly_while_postgresql_is_down_and_carries_on_after(db_url, engine, catalogue) -> None:
    with session_scope(engine) as s:
        create_user("facil", PW, "facilitator", session=s)
        token = start_session(authenticate("facil", PW, session=s), session=s)
        w = ws.create_workshop("Northshire", "2026", created_by="facil", session=s)
        p = ws.join(w.code, "police", "frontline", session=s)
        info = ws.find_workshop(w.code, session=s)
    items = [(st.framework, it.id) for st in ws.steps_for(info, "frontline", catalogue) for it in st.items][:3]
    phone = open_as("app_pages/join.py", query={"w": w.code, "k": p.secret})
    for fw, item in items[:2]:  # two answers before the outage, one statement per screen
        phone.radio(key=f"join_q_{fw}_{item}").set_value(4).run()
        phone.button(key="join_next").click().run()
    assert not phone.exception and len(phone.session_state["join_answers"]) == 2
    facilitator = open_as("app_pages/workshop.py", token=token)
    assert not facilitator.exception

    fw, item = items[2]
    try:
        pg_ctl("stop")
        phone.radio(key=f"join_q_{fw}_{item}").set_value(2).run()  # an answer while the server is down
        assert not phone.exception, [e.value for e in phone.exception]
        assert "not be reached" in errors(phone) or "cannot be reached" in errors(phone)
        assert (fw, item) not in phone.session_state["join_answers"]  # not counted as saved
        assert phone.session_state[f"join_q_{fw}_{item}"] is None  # and not shown as chosen
        phone.run()  # the page refreshing itself
        assert not phone.exception and UNAVAILABLE in errors(phone)
        for page in ("app_pages/workshop.py", "app_pages/results.py", "app_pages/account.py"):
            at = open_as(page, token=token, sel_area="Northshire", sel_cycle="2026")
            assert not at.exception, (page, [e.value for e in at.exception])
            assert UNAVAILABLE in errors(at), page
        env = {**os.environ, "DATABASE_URL": db_url, "PYTHONPATH": str(ROOT)}
        cli = subprocess.run(
            [sys.executable, "-m", "toolkit", "areas"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
        )
        assert cli.returncode == 1 and cli.stderr.startswith("error: cannot use the database")
        assert "Traceback" not in cli.stderr
    finally:
        pg_ctl("start")
        wait_until_up()

    phone.run()
    assert not phone.exception and UNAVAILABLE not in errors(phone)
    phone.radio(key=f"join_q_{fw}_{item}").set_value(2).run()  # given again once the server is back
    assert not phone.exception and (fw, item) in phone.session_state["join_answers"]
    facilitator.run()
    assert not facilitator.exception and UNAVAILABLE not in errors(facilitator)
    with session_scope(engine) as s:
        stored = ws.own_answers(info, p.pseudonym, session=s)
    assert {k: v[0] for k, v in stored.items()} == {items[0]: 4, items[1]: 4, items[2]: 2}  # nothing lost
