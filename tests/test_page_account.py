"""AppTest: the Account page creates the first administrator once, signs in and out, and refuses bad passwords."""

from __future__ import annotations

from tests.pages import open_page, texts
from toolkit.access.accounts import count_users, create_user, setup_code
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
