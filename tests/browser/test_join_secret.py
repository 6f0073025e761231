"""Headless Chromium on a phone: a participant's own link (k=) resumes them; their pseudonym, seen by the facilitator,
opens nothing; a re-issued link retires the old one; with accounts, the self-assessment needs an invitation."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import PHONE, shot, wait_idle
from tests.browser.ui import choose, click, go, pick
from toolkit import workshops as ws
from toolkit.access.accounts import Identity, Member, create_user
from toolkit.store.db import make_engine, session_scope
from toolkit.store.models import WorkshopParticipant


def _radio(page, statement: int, choice: int):
    return page.locator("[data-testid='stRadio']").nth(statement).get_by_role("radio").nth(choice)


def _phone(browser):
    ctx = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    return ctx, ctx.new_page()


def test_a_phone_resumes_with_its_secret_link_and_a_pseudonym_opens_nothing(browser, app_url, fresh_db_url) -> None:
    engine = make_engine(fresh_db_url)
    with session_scope(engine) as s:
        create_user("facil", "a long facilitator password", "facilitator", session=s)
        w = ws.create_workshop("Northshire", "2026", created_by="facil", session=s, title="Leaders' day")
    mine, page = _phone(browser)
    other, intruder = _phone(browser)
    try:
        go(page, app_url, f"join?w={w.code}")
        expect(page.get_by_text("Workshop found")).to_be_visible()
        choose(page, "Your agency", "Police")
        choose(page, "Your level", "Frontline")
        click(page, "Join")
        expect(page.get_by_text("Statement 1 of")).to_be_visible()
        pick(page, _radio(page, 0, 3))
        click(page, "Next")
        expect(page.get_by_text("Statement 2 of")).to_be_visible()
        pick(page, _radio(page, 0, 1))
        expect(page.locator("[data-testid='stProgress']")).to_contain_text("2 of ")
        link = page.url
        query = parse_qs(urlsplit(link).query)
        assert set(query) == {"w", "k"} and len(query["k"][0]) >= 32
        with session_scope(engine) as s:
            (pseudonym,) = s.scalars(select(WorkshopParticipant.pseudonym)).all()
        assert pseudonym not in link

        # Someone who read the pseudonym off the facilitator's table or an export tries it on their own phone.
        go(intruder, app_url, f"join?w={w.code}&p={pseudonym}")
        expect(intruder.get_by_text("opens nobody's answers")).to_be_visible()
        expect(intruder.get_by_text("Statement 1 of")).to_have_count(0)
        expect(intruder.get_by_text("Your answer:")).to_have_count(0)
        shot(intruder, "join-pseudonym-link-refused-phone")

        # The participant's own link, opened again (a refresh, or their other device), picks them up with answers.
        page.reload()
        wait_idle(page)
        expect(page.locator("[data-testid='stProgress']")).to_contain_text("2 of ")
        expect(page.get_by_text("Statement 3 of")).to_be_visible()  # the first statement not yet answered
        click(page, "Back")
        click(page, "Back")
        expect(_radio(page, 0, 3)).to_be_checked()
        shot(page, "join-secret-link-resumes-phone")

        # They lost the link: the facilitator gives them a new one; the old one stops working.
        with session_scope(engine) as s:
            new = ws.reissue_link(
                Identity("facil", "facilitator", (Member("facilitator"),)), w.code, pseudonym, session=s
            )
        page.goto(link)
        wait_idle(page)
        expect(page.get_by_text("could not find your place")).to_be_visible()
        expect(page.get_by_text("Statement 1 of")).to_have_count(0)
        shot(page, "join-old-link-after-reissue-phone")
        go(intruder, app_url, f"join?w={w.code}&k={new.secret}")
        expect(intruder.locator("[data-testid='stProgress']")).to_contain_text("2 of ")

        # With accounts present, the self-assessment without an invitation shows a message and no form.
        go(intruder, app_url, "assess")
        expect(intruder.get_by_text("by invitation")).to_be_visible()
        expect(intruder.get_by_role("button", name="Start")).to_have_count(0)
        shot(intruder, "assess-without-invitation-phone")
    finally:
        mine.close()
        other.close()
        engine.dispose()
