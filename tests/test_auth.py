"""Accounts: argon2 hashes, throttled sign-in, expiring sessions, roles."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import select

from toolkit.access.accounts import (
    IDLE_MINUTES,
    MAX_FAILURES,
    SESSION_HOURS,
    AuthError,
    authenticate,
    can,
    check_session,
    create_user,
    end_session,
    set_password,
    start_session,
)
from toolkit.access.throttle import USER_RULE, Throttled, failures, user_key
from toolkit.store.models import User, utcnow

PW = "correct horse battery"


def test_passwords_are_stored_only_as_argon2_hashes(session) -> None:
    create_user("Facil", PW, "facilitator", session=session)
    user = session.scalar(select(User))
    assert user.username == "facil"
    assert user.password_hash.startswith("$argon2id$") and PW not in user.password_hash


def test_sign_in_is_case_insensitive_on_the_name_and_exact_on_the_password(session) -> None:
    create_user("Facil", PW, "facilitator", session=session)
    assert authenticate("FACIL", PW, session=session).role == "facilitator"
    with pytest.raises(AuthError, match="Wrong username or password"):
        authenticate("facil", PW.upper(), session=session)
    with pytest.raises(AuthError, match="Wrong username or password"):
        authenticate("nobody", PW, session=session)


@pytest.mark.parametrize(
    ("name", "pw", "role", "why"),
    [
        ("a", "short", "facilitator", "at least 10"),
        ("a", PW, "participant", "role must be"),
        ("bad name!", PW, "facilitator", "username"),
    ],
)
def test_weak_or_invalid_accounts_are_refused(session, name, pw, role, why) -> None:
    with pytest.raises(ValueError, match=why):
        create_user(name, pw, role, session=session)


def test_repeated_failures_make_the_name_wait_longer_and_longer_then_it_opens_again(session) -> None:
    create_user("facil", PW, "facilitator", session=session)
    now = utcnow()
    for _ in range(MAX_FAILURES):
        with pytest.raises(AuthError, match="Wrong"):
            authenticate("facil", "wrong password", session=session, now=now)
    with pytest.raises(Throttled, match="Too many attempts") as refused:  # even the right password
        authenticate("facil", PW, session=session, now=now + timedelta(seconds=1))
    first = refused.value.wait
    assert timedelta(0) < first <= USER_RULE.first_wait
    # Once the wait is over, one more wrong try doubles it; the waits never grow into a lockout past the cap.
    later = now + USER_RULE.first_wait
    with pytest.raises(AuthError, match="Wrong"):
        authenticate("facil", "wrong password", session=session, now=later)
    with pytest.raises(Throttled) as refused:
        authenticate("facil", PW, session=session, now=later)
    assert refused.value.wait == 2 * USER_RULE.first_wait
    assert USER_RULE.wait_after(1000) == USER_RULE.longest_wait <= timedelta(minutes=5)
    assert authenticate("facil", PW, session=session, now=later + 2 * USER_RULE.first_wait).username == "facil"
    assert failures(user_key("facil"), session=session) == 0  # the right password starts the name afresh


def test_sessions_expire_when_idle_or_old_and_end_on_sign_out(session) -> None:
    create_user("facil", PW, "facilitator", session=session)
    who = authenticate("facil", PW, session=session)
    now = utcnow()
    token = start_session(who, session=session, now=now)
    assert check_session(token, session=session, now=now + timedelta(minutes=5)) == who
    assert check_session(token, session=session, now=now + timedelta(minutes=5 + IDLE_MINUTES + 1)) is None
    token = start_session(who, session=session, now=now)
    for k in range(1, SESSION_HOURS * 2 + 2):  # active all along, still ends at the hard limit
        seen = check_session(token, session=session, now=now + timedelta(minutes=30 * k))
    assert seen is None
    token = start_session(who, session=session)
    end_session(token, session=session)
    assert check_session(token, session=session) is None
    assert check_session("made-up-token", session=session) is None


def test_changing_a_password_ends_every_session(session) -> None:
    create_user("facil", PW, "facilitator", session=session)
    token = start_session(authenticate("facil", PW, session=session), session=session)
    set_password("facil", "another long password", session=session)
    assert check_session(token, session=session) is None
    with pytest.raises(AuthError):
        authenticate("facil", PW, session=session)


@pytest.mark.parametrize(
    ("role", "allowed", "refused"),
    [
        (
            "participant",
            {"rate_own", "view_revealed_aggregates"},
            {"run_workshop", "export_raw", "view_results", "manage_users"},
        ),
        (
            "facilitator",
            {"run_workshop", "export_raw", "appraise"},
            {"manage_users", "view_peers_named", "log_evidence"},
        ),
        (
            "scrutineer",
            {"view_peers_named", "log_evidence", "export_raw"},
            {"run_workshop", "manage_users", "edit_action_plan"},
        ),
        ("administrator", {"manage_users", "backup", "run_workshop"}, {"rate_own"}),
    ],
)
def test_each_role_can_do_what_it_should_and_nothing_more(role, allowed, refused) -> None:
    assert all(can(role, a) for a in allowed)
    assert not any(can(role, a) for a in refused)
    assert not can("nobody", "view_results")


def test_cli_adds_and_lists_users_without_echoing_the_password(db_url) -> None:
    env = {"DATABASE_URL": db_url, "PATH": "/usr/bin:/bin"}
    add = subprocess.run(
        [
            sys.executable,
            "-m",
            "toolkit",
            "users",
            "add",
            "--username",
            "Scrut",
            "--role",
            "scrutineer",
            "--password-stdin",
        ],
        input=PW + "\n",
        capture_output=True,
        text=True,
        env=env,
    )
    assert add.returncode == 0, add.stderr
    assert PW not in add.stdout + add.stderr
    weak = subprocess.run(
        [
            sys.executable,
            "-m",
            "toolkit",
            "users",
            "add",
            "--username",
            "x",
            "--role",
            "scrutineer",
            "--password-stdin",
        ],
        input="short\n",
        capture_output=True,
        text=True,
        env=env,
    )
    assert weak.returncode == 1 and "at least 10" in weak.stderr and "Traceback" not in weak.stderr
    listed = subprocess.run(
        [sys.executable, "-m", "toolkit", "users", "list", "--json"], capture_output=True, text=True, env=env
    )
    assert listed.returncode == 0 and '"scrut"' in listed.stdout and "scrutineer" in listed.stdout
