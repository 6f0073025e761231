"""Headless Chromium: a facilitator makes a self-assessment invitation (link and QR) that a phone uses, and removes a
workshop participant after a dialog that says exactly what will go."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import func, select

from tests.browser.conftest import DESKTOP, PHONE, shot, wait_idle
from tests.browser.ui import choose, click, go, pick
from toolkit import workshops as ws
from toolkit.access.accounts import create_user
from toolkit.store.db import make_engine, session_scope
from toolkit.store.models import Rating, Respondent

PW = "a long facilitator password"


def _sign_in(page, base: str, path: str) -> None:
    go(page, base, path)
    page.get_by_role("textbox", name="Username").fill("facil")
    page.get_by_role("textbox", name="Password", exact=True).fill(PW)
    click(page, "Sign in")


def test_an_invitation_link_admits_a_phone_and_a_removal_asks_first(browser, app_url, fresh_db_url, catalogue) -> None:
    engine = make_engine(fresh_db_url)
    with session_scope(engine) as s:
        create_user("facil", PW, "facilitator", session=s)
        w = ws.create_workshop("Northshire", "2026", created_by="facil", session=s, title="Leaders' day")
        people = [ws.join(w.code, "police", "strategic", f"Person {k}", session=s) for k in range(2)]
        step = ws.steps_for(w, "strategic", catalogue)[0]
        for p in people:
            for item in step.items[:3]:
                ws.submit(w.code, p.pseudonym, step.framework, item.id, 2, session=s, cat=catalogue)
    desk = browser.new_context(viewport=DESKTOP)
    phone_ctx = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page, phone = desk.new_page(), phone_ctx.new_page()
    try:
        # The Self-assessment page, signed in, for the area and cycle chosen: make an invitation.
        _sign_in(page, app_url, "workshop")
        page.get_by_role("link", name="Self-assessment").click()  # in the app: a reload would sign out (issue 13.6)
        wait_idle(page)
        page.get_by_text("Invitations for Northshire, cycle 2026").click()
        wait_idle(page)
        click(page, "Make an invitation link")
        expect(page.get_by_text("Copy the link now")).to_be_visible()
        expect(page.get_by_role("img", name="Scan to take part").or_(page.locator("img")).first).to_be_visible()
        link = page.locator("[data-testid='stCode'] code").first.inner_text().strip()
        assert "/assess?i=" in link
        shot(page, "invitation-made-desktop")

        phone.goto(link)
        wait_idle(phone)
        expect(phone.get_by_text("You are invited to rate Northshire, cycle 2026.")).to_be_visible()
        choose(phone, "Your agency", "Health")
        choose(phone, "Your level", "Managerial")
        click(phone, "Start")
        expect(phone.get_by_text("Step 1 of")).to_be_visible()
        pick(phone, phone.locator("[data-testid='stRadio']").nth(0).get_by_role("radio").nth(4))
        assert "k=" in phone.url and "i=" not in phone.url
        shot(phone, "invitation-used-phone")
        with session_scope(engine) as s:
            assert s.scalar(select(func.count(Respondent.id)).where(Respondent.agency == "health")) == 1

        # The workshop page: pick a participant, ask to remove them, read what goes, confirm.
        page.get_by_role("link", name="Run a workshop").click()
        wait_idle(page)
        page.get_by_text("Expected roster, lost links and removals").click()
        wait_idle(page)
        choose(page, "Participant", "Person 0 · Police, strategic")
        click(page, "Remove them and their answers…")
        dialog = page.get_by_role("dialog")
        expect(dialog).to_contain_text("3 ratings")
        expect(dialog).to_contain_text("0 APEASE scores")
        shot(page, "removal-dialog-desktop")
        with session_scope(engine) as s:
            assert s.scalar(select(func.count(Rating.id))) == 7  # nothing gone before the confirmation
        dialog.get_by_role("button", name="Remove them and their answers").click()
        wait_idle(page)
        expect(page.get_by_text(f"Removed {people[0].pseudonym}")).to_be_visible()
        expect(page.get_by_role("dialog")).to_have_count(0)
        with session_scope(engine) as s:
            assert s.scalar(select(func.count(Rating.id))) == 4
        shot(page, "after-removal-desktop")
    finally:
        desk.close()
        phone_ctx.close()
        engine.dispose()
