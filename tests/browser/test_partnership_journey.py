"""A new user's whole journey in headless Chromium: area, two respondents, results, ToC, intervention, plan, export."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from playwright.sync_api import expect
from sqlalchemy import func, select

from tests.browser.conftest import DESKTOP, PHONE, shot, wait_idle
from tests.browser.ui import choose, click, go, pick, rate, type_in
from toolkit.store.areas import resolve_cycle
from toolkit.store.db import engine_for, session_scope
from toolkit.store.models import Rating
from toolkit.store.plans import action_plan

PAGES = ["", "context", "assess", "results", "theory_of_change", "interventions", "action_plan", "data", "frameworks"]


def _answer_as(browser, base: str, agency: str, level: str, choices: list[int]) -> None:
    """One respondent on their own device: choose agency and level, answer the first statements."""
    ctx = browser.new_context(viewport=DESKTOP)
    page = ctx.new_page()
    go(page, base, "assess")
    choose(page, "Your agency", agency)
    choose(page, "Your level", level)
    click(page, "Start")
    for k, c in enumerate(choices):
        rate(page, k, c)
    expect(page.locator("[data-testid='stProgress']")).to_contain_text(f"{len(choices)} of ")
    ctx.close()


def test_new_user_journey(browser, app_url, fresh_db_url) -> None:
    page = browser.new_page(viewport=DESKTOP)
    go(page, app_url, "")
    page.get_by_role("textbox", name="Partnership name").fill("Northshire")  # inside a form: sent on submit
    page.get_by_role("textbox", name="Cycle", exact=True).fill("2026")
    click(page, "Create")
    expect(page.get_by_text("Created Northshire, cycle 2026.")).to_be_visible()

    # Two respondents (frontline) answer a dozen statements between them; low scores on purpose.
    _answer_as(browser, app_url, "Police", "Frontline", [0, 1, 0, 1, 0, 1])
    _answer_as(browser, app_url, "Health", "Frontline", [1, 0, 1, 0, 1, 1])
    with session_scope(engine_for(fresh_db_url)) as s:
        assert s.scalar(select(func.count(Rating.id))) == 12

    go(page, app_url, "results")
    expect(page.get_by_text("Work on Consider first")).to_be_visible()
    expect(page.get_by_text("frontline").first).to_be_visible()

    go(page, app_url, "theory_of_change")
    page.get_by_test_id("toc-canvas").locator('g.toc-node[data-status="weak"]').first.click()  # a box on the canvas
    wait_idle(page)
    expect(page.get_by_text("Status: Weak")).to_be_visible()

    go(page, app_url, "interventions")
    click(page, "Add to shortlist")
    page.get_by_text("Score:").first.click()
    type_in(page, "Who is scoring", "Chair")
    for k in range(6):
        rate(page, k, 3)
    click(page, "Save scores")
    expect(page.get_by_text("Scores saved")).to_be_visible()
    pick(page, page.get_by_role("radiogroup", name="Decision").get_by_role("radio").first)
    wait_idle(page)
    click(page, "Record decision")
    expect(page.get_by_text("Decision recorded")).to_be_visible()

    go(page, app_url, "action_plan")
    click(page, "Make it a goal")
    page.get_by_text("Add a step").first.click()
    type_in(page, "Step", "Brief every frontline team")
    type_in(page, "Owner (agency or role)", "Police")
    click(page, "Add step")
    expect(page.get_by_text("0 of 1 steps done").first).to_be_visible()
    with session_scope(engine_for(fresh_db_url)) as s:
        assert (
            action_plan(resolve_cycle("Northshire", "2026", session=s), session=s)["goals"][0]["steps"][0]["text"]
            == "Brief every frontline team"
        )

    go(page, app_url, "data")
    with page.expect_download() as dl:
        page.get_by_role("button", name="Download CSV").click()
    rows = list(csv.DictReader(io.StringIO(Path(dl.value.path()).read_text(encoding="utf-8"))))
    assert len(rows) == 12 and {r["area"] for r in rows} == {"Northshire"}

    for width_name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        p = browser.new_page(viewport=viewport)
        for path in PAGES:
            go(p, app_url, path)
            shot(p, f"journey-{path or 'start'}-{width_name}")
        p.close()
