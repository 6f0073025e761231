"""The Theory of Change canvas in headless Chromium at 1400 px: readable boxes, a click opens a box's panel, a link
in the panel follows the path to the next box, and Enter on a focused box chooses it."""

from __future__ import annotations

from urllib.parse import quote

from playwright.sync_api import expect

from tests.browser.conftest import shot, wait_idle
from tests.browser.ui import choose, click, go
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


def _scroll(canvas) -> tuple[float, float]:
    return tuple(canvas.evaluate("e => [e.scrollLeft, e.scrollTop]"))


def test_drag_the_background_or_press_an_arrow_to_pan(browser, app_url, fresh_db_url) -> None:
    engine = make_engine(fresh_db_url)
    with session_scope(engine) as s:
        load_demo(areas=4, session=s, catalogue=load_catalogue())
    engine.dispose()
    page = browser.new_page(viewport={"width": 1000, "height": 700})  # smaller than the canvas: there is room to pan
    go(page, app_url, f"theory_of_change?area={quote(DUNMARSH)}&cycle=2026")
    canvas = page.get_by_test_id("toc-canvas")
    expect(canvas).to_be_visible()
    room = canvas.evaluate("e => [e.scrollWidth - e.clientWidth, e.scrollHeight - e.clientHeight]")
    assert max(room) > 100, room
    assert _scroll(canvas) == (0, 0)
    # Drag from the background of the first tier column, below its boxes' row of headings, up and to the left.
    canvas.scroll_into_view_if_needed()  # the mouse works in the window: the canvas's top must be in it
    tier = canvas.locator('g.toc-tier[data-tier="inputs"] rect').first.bounding_box()
    assert tier is not None
    x, y = tier["x"] + 4, tier["y"] + 58  # the column's own margin, beside the stage label: no box there
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - 150, y - 150, steps=6)
    page.mouse.up()
    left, top = _scroll(canvas)
    assert (left > 0) == (room[0] > 0) and (top > 0) == (room[1] > 0), (left, top, room)
    expect(page.locator(".st-key-toc_panel")).to_have_count(0)  # a drag chose no box
    # The arrow keys pan too, once the canvas has focus.
    canvas.evaluate("e => e.scrollTo(0, 0)")
    canvas.focus()
    canvas.press("ArrowDown" if room[1] > 0 else "ArrowRight")
    assert max(_scroll(canvas)) > 0
    shot(page, "toc-canvas-panned")


def test_edit_a_links_assumption_and_see_the_version_diff(browser, app_url, fresh_db_url) -> None:
    engine = make_engine(fresh_db_url)
    cat = load_catalogue()
    with session_scope(engine) as s:
        load_demo(areas=4, session=s, catalogue=cat)
    engine.dispose()
    page = browser.new_page(viewport=WIDE)
    go(page, app_url, f"theory_of_change?area={quote(DUNMARSH)}&cycle=2026")
    page.get_by_text("Edit this partnership's Theory of Change").click()
    wait_idle(page)
    page.get_by_role("tab", name="Links").click()
    first, assumption = cat.toc.edges[0], cat.toc.assumptions[0]
    label = {n.id: n.label for n in cat.toc.nodes}
    choose(page, "Link to change", f"{label[first.from_]} → {label[first.to]}")
    choose(page, "Assumptions it rests on (replaces its list)", assumption.text)
    page.keyboard.press("Escape")
    click(page, "Change the link")
    expect(page.get_by_text("Saved as version 1")).to_be_visible()
    diff = page.locator(".st-key-toc_diff")
    expect(diff).to_contain_text(f"now rests on '{assumption.text}'")
    diff.scroll_into_view_if_needed()
    shot(page, "toc-version-diff")
