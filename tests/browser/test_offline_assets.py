"""In Chromium (issue 13, finding 8): every page, signed in as an administrator over the demo partnerships, makes no
request outside the app's own origin: the page icon, fonts, images and scripts are all served by the app itself, so
it works on a network without the internet (and tells no third party who is using it)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, shot, track, wait_idle
from tests.browser.ui import click
from toolkit.access.accounts import create_user
from toolkit.core.frameworks import load_catalogue
from toolkit.store.db import make_engine, session_scope
from toolkit.training.demo import load_demo

ROOT = Path(__file__).resolve().parents[2]
PW = "a long administrator password"


def _pages() -> list[str]:
    """Every page's URL path, read from app.py's navigation (a page added there is covered here)."""
    text = (ROOT / "app.py").read_text(encoding="utf-8")
    paths = []
    for call in re.findall(r"st\.Page\((.*?)\)", text, flags=re.S):
        named = re.search(r'url_path="([^"]*)"', call)
        paths.append(named.group(1) if named else Path(re.findall(r'"app_pages/(\w+)\.py"', call)[0]).stem)
    return paths


def test_no_page_requests_anything_outside_the_apps_origin(browser, app_url, fresh_db_url) -> None:
    with session_scope(make_engine(fresh_db_url)) as s:
        create_user("chair", PW, "administrator", session=s)
        load_demo(session=s, catalogue=load_catalogue())
    own = urlsplit(app_url).netloc
    outside: list[str] = []
    page = browser.new_page(viewport=DESKTOP)
    track(page)

    def watch(request) -> None:
        url = urlsplit(request.url)
        if url.scheme not in ("data", "blob") and url.netloc != own:
            outside.append(request.url)

    page.on("request", watch)
    try:
        page.goto(f"{app_url}/account")
        wait_idle(page)
        page.get_by_label("Username").fill("chair")
        page.get_by_label("Password", exact=True).fill(PW)
        click(page, "Sign in")
        expect(page.get_by_text("Signed in as")).to_be_visible()
        paths = _pages()
        assert len(paths) == 17 and "start" in paths and "workshop" in paths and "evaluation" in paths
        for path in paths:
            page.goto(f"{app_url}/{'' if path == 'start' else path}")
            wait_idle(page)
            assert page.get_by_text("Traceback").count() == 0, path
            icon = page.evaluate("document.querySelector('link[rel~=\"icon\"]')?.href || ''")
            assert urlsplit(icon).netloc == own, f"{path}: the page icon comes from {icon}"
        shot(page, "offline-assets-last-page")
    finally:
        page.close()
    assert outside == [], f"requests outside the app's origin: {sorted(set(outside))}"
