"""A trainer in headless Chromium: open Trainer mode, pick a story, answer an exercise, see the toolkit's answer."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, shot, wait_idle
from tests.browser.ui import choose, click, go, pick
from toolkit.store.areas import list_areas
from toolkit.store.db import make_engine, session_scope
from toolkit.training.demo import STORIES

DUNMARSH = STORIES[3]


def test_trainer_journey(browser, app_url) -> None:
    page = browser.new_page(viewport=DESKTOP)
    go(page, app_url, "trainer")  # the first demo partnership is loaded on arrival
    expect(page.get_by_role("heading", name="Trainer mode")).to_be_visible(timeout=60_000)
    expect(page.get_by_text(STORIES[0].summary)).to_be_visible()
    expect(page.get_by_text("synthetic and fictional").first).to_be_visible()

    choose(page, "Demo partnership", DUNMARSH.name)
    expect(page.get_by_text(DUNMARSH.summary)).to_be_visible(timeout=60_000)

    stages = page.get_by_role("radiogroup").first
    pick(page, stages.get_by_role("radio").nth(3))  # Commit
    wait_idle(page)
    page.get_by_role("textbox", name="Why? (for your own notes; not saved)").first.fill("It is the last step.")
    click(page, "Show the toolkit's answer")
    feedback = page.locator("[class*='st-key-trainer_fb_']").first
    expect(feedback).to_contain_text("The toolkit's answer:")
    expect(feedback).to_contain_text("The toolkit's reasoning")
    expect(feedback).to_contain_text("About your choice: Commit scores")
    shot(page, "trainer_desktop")

    page.get_by_role("tab", name="Explain").click()
    wait_idle(page)
    page.get_by_role("radio", name="The 12 C's").or_(page.get_by_role("button", name="The 12 C's")).first.click()
    wait_idle(page)
    expect(page.locator(".st-key-trainer_explain_panel")).to_contain_text("Source: McManus (2022)")

    page.get_by_text("Presentation view (large text, one thing per screen)").click()
    wait_idle(page)
    expect(page.locator(".st-key-trainer_slide_box h1")).to_have_text(DUNMARSH.name)
    expect(page.get_by_role("heading", name="Trainer mode")).to_have_count(0)  # one thing per screen
    click(page, "Next")
    expect(page.locator(".st-key-trainer_slide_box h1")).to_have_text("Who answered")
    shot(page, "trainer_presentation_desktop")

    phone = browser.new_page(viewport=PHONE)
    go(phone, app_url, "trainer")
    expect(phone.get_by_role("heading", name="Trainer mode")).to_be_visible(timeout=60_000)
    pick(phone, phone.get_by_role("radiogroup").first.get_by_role("radio").nth(2))
    wait_idle(phone)
    click(phone, "Show the toolkit's answer")
    expect(phone.locator("[class*='st-key-trainer_fb_']").first).to_contain_text("The toolkit's answer:")
    shot(phone, "trainer_phone")


def test_trainer_reset_asks_first_and_touches_only_the_sandbox(browser, app_url, fresh_db_url) -> None:
    """Finding 3: the reset says exactly what goes, in the sandbox only; the live database stays empty."""
    page = browser.new_page(viewport=DESKTOP)
    go(page, app_url, "trainer")
    expect(page.get_by_text("nothing done here touches the live record")).to_be_visible()
    page.get_by_role("tab", name="Reset").click()
    wait_idle(page)
    click(page, f"Reset {STORIES[0].name}")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("In the sandbox only, this deletes everything stored under")
    expect(dialog).to_contain_text("Nothing in the live record is touched.")
    shot(page, "trainer_reset_dialog_desktop")
    dialog.get_by_role("button", name=f"Reset {STORIES[0].name}").click()
    wait_idle(page)
    expect(page.get_by_text("is back to its demo data")).to_be_visible()
    expect(page.get_by_role("dialog")).to_have_count(0)
    engine = make_engine(fresh_db_url)
    with session_scope(engine) as s:
        assert list_areas(session=s) == []
    engine.dispose()
