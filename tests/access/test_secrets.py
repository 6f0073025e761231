"""Passwords hashed with argon2 and never kept or shown; sign-in throttled; sessions that expire; join codes and
pseudonyms that cannot be guessed; no secret in the repository or in what the app and command line print.

(tests/test_auth.py has the unit tests of hashing, locking and expiry; these are the same promises end to end.)
"""

from __future__ import annotations

import ast
import logging
import math
import os
import re
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.access.scan import open_as, render
from toolkit import workshops as ws
from toolkit.access.accounts import MAX_FAILURES, authenticate, create_user, setup_code, start_session
from toolkit.capture.assessment import new_pseudonym
from toolkit.store.db import session_scope
from toolkit.store.models import utcnow

ROOT = Path(__file__).resolve().parents[2]
PW = "Very-Secret-Passphrase-2026"


def sign_in(at, username: str, password: str):
    at.text_input(key="auth_username").input(username)
    at.text_input(key="auth_password").input(password)
    next(b for b in at.button if b.label == "Sign in").click().run()
    return at


def test_a_password_set_on_the_page_is_stored_as_argon2_and_never_kept_or_logged(engine, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    at = open_as("app_pages/account.py")
    at.text_input(key="account_setup_code").input(setup_code())
    at.text_input(key="account_user").input("chair")
    at.text_input(key="account_pw1").input(PW)
    at.text_input(key="account_pw2").input(PW)
    next(b for b in at.button if b.label == "Create administrator").click().run()
    assert not at.exception
    sign_in(at, "chair", PW)
    assert "Signed in as" in render(at, "account").text()
    with engine.connect() as c:
        (stored,) = c.execute(text("SELECT password_hash FROM users WHERE username = 'chair'")).one()
        dump = "\n".join(str(r) for t in ("users", "login_sessions") for r in c.execute(text(f"SELECT * FROM {t}")))
    assert stored.startswith("$argon2id$") and PW not in dump
    assert at.session_state["auth_password"] == ""  # the typed password does not stay in the browser session
    assert PW not in render(at, "account").text()
    assert PW not in caplog.text


def test_sign_in_is_throttled_on_the_page(engine) -> None:
    with session_scope(engine) as s:
        create_user("facil", PW, "facilitator", session=s)
    at = open_as("app_pages/account.py")
    for _ in range(MAX_FAILURES):
        sign_in(at, "facil", "wrong password 123")
        assert "Wrong username or password." in "\n".join(e.value for e in at.error)
    sign_in(at, "facil", PW)  # the right password, too late
    told = "\n".join(e.value for e in at.error)
    assert re.fullmatch(r"Too many attempts to sign in\. Wait (\d+) seconds, then try again\.", told), told
    assert 0 < int(re.findall(r"\d+", told)[0]) <= 30
    assert not at.session_state["auth_token"]


def test_an_expired_or_idle_session_is_signed_out_on_the_next_page(engine) -> None:
    with session_scope(engine) as s:
        create_user("facil", PW, "facilitator", session=s)
        who = authenticate("facil", PW, session=s)
        old = start_session(who, session=s, now=utcnow() - timedelta(hours=9))  # past SESSION_HOURS
        idle = start_session(who, session=s, now=utcnow() - timedelta(minutes=61))  # past IDLE_MINUTES
    for token in (old, idle):
        at = open_as("app_pages/workshop.py", token=token)
        assert not at.exception
        assert "Sign in to use the workshop page." in render(at, "workshop").text()
        assert at.session_state["auth_token"] is None


def _entropy_bits(samples: list[str]) -> float:
    """Per-character Shannon entropy of the samples times their length (an estimate of the draw's entropy)."""
    counts = Counter(ch for s in samples for ch in s)
    total = sum(counts.values())
    per_char = -sum(n / total * math.log2(n / total) for n in counts.values())
    return per_char * len(samples[0])


def test_join_codes_are_unguessable() -> None:
    codes = [ws.new_code() for _ in range(30_000)]
    assert len(set(codes)) == len(codes)
    assert all(len(c) == ws.CODE_LEN and set(c) <= set(ws.ALPHABET) for c in codes)
    space = len(ws.ALPHABET) ** ws.CODE_LEN
    assert math.log2(space) >= 39  # 31^8 codes: a guess per second for a year finds one in ~27,000 open workshops
    assert _entropy_bits(codes) > 0.99 * math.log2(space)
    for pos in range(ws.CODE_LEN):  # every position uniform over the alphabet (chi-squared, 30 df, far tail)
        seen = Counter(c[pos] for c in codes)
        expected = len(codes) / len(ws.ALPHABET)
        chi2 = sum((seen.get(ch, 0) - expected) ** 2 / expected for ch in ws.ALPHABET)
        assert chi2 < 80, (pos, chi2)


def test_pseudonyms_and_session_tokens_are_unguessable(engine) -> None:
    names = [new_pseudonym()[2:] for _ in range(30_000)]
    assert len(set(names)) == len(names) and _entropy_bits(names) > 46  # 48 random bits
    with session_scope(engine) as s:
        create_user("facil", PW, "facilitator", session=s)
        who = authenticate("facil", PW, session=s)
        tokens = [start_session(who, session=s) for _ in range(50)]
    assert len(set(tokens)) == 50 and min(len(t) for t in tokens) >= 43  # 32 random bytes, url-safe
    with engine.connect() as c:
        stored = set(c.scalars(text("SELECT token_hash FROM login_sessions")))
    assert not stored & set(tokens)  # only hashes are stored


def test_codes_pseudonyms_and_tokens_come_from_the_secrets_module() -> None:
    """`random` is predictable; every draw of something secret uses `secrets`."""
    for module in ("toolkit/workshops/codes.py", "toolkit/capture/assessment.py", "toolkit/access/accounts.py"):
        tree = ast.parse((ROOT / module).read_text(encoding="utf-8"))
        imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom) for a in n.names}
        imported |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        assert "random" not in imported and "secrets" in imported, module


SKIP_DIRS = {".venv", ".git", "data", ".pytest_cache", ".ruff_cache", ".hypothesis", "test-artifacts", "__pycache__"}
SECRET_PATTERNS = {
    "private key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    "AWS key": re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36}\b"),
    "Slack token": re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}"),
    "API key": re.compile(r"\b(sk|rk)_live_[A-Za-z0-9]{16,}"),
    "password in a URL": re.compile(r"\b[a-z+]+://[^\s:/@'\"]+:(?!\{)[^\s@/'\"]{3,}@"),
    "argon2 hash": re.compile(r"\$argon2id?\$v=\d+\$"),
}


def repository_files() -> list[Path]:
    out = []
    for path in ROOT.rglob("*"):
        if any(part in SKIP_DIRS for part in path.relative_to(ROOT).parts) or not path.is_file():
            continue
        if path.suffix in (".db", ".png", ".pdf", ".docx", ".xlsx", ".gz", ".zip") or path.name.endswith(
            (".db-wal", ".db-shm")
        ):
            continue
        out.append(path)
    return out


def test_no_secret_is_in_the_repository() -> None:
    files = repository_files()
    assert len(files) > 50
    found = []
    for path in files:
        body = path.read_text(encoding="utf-8", errors="replace")
        for what, pattern in SECRET_PATTERNS.items():
            for m in pattern.finditer(body):
                if what == "password in a URL" and "S3cretPass" in m.group():  # the fake one this file tests with
                    continue
                found.append(f"{path.relative_to(ROOT)}: {what}: {m.group()[:40]}")
    assert found == []
    names = {p.name for p in files}
    assert not names & {".env", "secrets.toml", "credentials.json", "id_rsa"}
    ignored = (ROOT / ".gitignore").read_text().split()
    assert {"data/", "*.db"} <= set(ignored)  # local databases (hashes, comments) are never committed


def test_the_secret_pattern_check_finds_what_it_looks_for() -> None:
    sample = "url = 'postgresql+psycopg://user:S3cretPass@db:5432/x'\nkey = 'AKIA" + "ABCDEFGHIJKLMNOP'\n"
    assert {w for w, p in SECRET_PATTERNS.items() if p.search(sample)} == {"password in a URL", "AWS key"}


def test_a_database_password_is_never_printed(tmp_path) -> None:
    """A DATABASE_URL with a password: the command line's error and the Start page name the server, not the password."""
    url = "postgresql+psycopg://user:S3cretPass@127.0.0.1:1/toolkit"
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "toolkit", "areas"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1 and "cannot use the database" in done.stderr
    assert "S3cretPass" not in done.stdout + done.stderr


def test_the_start_page_shows_where_the_data_lives_only_to_administrators_and_never_the_password(
    monkeypatch, db_url
) -> None:
    from sqlalchemy.engine import make_url

    from toolkit.core.settings import get_settings

    with session_scope() as s:
        create_user("chair", PW, "administrator", session=s)
        create_user("facil", PW, "facilitator", session=s)
        admin = start_session(authenticate("chair", PW, session=s), session=s)
        facil = start_session(authenticate("facil", PW, session=s), session=s)
    where = make_url(db_url)
    for token in (None, facil):  # anonymous visitors and other roles learn neither the host nor the name
        seen = render(open_as("app_pages/start.py", token=token), "start").text()
        assert "SQLite file" not in seen and "PostgreSQL database" not in seen
        assert str(where.database) not in seen and (not where.host or where.host not in seen)
        assert "administrators see which one" in seen
    seen = render(open_as("app_pages/start.py", token=admin), "start").text()
    assert "SQLite file" in seen or "PostgreSQL" in seen
    # trust authentication on the test server ignores the password, so the page really connects with this URL
    url = db_url.replace("//postgres@", "//postgres:S3cretPass@", 1) if "//postgres@" in db_url else None
    if url is None:
        pytest.skip("the password check needs a PostgreSQL URL (the db rerun)")
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        shown = render(open_as("app_pages/start.py", token=admin), "start")
        assert "PostgreSQL database" in shown.text() and "S3cretPass" not in shown.text()
    finally:
        get_settings.cache_clear()
