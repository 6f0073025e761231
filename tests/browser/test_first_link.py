"""A bookmarked page opened first on a freshly started server runs through app.py: navigation (hidden on the join
page), page setup, state."""

from __future__ import annotations

import pytest

from tests.browser.conftest import DESKTOP, PHONE, shot, track, wait_idle


@pytest.mark.parametrize(("path", "title"), [("benchmark", "Benchmark"), ("join", "Join a workshop")])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_bookmark_opened_first_shows_the_whole_app(browser, app_url, path, title, viewport) -> None:
    page = browser.new_page(viewport=viewport)
    track(page)  # wait_idle then waits for the script runs the page asks for, not a guessed pause
    try:
        page.goto(f"{app_url}/{path}")
        wait_idle(page, timeout=90_000)
        assert page.locator('[data-testid="stMain"] h1').first.inner_text() == title
        # app.py ran: its page title and the navigation over every page are there, not the page alone
        assert page.title() == "Safeguarding Partnership Toolkit"  # set_page_config in app.py
        nav = page.locator('[data-testid="stSidebarNav"]')
        if path == "join":  # a participant's phone sees no app navigation at all (ui.navigation hides it there)
            assert nav.count() == 0
        elif viewport is DESKTOP:
            nav.wait_for(timeout=30_000)
            for label in ("Start", "Results", "Benchmark", "Account"):
                assert nav.get_by_role("link", name=label, exact=True).count() == 1, label
        assert page.get_by_text("Traceback").count() == 0
        shot(page, f"first-link-{path}-{viewport['width']}")
    finally:
        page.close()
