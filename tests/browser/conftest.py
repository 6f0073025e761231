"""Browser tests: Debian's Chromium driven by Playwright against `streamlit run` on a fresh database."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TypeVar

import pytest
from google.protobuf.message import DecodeError
from playwright.sync_api import Page, WebSocket, expect, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from tests.browser.server import CHROMIUM, CHROMIUM_ARGS, ROOT, streamlit_server
from toolkit.store.db import make_engine, upgrade

ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
# Generous waits: a wait ends as soon as its condition holds, so only a failing test pays for them, and a busy
# machine (two cores shared by several test runs) must not turn a slow server into a failed verdict.
WAIT_MS = 60_000
expect.set_options(timeout=WAIT_MS)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)
    if not Path(CHROMIUM).exists() and os.environ.get("CI") != "true":
        skip = pytest.mark.skip(reason=f"{CHROMIUM} is not installed (scripts/test.sh installs it as root)")
        for item in items:
            if "tests/browser" in str(item.fspath):
                item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def fresh_db_url(tmp_path: Path) -> str:
    """A fresh, migrated SQLite database for one browser test."""
    url = f"sqlite:///{tmp_path / 'app.db'}"
    eng = make_engine(url)
    upgrade(eng)
    eng.dispose()
    return url


@pytest.fixture
def app_url(fresh_db_url: str, tmp_path: Path):
    """The app served on a free port against a fresh database (min group size 2 so a small test room shows)."""
    with streamlit_server(fresh_db_url, env={"TOOLKIT_MIN_GROUP_SIZE": "2"}, log=tmp_path / "streamlit.log") as url:
        yield url


def shot(page, name: str) -> Path:
    """Save a screenshot of the whole page as a test artefact (Streamlit scrolls inside its main block)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    size = page.viewport_size
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]')?.scrollHeight || 0")
    if size and height > size["height"]:
        page.set_viewport_size({"width": size["width"], "height": min(int(height) + 40, 8000)})
        page.wait_for_timeout(400)
    page.screenshot(path=str(path), full_page=True)
    if size:
        page.set_viewport_size(size)
    return path


M = TypeVar("M", BackMsg, ForwardMsg)


class Runs:
    """The page's script runs as its websocket tells them: asked for (BackMsg rerun_script) and finished."""

    def __init__(self) -> None:
        self.clock = 0
        self.asked = 0  # clock at the latest request for a run
        self.done = 0  # clock at the latest finish of a run (or of the connection)

    def sent(self, payload: str | bytes) -> None:
        if isinstance(payload, bytes) and _parse(BackMsg, payload, "rerun_script"):
            self.clock += 1
            self.asked = self.clock

    def received(self, payload: str | bytes) -> None:
        msg = _parse(ForwardMsg, payload, "script_finished") if isinstance(payload, bytes) else None
        if msg is not None and msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
            self.clock += 1
            self.done = self.clock

    def closed(self) -> None:
        """A lost connection answers nothing more: the reconnection asks for its own run."""
        self.clock += 1
        self.done = self.clock

    @property
    def pending(self) -> bool:
        return self.asked > self.done


def _parse(kind: type[M], payload: bytes, field: str) -> M | None:
    """The message if it is one of `field`'s kind, else None (other frames, or not a Streamlit message)."""
    try:
        msg = kind.FromString(payload)
    except DecodeError:
        return None
    return msg if msg.WhichOneof("type") == field else None


_RUNS: dict[Page, Runs] = {}


def track(page: Page) -> None:
    """Follow the page's script runs over its websocket (call before it first opens the app); idempotent."""
    if page in _RUNS:
        return
    runs = _RUNS[page] = Runs()
    page.set_default_timeout(WAIT_MS)

    def on_socket(ws: WebSocket) -> None:
        ws.on("framesent", runs.sent)
        ws.on("framereceived", runs.received)
        ws.on("close", lambda _ws: runs.closed())

    page.on("websocket", on_socket)


IDLE_JS = """() => !document.querySelector('[data-testid="stStatusWidget"]')
    && !document.querySelector('[data-stale="true"]') && !document.querySelector('[data-testid="stSpinner"]')
    && !!document.querySelector('[data-testid="stMain"] h1')"""


def wait_idle(page, timeout: float = WAIT_MS) -> None:
    """Wait until every script run the page asked for has finished and the page shows its title, nothing stale."""
    # The runs are read from the page's websocket (when `track`ed): a fixed pause guessed how long a busy server
    # takes to start a rerun, and a slow one let the next action land on the old page.
    page.wait_for_timeout(250)  # let the browser send what the last action asks for (no server in this wait)
    runs = _RUNS.get(page)
    deadline = time.monotonic() + timeout / 1000
    while runs is not None and runs.pending:
        assert time.monotonic() < deadline, "a script run the page asked for never finished"
        page.wait_for_timeout(50)  # Playwright delivers websocket events while it waits
    _wait_quiet(page, timeout)
    page.wait_for_timeout(250)
    _wait_quiet(page, timeout)


STATE_JS = """() => ({
    status: document.querySelector('[data-testid="stStatusWidget"]')?.innerText ?? null,
    stale: document.querySelectorAll('[data-stale="true"]').length,
    spinner: !!document.querySelector('[data-testid="stSpinner"]'),
    title: document.querySelector('[data-testid="stMain"] h1')?.innerText ?? null,
})"""


def _wait_quiet(page, timeout: float) -> None:
    """Wait for IDLE_JS on a timer (animation frames can be throttled in a page that is not in front)."""
    try:
        page.wait_for_function(IDLE_JS, timeout=timeout, polling=100)
    except PlaywrightTimeoutError:
        # say which part of "idle" never came, so a failure on a busy CI machine can be read from its log
        runs = _RUNS.get(page)
        state = page.evaluate(STATE_JS)
        pending = None if runs is None else (runs.asked, runs.done)
        raise AssertionError(f"the page never settled: {state}; runs asked/done {pending}; url {page.url}") from None
