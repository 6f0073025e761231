"""A facilitated workshop in headless Chromium: a facilitator and several phones, then two servers on one PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from tests.browser.conftest import DESKTOP, PHONE, shot, wait_idle
from tests.browser.server import free_port, streamlit_server
from tests.browser.ui import CLICK_TRIES, choose, click, go, pick
from toolkit import workshops as ws
from toolkit.access.accounts import create_user
from toolkit.store.areas import resolve_cycle
from toolkit.store.db import make_engine, session_scope, upgrade
from toolkit.store.models import Rating, RatingHistory, Respondent, WorkshopParticipant

PW = "a long facilitator password"
PG_URL = os.environ.get("TOOLKIT_TEST_DATABASE_URL") or "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PEOPLE = [
    ("Police", "Strategic"),
    ("Health", "Frontline"),
    ("Education", "Managerial"),
    ("Police", "Frontline"),
    ("Local authority", "Strategic"),
    ("Health", "Managerial"),
]
ANSWERS = 6  # statements each participant answers


def sign_in(page, base: str, user: str = "facil") -> None:
    go(page, base, "workshop")
    page.get_by_role("textbox", name="Username").fill(user)
    page.get_by_role("textbox", name="Password", exact=True).fill(PW)
    click(page, "Sign in")
    wait_idle(page)


def join_on_phone(browser, base: str, code: str, agency: str, level: str, *, by_link: bool = True):
    """A participant's phone: open the link (or type the code), choose agency and level, join."""
    ctx = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = ctx.new_page()
    if by_link:
        go(page, base, f"join?w={code}")
    else:
        go(page, base, "join")
        box = page.get_by_role("textbox", name="Join code")
        box.fill(ws.format_code(code).lower())
        box.press("Enter")
    expect(page.get_by_text("Workshop found")).to_be_visible(timeout=30_000)
    wait_idle(page)
    choose(page, "Your agency", agency)
    choose(page, "Your level", level)
    click(page, "Join")
    expect(page.get_by_text("Statement 1 of")).to_be_visible()
    wait_idle(page)
    assert page.locator("[data-testid='stSidebarNav'], [data-testid='stSidebar']").count() == 0  # no app menu
    return ctx, page


def answer_together(pages: list, rounds: int) -> dict[int, list[int]]:
    """Every phone answers its next statement in the same moment, round after round; returns the choices made."""
    chosen: dict[int, list[int]] = {k: [] for k in range(len(pages))}
    for r in range(rounds):
        for k, page in enumerate(pages):  # fire all the taps first ...
            choice = (k + r) % 5
            expect(page.get_by_text(f"Statement {r + 1} of")).to_be_visible()
            page.locator("[data-testid='stRadio']").get_by_role("radio").nth(choice).check(force=True)
            chosen[k].append(choice + 1)
        for page in pages:  # ... then let every server run finish
            wait_idle(page)
        for page in pages:  # one statement per screen: Next to the following one
            expect(page.locator("[data-testid='stProgress']")).to_contain_text(f"{r + 1} of ")
            next_statement(page, r + 2)
    for page in pages:
        expect(page.locator("[data-testid='stProgress']")).to_contain_text(f"{rounds} of ")
    return chosen


def next_statement(page, number: int) -> None:
    """Tap Next until statement `number` is on the screen; a tap only while the one before is still showing, so a
    tap that a busy page dropped is given again and never twice (a count of tries, not a clock)."""
    for _ in range(CLICK_TRIES):
        if page.get_by_text(f"Statement {number} of").count():
            return
        if page.get_by_text(f"Statement {number - 1} of").count():
            click(page, "Next")
        wait_idle(page)
    expect(page.get_by_text(f"Statement {number} of")).to_be_visible()


def metric(page, label: str):
    return page.locator("[data-testid='stMetric']").filter(has_text=label)


# ---- (a) one server: a facilitator and six phones -----------------------------------------------


def tap_targets(page) -> list[dict]:
    """The sizes of the phone's answer options and its Back and Next buttons, in CSS px."""
    boxes = [o.bounding_box() for o in page.locator("[data-testid='stRadioOption']").all()]
    boxes += [page.get_by_role("button", name=n, exact=True).bounding_box() for n in ("Back", "Next")]
    return [b for b in boxes if b]


def fits_the_screen(page) -> bool:
    """Nothing to scroll: the main block is no taller than the window."""
    return page.evaluate(
        "() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
        " return m.scrollHeight <= m.clientHeight + 1 && document.documentElement.scrollHeight <= innerHeight + 1; }"
    )


def test_a_facilitated_workshop_end_to_end(browser, fresh_db_url, tmp_path) -> None:
    port = free_port()
    public = f"http://127.0.0.1:{port}"  # the address phones use: the QR holds it
    env = {"TOOLKIT_MIN_GROUP_SIZE": "2", "TOOLKIT_PUBLIC_URL": public}
    with streamlit_server(fresh_db_url, port=port, env=env, log=tmp_path / "streamlit.log") as app_url:
        _journey(browser, app_url, fresh_db_url, public)


def _journey(browser, app_url: str, fresh_db_url: str, public: str) -> None:
    engine = make_engine(fresh_db_url)
    with session_scope(engine) as s:
        create_user("facil", PW, "facilitator", session=s)

    fac = browser.new_context(viewport=DESKTOP).new_page()
    sign_in(fac, app_url)
    expect(fac.get_by_text("No workshops yet")).to_be_visible()
    area = fac.get_by_role("combobox", name="Partnership (area)")
    area.click()
    area.press_sequentially("Northshire")
    area.press("Enter")
    fac.get_by_role("textbox", name="Assessment cycle").fill("2026")
    click(fac, "Create workshop")
    expect(fac.get_by_text("Workshop created")).to_be_visible()
    with session_scope(engine) as s:
        (w,) = ws.list_workshops(session=s)
    assert (w.area, w.cycle, w.status) == ("Northshire", "2026", "open")
    expect(fac.get_by_text(f"Join code: {ws.format_code(w.code)}")).to_be_visible()
    expect(fac.get_by_role("img", name="Scan to join").or_(fac.locator("[data-testid='stImage']"))).to_be_visible()
    expect(fac.get_by_text(f"{public}/join?w={w.code}")).to_be_visible()  # the public address, not the browser's
    shot(fac, "workshop-facilitator-created-desktop")

    phones = []
    for k, (agency, level) in enumerate(PEOPLE):
        phones.append(join_on_phone(browser, app_url, w.code, agency, level, by_link=k != 1))  # one types the code
    shot(phones[1][1], "workshop-participant-rating-phone")
    small = [b for b in tap_targets(phones[1][1]) if b["width"] < 44 or b["height"] < 44]
    assert small == [], f"tap targets under 44 x 44 CSS px: {small}"

    chosen = answer_together([p for _, p in phones], ANSWERS)
    shot(phones[1][1], "workshop-participant-rating-phone-after")

    # a phone that drops and comes back opens the first statement it has not answered, counted from the store
    _, dropped = phones[3]
    dropped.reload()
    wait_idle(dropped)
    expect(dropped.get_by_text(f"Statement {ANSWERS + 1} of")).to_be_visible()
    expect(dropped.locator("[data-testid='stProgress']")).to_contain_text(f"{ANSWERS} of ")

    # every answer is stored exactly once, with the score that was tapped
    with session_scope(engine) as s:
        people = s.scalars(select(WorkshopParticipant).order_by(WorkshopParticipant.id)).all()
        assert len(people) == len(PEOPLE)
        assert s.scalar(select(func.count(Rating.id))) == len(PEOPLE) * ANSWERS
        assert s.scalar(select(func.count(RatingHistory.id))) == 0  # nothing written twice or overwritten
        for k, p in enumerate(people):
            rows = s.execute(
                select(Rating.item, Rating.score).join(Respondent).where(Respondent.pseudonym == p.pseudonym)
            ).all()
            steps = ws.steps_for(w, p.level, _cat())
            first_items = [i.id for i in steps[0].items[:ANSWERS]]
            assert sorted(item for item, _ in rows) == sorted(first_items)
            assert [dict(rows)[i] for i in first_items] == chosen[k]

    # the facilitator's dashboard refreshes itself: everyone has joined, every answer is counted
    expect(metric(fac, "Joined")).to_contain_text(str(len(PEOPLE)), timeout=20_000)
    expect(metric(fac, "Answers saved")).to_contain_text(str(len(PEOPLE) * ANSWERS), timeout=20_000)
    table = fac.locator("[data-testid='stDataFrame']").first
    expect(table).to_contain_text("Police")
    shot(fac, "workshop-dashboard-desktop")

    click(fac, "Reveal results")
    expect(fac.get_by_text("The room's results", exact=True)).to_be_visible()
    expect(fac.get_by_text("Where the room disagrees most")).to_be_visible()

    # the projector: full screen, no menu, nothing to scroll, the priority in large type, the code and the QR
    fac.set_viewport_size({"width": 1920, "height": 1080})
    fac.get_by_text("Presentation view").click()
    wait_idle(fac)
    expect(fac.get_by_text("Work on ", exact=False).first).to_be_visible()
    # the workshop picker's label stayed the same through the reveal, so nothing was refused as "not offered"
    expect(fac.locator("[data-testid='stAlertContentError']")).to_have_count(0)
    expect(fac.locator("[data-testid='stSidebarNav']")).to_have_count(0)
    expect(fac.locator("[data-testid='stSidebar']")).to_be_hidden()  # the working-context box's, left in the page
    priority = fac.locator(".st-key-present_priority p").first
    assert float(priority.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 28
    code_px = fac.locator(".st-key-present_side_code p").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert float(code_px) >= 32
    expect(fac.locator(".st-key-present_side img")).to_be_visible()
    assert fits_the_screen(fac)
    shot(fac, "workshop-presentation-1920x1080")
    fac.set_viewport_size({"width": 1280, "height": 720})
    wait_idle(fac)
    assert fits_the_screen(fac)
    shot(fac, "workshop-presentation-1280x720")
    fac.set_viewport_size(DESKTOP)
    fac.get_by_text("Presentation view").click()
    wait_idle(fac)
    expect(fac.get_by_text("Facilitator controls")).to_be_visible()

    # the phones pick the reveal up by themselves
    _, phone = phones[0]
    expect(phone.get_by_text("Room results")).to_be_visible(timeout=30_000)
    phone.get_by_text("Room results").click()
    wait_idle(phone)
    expect(phone.get_by_text("people joined")).to_be_visible()
    shot(phone, "workshop-participant-results-phone")
    phone.get_by_text("My answers").click()
    wait_idle(phone)
    expect(phone.get_by_text("Your answer:").first).to_be_visible()
    assert phone.get_by_text("Your answer:").count() == ANSWERS
    shot(phone, "workshop-participant-answers-phone")

    # the room appraises a shortlisted intervention with APEASE on their phones
    iv = _cat().interventions[0]
    box = fac.get_by_role("combobox", name="Shortlist")
    box.click()
    box.press_sequentially(iv.title[:30])
    fac.get_by_role("option", name=iv.title).click()
    wait_idle(fac)
    fac.keyboard.press("Escape")
    click(fac, "Save shortlist")
    expect(fac.get_by_text("Shortlist saved")).to_be_visible()
    click(fac, "Open the appraisal on participants' devices")
    for k, (_, phone) in enumerate(phones[:3]):
        expect(phone.get_by_text("Appraise", exact=True)).to_be_visible(timeout=30_000)
        phone.get_by_text("Appraise", exact=True).click()
        wait_idle(phone)
        expect(phone.get_by_text(iv.title)).to_be_visible()
        for _criterion in range(6):  # one criterion per screen: the screen's one question, then Next (Finish)
            pick(phone, phone.locator("[data-testid='stRadio']").first.get_by_role("radio").nth(2 + k % 3))
            wait_idle(phone)
            phone.locator(".st-key-join_anext button").click()
            wait_idle(phone)
    shot(phones[0][1], "workshop-participant-appraise-phone")
    with session_scope(engine) as s:
        from toolkit.store.plans import apease_scores

        assert len(apease_scores(resolve_cycle("Northshire", "2026", session=s), session=s)) == 3 * 6
    # the room sees the appraisal at the next reveal, like the results (reveals are snapshots)
    expect(fac.get_by_text("The room's APEASE appraisal", exact=True)).to_have_count(0)
    click(fac, "Reveal the latest answers")
    expect(fac.get_by_text("The room's APEASE appraisal", exact=True)).to_be_visible(timeout=20_000)
    shot(fac, "workshop-apease-desktop")

    click(fac, "Close workshop")
    expect(fac.get_by_role("dialog").get_by_text("this cannot be undone", exact=False)).to_be_visible()
    click(fac, "Close it: the ratings become final")
    expect(fac.get_by_text("ratings are final").first).to_be_visible()
    with session_scope(engine) as s:
        assert ws.find_workshop(w.code, session=s).status == "closed"
    _, other = phones[2]
    expect(other.get_by_text("This workshop has closed")).to_be_visible(timeout=30_000)
    shot(other, "workshop-participant-closed-phone")

    # a late phone cannot join a closed workshop, and is told why
    late = browser.new_context(viewport=PHONE).new_page()
    go(late, app_url, f"join?w={w.code}")
    expect(late.get_by_text("has closed, so it cannot be joined")).to_be_visible()
    for ctx, _ in phones:
        ctx.close()
    engine.dispose()


def _cat():
    from toolkit.core.catalogue import catalogue

    return catalogue()


# ---- (b) two servers on one PostgreSQL database -------------------------------------------------


@contextmanager
def fresh_postgres() -> Iterator[str]:
    """A new, migrated database on the local PostgreSQL server, dropped afterwards."""
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        admin.connect().close()
    except Exception as exc:
        admin.dispose()
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"PostgreSQL is not reachable at {PG_URL}: {exc}")
    name = f"toolkit_browser_{uuid.uuid4().hex[:10]}"
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    try:
        eng = make_engine(url)
        upgrade(eng)
        eng.dispose()
        yield url
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_two_servers_share_one_postgresql_database(browser, tmp_path) -> None:
    with ExitStack() as stack:
        url = stack.enter_context(fresh_postgres())
        env = {"TOOLKIT_MIN_GROUP_SIZE": "2"}
        a = stack.enter_context(streamlit_server(url, env=env, log=tmp_path / "a.log"))
        b = stack.enter_context(streamlit_server(url, env=env, log=tmp_path / "b.log"))
        assert a != b
        engine = make_engine(url)
        with session_scope(engine) as s:
            create_user("facil", PW, "facilitator", session=s)
            w = ws.create_workshop("Southshire", "2026", created_by="facil", session=s, title="Two-server day")

        # the facilitator watches on server A and, on a second screen, on server B
        fac_a = browser.new_context(viewport=DESKTOP).new_page()
        fac_b = browser.new_context(viewport=DESKTOP).new_page()
        sign_in(fac_a, a)
        sign_in(fac_b, b)
        expect(metric(fac_a, "Joined")).to_contain_text("0")
        expect(fac_a.get_by_text("TOOLKIT_PUBLIC_URL")).to_be_visible()  # no QR of the browser's own address
        assert fac_a.locator("[data-testid='stImage']").count() == 0

        # two phones on each server, answering together
        phones = [
            join_on_phone(browser, a, w.code, "Police", "Strategic"),
            join_on_phone(browser, b, w.code, "Health", "Frontline"),
            join_on_phone(browser, a, w.code, "Education", "Frontline"),
            join_on_phone(browser, b, w.code, "Police", "Managerial"),
        ]
        answer_together([p for _, p in phones], 3)
        with session_scope(engine) as s:
            assert s.scalar(select(func.count(Rating.id))) == 12
            assert s.scalar(select(func.count(WorkshopParticipant.id))) == 4

        # each dashboard shows everyone, whichever server they joined on
        for fac in (fac_a, fac_b):
            expect(metric(fac, "Joined")).to_contain_text("4", timeout=20_000)
            expect(metric(fac, "Answers saved")).to_contain_text("12", timeout=20_000)
            joined = fac.locator("[data-testid='stDataFrame']").first
            for agency in ("Police", "Health", "Education"):
                expect(joined).to_contain_text(agency)
        shot(fac_b, "workshop-two-servers-dashboard-b-desktop")

        # revealing on server B reaches a phone on server A
        click(fac_b, "Reveal results")
        _, phone_a = phones[0]
        expect(phone_a.get_by_text("Room results")).to_be_visible(timeout=30_000)
        expect(fac_a.get_by_text("The room's results", exact=True)).to_be_visible(timeout=20_000)
        for ctx, _ in phones:
            ctx.close()
        engine.dispose()
