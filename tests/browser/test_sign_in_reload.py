"""In Chromium (issue 13, finding 6): a facilitator's sign-in survives a reload mid-workshop through a Secure,
HttpOnly, SameSite=Strict cookie that page scripts cannot read; the live dashboard stops once the session has
expired; sign-out revokes the session and a stale cookie shows a clear message and nothing else. The cookie route
refuses requests from other sites and used or made-up codes."""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import update

from tests.browser.conftest import DESKTOP, shot, track, wait_idle
from tests.browser.ui import click
from toolkit.access.accounts import authenticate, check_session, create_user, issue_handoff, start_session
from toolkit.store.db import make_engine, session_scope
from toolkit.store.models import LoginSession, utcnow
from toolkit.workshops import create_workshop

PW = "a long facilitator password"
COOKIE = "toolkit_session"


def _session_cookie(context, *, present: bool = True) -> dict | None:
    """The browser's session cookie, once it is there (or gone): waits on the condition, a long limit only for a hang."""
    deadline = time.monotonic() + 60
    while True:
        found = next((c for c in context.cookies() if c["name"] == COOKIE), None)
        if (found is not None) == present or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def _sign_in(page, base: str) -> None:
    page.goto(f"{base}/account")
    wait_idle(page)
    page.get_by_label("Username").fill("facil")
    page.get_by_label("Password", exact=True).fill(PW)
    click(page, "Sign in")
    expect(page.get_by_text("Signed in as")).to_be_visible()


def test_a_sign_in_survives_a_reload_and_sign_out_ends_it(browser, app_url, fresh_db_url) -> None:
    engine = make_engine(fresh_db_url)
    with session_scope(engine) as s:
        create_user("facil", PW, "facilitator", session=s)
        create_workshop("Ashvale", "2026", created_by="facil", session=s, title="Leaders, March")
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    track(page)
    try:
        _sign_in(page, app_url)
        cookie = _session_cookie(context)
        assert cookie is not None, "the browser never got its session cookie"
        assert cookie["httpOnly"] and cookie["secure"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/"
        assert 0 < cookie["expires"] - time.time() <= 8 * 3600 + 60  # expires with the session, not "for ever"
        assert COOKIE not in page.evaluate("document.cookie")  # page scripts cannot read it
        page.goto(f"{app_url}/workshop")
        wait_idle(page)
        joined = page.get_by_test_id("stMetric").filter(has_text="Joined")
        expect(joined).to_be_visible()
        page.reload()  # the facilitator's tab reloads mid-workshop
        wait_idle(page)
        expect(joined).to_be_visible()
        assert page.get_by_text("Sign in to use the workshop page.").count() == 0
        shot(page, "sign-in-after-reload")

        with engine.begin() as c:  # the session reaches its hard limit while the dashboard refreshes itself
            c.execute(update(LoginSession).values(expires_at=utcnow() - timedelta(minutes=1)))
        expect(page.get_by_text("Sign in to use the workshop page.")).to_be_visible()
        expect(joined).to_have_count(0)
        assert page.get_by_text("Join code").count() == 0
        shot(page, "sign-in-dashboard-after-expiry")

        _sign_in(page, app_url)
        fresh = _session_cookie(context)
        assert fresh is not None and fresh["value"] != cookie["value"]
        stale = dict(fresh)
        click(page, "Sign out")
        assert _session_cookie(context, present=False) is None, "sign-out left the cookie in the browser"
        with session_scope(engine) as s:
            assert check_session(stale["value"], session=s) is None  # revoked on the server, not just forgotten
        context.add_cookies([stale])  # a copy kept from before the sign-out
        page.goto(f"{app_url}/workshop")
        wait_idle(page)
        expect(page.get_by_text("Your session has ended. Please sign in again.")).to_be_visible()
        expect(page.get_by_text("Sign in to use the workshop page.")).to_be_visible()
        assert page.get_by_test_id("stMetric").count() == 0
        shot(page, "sign-in-stale-cookie")
    finally:
        context.close()


def _post(url: str, body: bytes, *, origin: str | None, method: str = "POST", cookie: str = ""):
    headers = {"Content-Type": "text/plain"} | ({"Origin": origin} if origin else {})
    if cookie:
        headers["Cookie"] = f"{COOKIE}={cookie}"
    req = urllib.request.Request(url, data=body, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.headers.get_all("Set-Cookie") or []
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get_all("Set-Cookie") or []


def test_the_cookie_route_refuses_other_sites_and_used_or_made_up_codes(app_url, fresh_db_url) -> None:
    engine = make_engine(fresh_db_url)
    with session_scope(engine) as s:
        create_user("facil", PW, "facilitator", session=s)
        token = start_session(authenticate("facil", PW, session=s), session=s)
        code = issue_handoff(token, session=s)
    route = f"{app_url}/toolkit-session"
    assert _post(route, code.encode(), origin=None) == (403, [])  # no Origin: not a page of ours
    assert _post(route, code.encode(), origin="http://evil.example") == (403, [])  # another site
    assert _post(route, b"made-up-code", origin=app_url) == (403, [])
    status, cookies = _post(route, code.encode(), origin=app_url)
    assert status == 204 and len(cookies) == 1
    flags = {part.strip().split("=")[0].lower() for part in cookies[0].split(";")}
    assert {"httponly", "secure", "max-age", "path"} <= flags and "samesite=strict" in cookies[0].lower()
    assert _post(route, code.encode(), origin=app_url)[0] == 403  # used once, never again
    value = cookies[0].split(";")[0].split("=", 1)[1]
    with session_scope(engine) as s:
        assert check_session(value, session=s) is not None
    assert _post(route, b"", origin="http://evil.example", method="DELETE", cookie=value)[0] == 403
    status, cleared = _post(route, b"", origin=app_url, method="DELETE", cookie=value)
    assert status == 204 and cleared and cleared[0].startswith(f'{COOKIE}="";')
    with session_scope(engine) as s:
        assert check_session(value, session=s) is None and check_session(token, session=s) is None


def test_the_first_administrator_needs_the_code_the_server_printed_at_start(browser, app_url, tmp_path) -> None:
    printed = (tmp_path / "streamlit.log").read_text()
    found = re.search(r"give this setup code: (\d{4}-\d{4}-\d{4})", printed)
    assert found, "the server did not print a setup code at start"
    page = browser.new_page(viewport=DESKTOP)
    track(page)
    try:
        page.goto(f"{app_url}/account")
        wait_idle(page)
        for code in ("", found.group(1)):  # a visitor without the code, then the person who runs the server
            page.get_by_label("Setup code (from the server's console)").fill(code)
            page.get_by_label("Username").first.fill("chair")
            page.get_by_label("Password (at least 10 characters)").fill(PW)
            page.get_by_label("Password again").fill(PW)
            click(page, "Create administrator")
            if not code:
                expect(page.get_by_text("Not created: that is not the setup code")).to_be_visible()
        expect(page.get_by_text("Administrator created: now sign in.")).to_be_visible()
        expect(page.get_by_text("Create the first administrator")).to_have_count(0)
        shot(page, "sign-in-first-administrator")
    finally:
        page.close()
