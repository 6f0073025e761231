"""AppTest: the Account page creates the first administrator once, signs in and out, and refuses bad passwords."""

from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest

from tests.access.world import forge
from tests.pages import APP, open_page, texts
from toolkit.access.accounts import Identity, count_users, create_user, setup_code, start_session
from toolkit.access.oidc import link, links
from toolkit.access.scope import OPERATOR
from toolkit.core.settings import get_settings
from toolkit.core.text import WORD_JOINER
from toolkit.store.audit import entries
from toolkit.store.db import session_scope


def test_first_administrator_then_sign_in_and_out(db_url) -> None:
    at = open_page("app_pages/account.py")
    assert "Create the first administrator" in texts(at)
    at.text_input(key="account_setup_code").input(setup_code())
    at.text_input(key="account_user").input("admin")
    at.text_input(key="account_pw1").input("a long admin password")
    at.text_input(key="account_pw2").input("a long admin password")
    at.button[0].click().run()
    assert "Administrator created" in texts(at)
    at.text_input(key="auth_username").input("admin")
    at.text_input(key="auth_password").input("a long admin password")
    at.button[-1].click().run()
    assert "Signed in as **admin** (administrator)" in texts(at)
    at.button(key="account_signout").click().run()
    assert "Signed in" not in texts(at)


def test_the_first_administrator_form_disappears_once_an_account_exists(db_url) -> None:
    with session_scope() as s:
        create_user("facil", "a long facilitator password", "facilitator", session=s)
    at = open_page("app_pages/account.py")
    assert "Create the first administrator" not in texts(at)
    with session_scope() as s:
        assert count_users(session=s) == 1


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(db_url) -> None:
    with session_scope() as s:
        create_user("facil", "a long facilitator password", "facilitator", session=s)
    at = open_page("app_pages/account.py")
    at.text_input(key="auth_username").input("facil")
    at.text_input(key="auth_password").input("not the password")
    at.button[-1].click().run()
    assert "Wrong username or password." in [e.value for e in at.error]


ISS = "https://login.council.example"
SSO_ENV = {
    "TOOLKIT_OIDC_SERVER_METADATA_URL": f"{ISS}/.well-known/openid-configuration",
    "TOOLKIT_OIDC_CLIENT_ID": "toolkit",
    "TOOLKIT_OIDC_CLIENT_SECRET": "client secret",
    "TOOLKIT_OIDC_REDIRECT_URI": "http://localhost:8501/oauth2callback",
}


def _said(at: AppTest) -> str:
    """The page's text as a person reads it (messages escape Markdown characters and break autolinks with an
    invisible word joiner)."""
    return texts(at).replace("\\", "").replace(WORD_JOINER, "")


def _sso(monkeypatch) -> None:
    for k, v in SSO_ENV.items():
        monkeypatch.setenv(k, v)
    get_settings.cache_clear()


def test_an_administrator_links_and_unlinks_single_sign_on(db_url, monkeypatch) -> None:
    _sso(monkeypatch)
    with session_scope() as s:
        create_user("chair", "a long admin password", "administrator", session=s)
        create_user("facil", "a long facilitator password", "facilitator", session=s)
        token = start_session(Identity("chair", "administrator"), session=s)
    at = open_page("app_pages/account.py", auth_token=token)
    assert "Single sign-on" in _said(at)
    at.selectbox(key="account_sso_user").set_value("facil")
    at.text_input(key="account_sso_email").input("Fran@Council.example")
    at.button(key="FormSubmitter:account_sso_form-Link the identity").click().run()
    assert "facil now signs in with single sign-on as verified email fran@council.example." in _said(at)
    assert "verified email fran@council.example" in at.dataframe[0].value["Single sign-on"].tolist()
    at.selectbox(key="account_sso_unlink_user").set_value("facil")
    at.button(key="FormSubmitter:account_sso_unlink_form-Remove the link...").click().run()
    at.button(key="account_sso_unlink_yes").click().run()  # the confirmation (test_unlinking_asks_first...)
    assert "facil can no longer use single sign-on." in _said(at)
    with session_scope() as s:
        trail = [(e.actor, e.action, e.target) for e in entries(session=s) if e.action.startswith("account.sso")]
    assert sorted(trail) == [("chair", "account.sso_link", "facil"), ("chair", "account.sso_unlink", "facil")]


def test_a_linked_single_sign_on_is_its_account_and_an_unknown_one_is_refused(db_url, monkeypatch) -> None:
    _sso(monkeypatch)
    with session_scope() as s:
        create_user("facil", "a long facilitator password", "facilitator", session=s)
        link("facil", issuer=ISS, subject="staff-1", actor=OPERATOR, session=s)
    for sub, shown in (("staff-1", "Signed in as **facil** (facilitator) with your organisation."),
                       ("stranger", "no account here is linked to that identity")):  # fmt: skip
        at = AppTest.from_file(APP, default_timeout=180)
        at.user = {"is_logged_in": True, "iss": ISS, "sub": sub, "iat": int(time.time()), "nonce": f"n-{sub}"}
        at.run()
        at.switch_page("app_pages/account.py")
        at.run()
        assert shown in texts(at)
    assert "Signed in" not in texts(at) and "Subject: stranger" in next(t.value for t in at.text)


def _admin_with_a_link(monkeypatch) -> str:
    _sso(monkeypatch)
    with session_scope() as s:
        create_user("chair", "a long admin password", "administrator", session=s)
        create_user("facil", "a long facilitator password", "facilitator", session=s)
        create_user("plain", "a long facilitator password", "facilitator", session=s)
        link("facil", email="fran@council.example", actor=OPERATOR, session=s)
        return start_session(Identity("chair", "administrator"), session=s)


def _linked() -> dict[str, str]:
    with session_scope() as s:
        return {k: v for k, v in links(session=s).items() if v != "none"}


def test_unlinking_asks_first_in_a_dialog_that_says_what_goes(db_url, monkeypatch) -> None:
    at = open_page("app_pages/account.py", auth_token=_admin_with_a_link(monkeypatch))
    assert list(at.selectbox(key="account_sso_unlink_user").options) == ["facil"]  # only accounts with a link
    assert not any(c.key == "account_sso_unlink_sure" for c in at.checkbox)  # no tick box: the dialog asks
    at.button(key="FormSubmitter:account_sso_unlink_form-Remove the link...").click().run()
    assert not at.exception
    says = _said(at)
    assert "facil's link to verified email fran@council.example goes." in says
    assert "They can still sign in with their username and password" in says
    assert _linked() == {"facil": "verified email fran@council.example"}  # nothing removed before the answer
    at.button(key="account_sso_unlink_no").click().run()  # Keep it
    assert (
        not at.exception and "goes." not in _said(at) and _linked() == {"facil": "verified email fran@council.example"}
    )
    at.button(key="FormSubmitter:account_sso_unlink_form-Remove the link...").click().run()
    at.button(key="account_sso_unlink_yes").click().run()
    assert not at.exception and "facil can no longer use single sign-on." in _said(at)
    assert _linked() == {} and "No account is linked to single sign-on yet." in _said(at)
    with session_scope() as s:
        line = entries(session=s, action="account.sso_unlink")[0]
    assert (line.actor, line.target, line.before) == ("chair", "facil", {"email": "fran@council.example"})


@pytest.mark.parametrize("key", ["account_sso_user", "account_sso_unlink_user"])
def test_a_crafted_account_for_single_sign_on_is_refused(key, db_url, monkeypatch) -> None:
    at = open_page("app_pages/account.py", auth_token=_admin_with_a_link(monkeypatch))
    at.text_input(key="account_sso_email").input("rogue@council.example")
    forge(at.selectbox(key=key), "plain" if key == "account_sso_unlink_user" else "nobody")  # not offered there
    form = (
        "account_sso_form-Link the identity"
        if key == "account_sso_user"
        else "account_sso_unlink_form-Remove the link..."
    )
    at.button(key=f"FormSubmitter:{form}").click().run()
    assert not at.exception and "not offered on this page" in _said(at)
    assert not any(b.key == "account_sso_unlink_yes" for b in at.button)  # no confirmation opened
    assert _linked() == {"facil": "verified email fran@council.example"}
    with session_scope() as s:
        assert not [e for e in entries(session=s) if e.actor == "chair" and e.action.startswith("account.sso")]
