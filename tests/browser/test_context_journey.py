"""Finding 5 in headless Chromium: choose an area and cycle on Start, visit every page through the navigation, and
each shows the same area and cycle (sidebar and URL); a bookmarked link opens the same view, on a phone too."""

from __future__ import annotations

import re
from urllib.parse import quote

from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, shot, track, wait_idle
from tests.browser.ui import choose, go
from toolkit.core.frameworks import load_catalogue
from toolkit.store.db import make_engine, session_scope
from toolkit.training.demo import STORIES, load_demo

DUNMARSH = STORIES[3].name
CONTEXT = f"{DUNMARSH}, cycle 2025"
# Every page of the navigation but Join (a participant's phone has no partnership context to keep).
PAGES = [
    "Start",
    "Context",
    "Self-assessment",
    "Results",
    "Theory of Change",
    "Interventions",
    "Action plan",
    "Import and export",
    "Frameworks",
    "Run a workshop",
    "Trainer mode",
    "Benchmark",
    "Scrutiny",
    "Account",
    "Audit log",
]


def nav(page, title: str) -> None:
    """Go to a page through the sidebar's navigation (opening its "View more" when the link is folded away)."""
    links = page.locator("[data-testid='stSidebarNav']")
    more = links.get_by_text(re.compile(r"^View \d+ more$"))
    if more.count():
        more.click()
    links.get_by_role("link", name=title, exact=True).click()
    wait_idle(page)


def test_the_working_context_holds_across_every_page_and_a_bookmark(browser, app_url, fresh_db_url) -> None:
    engine = make_engine(fresh_db_url)
    with session_scope(engine) as s:
        load_demo(areas=4, session=s, catalogue=load_catalogue())
    engine.dispose()

    page = browser.new_page(viewport=DESKTOP)
    go(page, app_url, "")
    choose(page, "Partnership (area)", DUNMARSH)
    choose(page, "Assessment cycle", "2025")
    sidebar = page.locator(".st-key-ctx_box")
    expect(sidebar).to_contain_text(CONTEXT)
    shot(page, "context-start-desktop")
    for _ in range(2):  # round the whole app twice: nothing drifts
        for title in PAGES:
            nav(page, title)
            expect(sidebar, title).to_contain_text(CONTEXT)
            if title != "Self-assessment":  # its links are a respondent's own: the context never rewrites them
                expect(page).to_have_url(re.compile(r"area=Dunmarsh.*cycle=2025"))
    nav(page, "Results")
    expect(page.get_by_text(f"Working on {DUNMARSH}, cycle 2025")).to_be_visible()
    shot(page, "context-results-desktop")
    bookmark = page.url

    # A bookmarked link, in a new browser session: the same view.
    other = browser.new_context(viewport=DESKTOP).new_page()
    track(other)
    other.goto(bookmark)
    wait_idle(other)
    expect(other.locator(".st-key-ctx_box")).to_contain_text(CONTEXT)
    expect(other.get_by_text(f"Working on {DUNMARSH}, cycle 2025")).to_be_visible()

    phone = browser.new_context(viewport=PHONE).new_page()
    go(phone, app_url, f"results?area={quote(DUNMARSH)}&cycle=2025")
    expect(phone.get_by_text(f"Working on {DUNMARSH}, cycle 2025")).to_be_visible()
    shot(phone, "context-results-phone")
    phone.get_by_test_id("stExpandSidebarButton").or_(phone.get_by_test_id("stSidebarCollapsedControl")).first.click()
    expect(phone.locator(".st-key-ctx_box")).to_contain_text(CONTEXT)
    shot(phone, "context-sidebar-phone")

    # A link naming a partnership that does not exist opens nothing and creates nothing.
    go(phone, app_url, "results?area=Rogue&cycle=1999")
    expect(phone.get_by_text("not in this toolkit, so it was not opened").first).to_be_attached()
