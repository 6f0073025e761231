"""The Theory of Change canvas in headless Chromium at 1400 px: readable boxes, a click opens a box's panel, a link
in the panel follows the path to the next box, and Enter on a focused box chooses it."""

from __future__ import annotations

from urllib.parse import quote

from playwright.sync_api import expect

from tests.browser.conftest import shot, wait_idle
from tests.browser.ui import go
from toolkit.core.frameworks import load_catalogue
from toolkit.store.db import make_engine, session_scope
from toolkit.training.demo import STORIES, load_demo

DUNMARSH = STORIES[3].name  # the demo story where information is not shared
WIDE = {"width": 1400, "height": 1000}


def test_click_a_box_see_its_panel_and_follow_a_path(browser, app_url, fresh_db_url) -> None:
    engine = make_engine(fresh_db_url)
    with session_scope(engine) as s:
        load_demo(areas=4, session=s, catalogue=load_catalogue())
    engine.dispose()

    page = browser.new_page(viewport=WIDE)
    go(page, app_url, f"theory_of_change?area={quote(DUNMARSH)}&cycle=2026")
    canvas = page.get_by_test_id("toc-canvas")
    expect(canvas).to_be_visible()
    box = canvas.locator('g.toc-node[data-node="int_information_sharing"]')
    expect(box).to_have_attribute("data-status", "weak")
    # Readable at 100% zoom: box text is drawn at 12 px or more, on screen (nothing scaled it down to fit).
    sizes = canvas.locator("g.toc-node text").evaluate_all("els => els.map(e => e.getBoundingClientRect().height)")
    assert sizes and min(sizes) >= 12, min(sizes)

    box.click()
    wait_idle(page)
    panel = page.locator(".st-key-toc_panel")
    expect(panel).to_contain_text("Information shared efficiently and consistently")
    expect(panel).to_contain_text("Status: Weak")
    expect(panel).to_contain_text("95% interval")
    expect(canvas.locator('g.toc-node[data-role="selected"]')).to_have_attribute("data-node", "int_information_sharing")
    expect(canvas.locator('g.toc-node[data-role="upstream"]').first).to_be_visible()
    shot(page, "toc-canvas-chosen-1400")

    # Follow the path downstream: the first box that depends on it becomes the chosen one.
    follow = panel.get_by_role("button", name="→", exact=False).first
    name = follow.inner_text().removeprefix("→ ").rsplit(" (", 1)[0]
    follow.click()
    wait_idle(page)
    expect(panel.locator("h3")).to_have_text(name)
    expect(canvas.locator('g.toc-node[data-role="selected"]')).to_contain_text(name.split()[0])

    # Keyboard: focus a box and press Enter.
    other = canvas.locator('g.toc-node[data-node="int_information_sharing"]')
    other.focus()
    other.press("Enter")
    wait_idle(page)
    expect(panel.locator("h3")).to_have_text("Information shared efficiently and consistently")
