"""The streamlit server dies (kill -9) in the middle of a workshop and is started again on the same address: no
submitted rating is lost, and each participant's phone, still on their link, comes back to where they were."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, shot, wait_idle
from tests.browser.server import ROOT, free_port
from tests.browser.ui import choose, click, go, pick
from toolkit import workshops as ws
from toolkit.core.frameworks import load_catalogue
from toolkit.store.db import make_engine, session_scope


def serve(db_url: str, port: int, log: Path) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": db_url, "PYTHONPATH": str(ROOT), "TOOLKIT_MIN_GROUP_SIZE": "2"}
    out = open(log, "a")  # noqa: SIM115
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
    deadline = time.monotonic() + 180  # a busy machine's start-up; a healthy one answers in seconds
    while True:
        assert proc.poll() is None, log.read_text()[-3000:]
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc
        except OSError:
            pass
        assert time.monotonic() < deadline, "streamlit did not start"
        time.sleep(0.3)


FIRST = 5  # statements each phone answers before the server dies


def answer(page, index: int, choice: int) -> None:
    pick(page, page.locator("[data-testid='stRadio']").nth(index).get_by_role("radio").nth(choice))
    wait_idle(page)


def test_a_server_killed_mid_workshop_loses_nothing_and_phones_resume(browser, fresh_db_url, tmp_path) -> None:
    engine = make_engine(fresh_db_url)
    with session_scope(engine) as s:
        w = ws.create_workshop("Northshire", "2026", created_by="facil", session=s, title="Restart test")
    port, log = free_port(), tmp_path / "streamlit.log"
    base = f"http://127.0.0.1:{port}"
    server = serve(fresh_db_url, port, log)
    phones = []
    try:
        for agency, level in (("Police", "Frontline"), ("Health", "Frontline")):
            ctx = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
            page = ctx.new_page()
            go(page, base, f"join?w={w.code}")
            expect(page.get_by_text("Workshop found")).to_be_visible(timeout=30_000)
            choose(page, "Your agency", agency)
            choose(page, "Your level", level)
            click(page, "Join")
            expect(page.get_by_text("Statement 1 of")).to_be_visible()
            phones.append(page)
        # Each phone answers its first statements, one per screen, tapping Next after each.
        first_step = {}
        for k, page in enumerate(phones):
            first_step[k] = FIRST
            for i in range(FIRST):
                expect(page.get_by_text(f"Statement {i + 1} of")).to_be_visible()
                answer(page, 0, (i + k) % 5)
                click(page, "Next")
            expect(page.get_by_text(f"Statement {FIRST + 1} of")).to_be_visible()
            expect(page.locator("[data-testid='stProgress']")).to_contain_text(f"{FIRST} of ")
        links = [page.url for page in phones]
        assert all("&k=" in link and "p=" not in link for link in links)  # the link carries their secret

        os.kill(server.pid, signal.SIGKILL)  # the server dies, as in a crash or a host restart
        server.wait(timeout=30)
        server = serve(fresh_db_url, port, log)  # back on the same address

        for k, page in enumerate(phones):  # each phone reconnects on its own and picks up where it was
            expect(page.get_by_text(f"Statement {FIRST + 1} of")).to_be_visible(timeout=60_000)  # the first gap
            expect(page.locator("[data-testid='stProgress']")).to_contain_text(f"{FIRST} of ", timeout=30_000)
            wait_idle(page)
            assert page.url == links[k]
            answer(page, 0, 4)  # and carries on
            expect(page.locator("[data-testid='stProgress']")).to_contain_text(f"{FIRST + 1} of ")
        shot(phones[0], "workshop-after-server-restart-phone")
    finally:
        for page in phones:
            page.context.close()
        server.kill()
        server.wait(timeout=30)
    with session_scope(engine) as s:
        info = ws.find_workshop(w.code, session=s)
        st = ws.status(info, session=s, cat=load_catalogue())
    assert st.joined == 2
    assert sorted(c.answered for c in st.completion) == sorted(n + 1 for n in first_step.values())
    assert st.ratings == sum(n + 1 for n in first_step.values())  # every answer stored, each once
    engine.dispose()
