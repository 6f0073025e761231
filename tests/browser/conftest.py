"""Browser tests: Debian's Chromium driven by Playwright against `streamlit run` on a fresh database."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.server import CHROMIUM, CHROMIUM_ARGS, ROOT, streamlit_server
from toolkit.store.db import make_engine, upgrade

ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


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
    from playwright.sync_api import sync_playwright

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


IDLE_JS = """() => !document.querySelector('[data-testid="stStatusWidget"]')
    && !document.querySelector('[data-stale="true"]') && !document.querySelector('[data-testid="stSpinner"]')
    && !!document.querySelector('[data-testid="stMain"] h1')"""


def wait_idle(page, timeout: float = 30_000) -> None:
    """Wait until Streamlit has rendered the page's title and finished rerunning (no running or stale elements)."""
    page.wait_for_timeout(250)  # let a rerun triggered by the last action begin
    page.wait_for_function(IDLE_JS, timeout=timeout)
    page.wait_for_timeout(250)
    page.wait_for_function(IDLE_JS, timeout=timeout)
