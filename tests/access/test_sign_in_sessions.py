"""Sign-in sessions and the first administrator (issue 13, finding 6): the cookie's one-time hand-over code, sign-out
that ends the page's and the cookie's session alike and the setup code without which nobody becomes the first
administrator. (tests/browser/test_sign_in_reload.py has the cookie itself, the reload and the refreshing dashboard.)"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.access.scan import open_as, render
from toolkit.access.accounts import (
    HANDOFF_MINUTES,
    authenticate,
    check_session,
    count_users,
    create_first_admin,
    create_user,
    end_session,
    issue_handoff,
    redeem_handoff,
    session_seconds_left,
    setup_code,
    start_session,
)
from toolkit.store.db import session_scope
from toolkit.store.models import LoginSession, utcnow
from ui import session_route

PW = "Very-Secret-Passphrase-2026"


def test_the_hand_over_code_gives_one_cookie_once_and_only_while_fresh(session) -> None:
    create_user("facil", PW, "facilitator", session=session)
    who = authenticate("facil", PW, session=session)
    now = utcnow()
    token = start_session(who, session=session, now=now)
    code = issue_handoff(token, session=session)
    cookie = redeem_handoff(code, session=session, now=now + timedelta(seconds=5))
    assert cookie and cookie not in (token, code)
    assert redeem_handoff(code, session=session, now=now + timedelta(seconds=6)) is None  # single use
    assert check_session(cookie, session=session, now=now + timedelta(minutes=1)) == who
    assert 0 < session_seconds_left(cookie, session=session, now=now) <= 8 * 3600
    stored = " ".join(str(v) for r in session.scalars(select(LoginSession)) for v in vars(r).values())
    assert cookie not in stored and code not in stored and token not in stored  # only hashes are kept
    late = issue_handoff(token, session=session)
    assert redeem_handoff(late, session=session, now=now + timedelta(minutes=HANDOFF_MINUTES + 1)) is None
    assert redeem_handoff("made-up", session=session) is None and redeem_handoff("", session=session) is None


@pytest.mark.parametrize("end_with", ["page token", "cookie"])
def test_signing_out_ends_the_page_and_the_cookie_alike(session, end_with) -> None:
    create_user("facil", PW, "facilitator", session=session)
    token = start_session(authenticate("facil", PW, session=session), session=session)
    cookie = redeem_handoff(issue_handoff(token, session=session), session=session)
    assert cookie
    end_session(token if end_with == "page token" else cookie, session=session)
    assert check_session(token, session=session) is None and check_session(cookie, session=session) is None


def test_nobody_becomes_the_first_administrator_without_the_servers_setup_code(engine) -> None:
    at = open_as("app_pages/account.py")
    assert "Create the first administrator" in render(at, "account").text()
    for code in ("", "000000000000", setup_code()[::-1]):
        at.text_input(key="account_setup_code").input(code)
        at.text_input(key="account_user").input("intruder")
        at.text_input(key="account_pw1").input(PW)
        at.text_input(key="account_pw2").input(PW)
        next(b for b in at.button if b.label == "Create administrator").click().run()
        assert "Not created: that is not the setup code printed on the server's console." in [i.value for i in at.info]
        with session_scope(engine) as s:
            assert count_users(session=s) == 0
    code = setup_code()
    at.text_input(key="account_setup_code").input(f"{code[:4]}-{code[4:8]}-{code[8:]}")  # as printed
    at.text_input(key="account_pw1").input(PW)
    at.text_input(key="account_pw2").input(PW)
    next(b for b in at.button if b.label == "Create administrator").click().run()
    assert "Administrator created: now sign in." in [i.value for i in at.info]
    with session_scope(engine) as s:
        assert count_users(session=s) == 1
        with pytest.raises(ValueError, match="already exists"):  # the code makes one administrator, never a second
            create_first_admin("second", PW, setup_code(), session=s)


def test_the_setup_code_is_printed_on_the_console_once_while_no_account_exists(engine, capsys, monkeypatch) -> None:
    monkeypatch.setattr(session_route, "_announced", threading.Event())
    session_route.announce_setup_code()
    session_route.announce_setup_code()
    printed = capsys.readouterr().err
    code = setup_code()
    assert printed.count(f"{code[:4]}-{code[4:8]}-{code[8:]}") == 1
    assert "python -m toolkit users add" in printed
    with session_scope(engine) as s:
        create_user("chair", PW, "administrator", session=s)
    monkeypatch.setattr(session_route, "_announced", threading.Event())
    session_route.announce_setup_code()
    assert capsys.readouterr().err == ""
