"""In Chromium (issue 13): single sign-on with `st.login` through a small OpenID Connect provider on this machine.

A facilitator whose account an administrator linked to their organisation's identity signs in with one button, sees
only their partnership's areas (the memberships of a password sign-in), stays signed in across a reload and is
signed out by Sign out; a copy of the identity cookie from before the sign-out is refused. An identity linked to no
account is refused with a plain message and sees nothing."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, shot, track, wait_idle
from tests.browser.server import free_port, streamlit_server
from tests.oidc_provider import oidc_provider
from toolkit.access.accounts import create_user
from toolkit.access.memberships import grant
from toolkit.access.oidc import link
from toolkit.access.scope import OPERATOR
from toolkit.store.areas import get_or_create_area, get_or_create_cycle
from toolkit.store.db import make_engine, session_scope

PW = "a long administrator password"
SSO = "Sign in with your organisation"
CLIENT, SECRET = "toolkit", "a client secret for the test provider"
IDENTITY_COOKIE = "_streamlit_user"


def _root(app: str) -> re.Pattern[str]:
    """The app's first page, with or without the working context in its address."""
    return re.compile(rf"^{re.escape(app)}/(\?.*)?$")


def _sign_on(page, app: str) -> None:
    """Press the single sign-on button on the Account page; the provider approves; back on the app's first page."""
    page.goto(f"{app}/account")
    wait_idle(page)
    page.get_by_role("button", name=SSO, exact=True).click()
    page.wait_for_url(_root(app))  # through the provider, which approves, and Streamlit's callback to the app's root
    wait_idle(page)
    page.goto(f"{app}/account")
    wait_idle(page)


def test_single_sign_on_maps_to_the_linked_account_survives_a_reload_and_signs_out(
    browser, fresh_db_url: str, tmp_path: Path
) -> None:
    port = free_port()
    app = f"http://127.0.0.1:{port}"
    with oidc_provider(client_id=CLIENT, client_secret=SECRET, redirect_uri=f"{app}/oauth2callback") as idp:
        engine = make_engine(fresh_db_url)
        with session_scope(engine) as s:
            for name in ("Ashvale", "Dunmarsh"):
                get_or_create_cycle(get_or_create_area(name, session=s), "2026", session=s)
            create_user("chair", PW, "administrator", session=s)
            create_user("facil", PW, "facilitator", session=s, all_areas=False)
            grant("facil", "facilitator", "Ashvale", actor=OPERATOR, session=s)
            link("facil", issuer=idp.issuer, subject="staff-0042", actor=OPERATOR, session=s)
        engine.dispose()
        env = {
            "TOOLKIT_OIDC_SERVER_METADATA_URL": f"{idp.issuer}/.well-known/openid-configuration",
            "TOOLKIT_OIDC_CLIENT_ID": CLIENT,
            "TOOLKIT_OIDC_CLIENT_SECRET": SECRET,
            "TOOLKIT_OIDC_REDIRECT_URI": f"{app}/oauth2callback",
            "TOOLKIT_OIDC_COOKIE_SECRET": "a cookie secret of at least thirty-two characters",
        }
        with streamlit_server(fresh_db_url, port=port, env=env, log=tmp_path / "streamlit.log"):
            context = browser.new_context(viewport=DESKTOP)
            page = context.new_page()
            track(page)
            try:
                idp.user = {"sub": "staff-0042", "email": "fran@council.example", "email_verified": True}
                _sign_on(page, app)
                signed_in = page.get_by_text("Signed in as facil (facilitator) with your organisation.")
                expect(signed_in).to_be_visible()
                expect(page.get_by_text("Memberships: facilitator for Ashvale.")).to_be_visible()
                assert idp.issued and idp.issued[-1]["sub"] == "staff-0042"  # the provider really signed it
                sidebar = page.locator(".st-key-ctx_box")
                expect(sidebar).to_contain_text("Ashvale, cycle 2026")
                shot(page, "sso-signed-in")
                page.goto(f"{app}/results?area=Dunmarsh&cycle=2026")  # another partnership's results: not theirs
                wait_idle(page)
                expect(sidebar).to_contain_text("The link names a partnership or cycle that is not in this toolkit")
                expect(sidebar).to_contain_text("Ashvale, cycle 2026")
                page.goto(f"{app}/account")
                wait_idle(page)

                page.reload()
                wait_idle(page)
                expect(signed_in).to_be_visible()

                kept = [c for c in context.cookies() if c["name"].startswith(IDENTITY_COOKIE)]
                assert kept, "Streamlit set no identity cookie"
                page.get_by_role("button", name="Sign out", exact=True).click()
                page.wait_for_url(_root(app))
                wait_idle(page)
                assert not [c for c in context.cookies() if c["name"].startswith(IDENTITY_COOKIE)]
                page.goto(f"{app}/account")
                wait_idle(page)
                expect(page.get_by_role("button", name=SSO, exact=True)).to_be_visible()
                assert page.get_by_text("Signed in as").count() == 0

                context.add_cookies(kept)  # a copy of the identity cookie kept from before the sign-out
                page.goto(f"{app}/workshop")
                wait_idle(page)
                expect(page.get_by_text("Your session has ended. Please sign in again.")).to_be_visible()
                expect(page.get_by_text("Sign in to use the workshop page.")).to_be_visible()
                shot(page, "sso-stale-identity-cookie")
            finally:
                context.close()

            stranger = browser.new_context(viewport=DESKTOP)
            page = stranger.new_page()
            track(page)
            try:
                idp.user = {"sub": "visitor-9", "email": "visitor@elsewhere.example", "email_verified": True}
                _sign_on(page, app)
                expect(page.get_by_text("no account here is linked to that identity")).to_be_visible()
                expect(page.get_by_text("visitor@elsewhere.example", exact=False).first).to_be_visible()
                assert page.get_by_text("Signed in as").count() == 0
                expect(page.locator(".st-key-ctx_box")).not_to_contain_text("Ashvale")
                page.goto(f"{app}/workshop")
                wait_idle(page)
                expect(page.get_by_text("Sign in to use the workshop page.")).to_be_visible()
                shot(page, "sso-unknown-identity")
            finally:
                stranger.close()
