"""The room on phones in headless Chromium (390 x 844): presenter-paced, a phone follows the facilitator from one
part to the next, then sends a comment that reaches the projector only once the facilitator approves it."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, shot, wait_idle
from tests.browser.server import free_port, streamlit_server
from tests.browser.test_workshop_journey import PW, join_on_phone, sign_in, tap_targets
from tests.browser.ui import click, frames, pick
from toolkit import workshops as ws
from toolkit.access.accounts import create_user
from toolkit.core.frameworks import load_catalogue
from toolkit.store.db import make_engine, session_scope

COMMENT = "Who owns the shared data?"


def test_a_phone_follows_the_presenter_and_its_comment_is_moderated(browser, fresh_db_url, tmp_path) -> None:
    engine = make_engine(fresh_db_url)
    cat = load_catalogue()
    with session_scope(engine) as s:
        create_user("facil", PW, "facilitator", session=s)
        w = ws.create_workshop("Northshire", "2026", created_by="facil", session=s, title="Leaders' day")
        ws.set_pace(w.code, "presenter", session=s, cat=cat)
    env = {"TOOLKIT_MIN_GROUP_SIZE": "2"}
    with streamlit_server(fresh_db_url, port=free_port(), env=env, log=tmp_path / "streamlit.log") as base:
        fac = browser.new_context(viewport=DESKTOP).new_page()
        sign_in(fac, base)
        expect(fac.get_by_role("button", name="Next part", exact=True)).to_be_visible()
        phones = [join_on_phone(browser, base, w.code, "Police", "Strategic")]
        phones.append(join_on_phone(browser, base, w.code, "Health", "Frontline"))
        _ctx, phone = phones[0]
        expect(phone.get_by_text("(part 1 of 6)")).to_be_visible()
        assert all(b["height"] >= 44 and b["width"] >= 44 for b in tap_targets(phone))
        pick(phone, phone.locator("[data-testid='stRadio']").get_by_role("radio").nth(3))
        expect(phone.locator("[data-testid='stProgress']")).to_contain_text("1 of ")
        shot(phone, "room_phone_part_1")

        click(fac, "Next part")  # the facilitator moves the room: every phone follows on its own
        expect(fac.get_by_text("Part 2 of 6")).to_be_visible()
        for _c, p in phones:
            expect(p.get_by_text("(part 2 of 6)")).to_be_visible()
            expect(p.get_by_text("Statement 1 of")).to_be_visible()
        shot(phone, "room_phone_part_2")

        phone.get_by_text("Comment", exact=True).click()  # the view picker (a segmented control)
        wait_idle(phone)
        box = phone.get_by_role("textbox", name="Your comment or question (up to 280 characters)")
        box.fill(COMMENT)
        box.press("Control+Enter")  # a text area sends its value on Ctrl+Enter or blur
        wait_idle(phone)
        click(phone, "Send to the facilitator")
        expect(phone.get_by_text("waiting for the facilitator")).to_be_visible()
        shot(phone, "room_phone_comment")

        fac.reload()
        wait_idle(fac)
        expect(fac.get_by_text("Room comments waiting: 1")).to_be_visible()
        click(fac, "Show on the screen")
        expect(fac.get_by_text("Room comments waiting: 0")).to_be_visible()
        fac.get_by_text("Presentation view (large, for the room's screen; hides names)").first.click()
        wait_idle(fac)
        fac.get_by_text("Comments", exact=True).click()
        wait_idle(fac)
        frames(fac)
        expect(fac.get_by_text(COMMENT)).to_be_visible()
        expect(
            phone.get_by_text("on the room's screen", exact=True)
        ).to_be_visible()  # the phone's own list follows too
