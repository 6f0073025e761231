"""A scrutineer in headless Chromium: sign in, compare an area with its peers, log a challenge, export the summary."""

from __future__ import annotations

import csv
import io

from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, shot, wait_idle
from tests.browser.ui import choose, click, go
from toolkit.access.accounts import create_user
from toolkit.core.frameworks import load_catalogue
from toolkit.scrutiny import evidence as sc
from toolkit.store.db import make_engine, session_scope
from toolkit.training.demo import load_demo

PW = "a long scrutineer password"
AREA = "Ashvale (fictional)"


def nav(page, title: str) -> None:
    """Go to a page through the app's own navigation, so the signed-in session carries over."""
    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name=title, exact=True).click()
    wait_idle(page)


def test_a_scrutineer_compares_an_area_logs_a_challenge_and_exports(browser, app_url, fresh_db_url) -> None:
    engine = make_engine(fresh_db_url)
    with session_scope(engine) as s:
        create_user("scrut", PW, "scrutineer", session=s)
        create_user("bm", PW, "facilitator", session=s)  # the partnership's member who owns the challenge
        load_demo(areas=7, session=s, catalogue=load_catalogue())  # six peers: at least min_peer_areas (5)
    engine.dispose()

    page = browser.new_page(viewport=DESKTOP)
    go(page, app_url, "")
    nav(page, "Account")
    page.get_by_role("textbox", name="Username").fill("scrut")
    page.get_by_role("textbox", name="Password", exact=True).fill(PW)
    click(page, "Sign in")
    expect(page.get_by_text("Signed in as scrut (scrutineer).")).to_be_visible()

    # Compare an area with its peers: named for a scrutineer, with percentile cards.
    nav(page, "Benchmark")
    choose(page, "Partnership", AREA)  # the working context, in the sidebar
    expect(page.get_by_text("Peer areas are named because your role may see them.")).to_be_visible()
    overall = page.locator("[data-testid='stMetric']").filter(has_text="Overall")
    expect(overall).to_contain_text("since 2025")
    expect(page.get_by_text("against 6 peer areas (all areas)")).to_be_visible()
    page.locator("[data-testid='stVegaLiteChart']").first.wait_for()
    shot(page, "scrutineer-benchmark-desktop")
    choose(page, "Police footprint", "Same as this area")
    expect(page.get_by_text("police footprint same as this area")).to_be_visible()
    choose(page, "Police footprint", "Any")

    # Log a challenge to the self-rating of Communicate.
    nav(page, "Scrutiny")
    expect(page.get_by_role("radio", name="Evidence log")).to_be_visible()
    page.get_by_role("textbox", name="What did you see or read?").fill(
        "=Frontline staff in two teams had not heard of the partnership plan."
    )
    choose(page, "Source", "Meeting")
    page.get_by_text("Challenges the self-rating").click()
    about = page.get_by_role(
        "combobox", name="About (a stage, C, Theory of Change box, statement or yearly report checklist point)"
    )
    about.click()
    about.press_sequentially("Stage: Comm")
    page.get_by_role("option", name="Stage: Communicate", exact=True).click()
    wait_idle(page)
    click(page, "Log evidence")
    expect(page.get_by_text("Challenge raised.")).to_be_visible()
    with session_scope(make_engine(fresh_db_url)) as s:
        [entry] = sc.evidence_log(AREA, "2026", session=s)
    assert (entry["judgement"], entry["link"], entry["source"], entry["created_by"]) == (
        "challenges",
        "stage:communicate",
        "meeting",
        "scrut",
    )
    shot(page, "scrutineer-evidence-log-desktop")

    page.get_by_role("radio", name="Self-rating and validation").click()
    wait_idle(page)
    shot(page, "scrutineer-side-by-side-desktop")
    page.get_by_role("radio", name="Yearly report").click()
    wait_idle(page)
    shot(page, "scrutineer-yearly-report-desktop")

    # Export the scrutiny summary: the note is there, neutralised against formulas.
    page.get_by_role("radio", name="Export").click()
    wait_idle(page)
    with page.expect_download() as dl:
        page.get_by_role("button", name="Download CSV").click()
    assert dl.value.suggested_filename == "scrutiny-Ashvale_fictional-2026.csv"
    with open(dl.value.path(), encoding="utf-8") as f:
        rows = list(csv.DictReader(io.StringIO(f.read())))
    notes = [r for r in rows if r["section"] == "evidence log"]
    assert (
        len(notes) == 1 and notes[0]["note"].startswith("'=Frontline staff") and notes[0]["status"] == "challenge open"
    )
    assert any(r["section"] == "yearly report checklist" for r in rows)

    # The same pages at phone width.
    wait_idle(page)
    page.get_by_role("radio", name="Evidence log").first.click()
    wait_idle(page)
    page.set_viewport_size(PHONE)
    wait_idle(page)
    shot(page, "scrutineer-evidence-log-phone")
    page.set_viewport_size(DESKTOP)
    nav(page, "Benchmark")
    page.set_viewport_size(PHONE)
    page.locator("[data-testid='stVegaLiteChart']").first.wait_for()
    wait_idle(page)
    shot(page, "scrutineer-benchmark-phone")
