"""A trainer in headless Chromium: open Trainer mode, pick a story, answer an exercise, see the toolkit's answer."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, shot, wait_idle
from tests.browser.ui import choose, click, go, pick
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
