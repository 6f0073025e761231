"""Accounts for facilitators, scrutineers and administrators: argon2 hashes, throttled sign-in, expiring sessions."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import overload

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from toolkit.access import throttle
from toolkit.access.throttle import AuthError
from toolkit.store.models import LoginSession, Membership, User, utcnow

ROLES = ("participant", "facilitator", "scrutineer", "administrator")
ACCOUNT_ROLES = ROLES[1:]  # participants join with a code, without an account

# What each role may do; pages, CLI and exports ask `can(role, action)`.
PERMISSIONS: dict[str, frozenset[str]] = {
    "participant": frozenset({"rate_own", "view_own_answers", "view_revealed_aggregates"}),
    "facilitator": frozenset(
        {
            "rate_own",
            "view_own_answers",
            "view_revealed_aggregates",
            "run_workshop",
            "view_results",
            "view_scale_quality",
            "export_raw",
            "import_ratings",
            "appraise",
            "edit_action_plan",
            "edit_area",
            "edit_toc",
            "view_scrutiny",
            "answer_challenge",
            "sign_off_report",
        }
    ),
    "scrutineer": frozenset(
        {
            "view_results",
            "view_peers_named",
            "export_raw",
            "log_evidence",
            "view_revealed_aggregates",
            "view_scrutiny",
        }
    ),
    "administrator": frozenset(
        {
            "run_workshop",
            "view_results",
            "view_scale_quality",
            "view_peers_named",
            "export_raw",
            "import_ratings",
            "appraise",
            "edit_action_plan",
            "edit_area",
            "edit_toc",
            "log_evidence",
            "view_scrutiny",
            "answer_challenge",
            "sign_off_report",
            "manage_users",
            "backup",
        }
    ),
}

MIN_PASSWORD = 10
MAX_FAILURES = throttle.USER_RULE.free  # failures a name gets before the waits begin (see throttle.py)
SESSION_HOURS = 8
IDLE_MINUTES = 60
HANDOFF_MINUTES = 2

_hasher = PasswordHasher()


@dataclass(frozen=True)
class Member:
    """One membership: a role for one area (area_id), or for every area (area_id None)."""

    role: str
    area_id: int | None = None
    area: str = ""  # the area's name, for pages; empty for every area


@dataclass(frozen=True)
class Identity:
    """Who is signed in, as pages see it; memberships are loaded by toolkit.access.scope (None: not loaded yet)."""

    username: str
    role: str
    memberships: tuple[Member, ...] | None = None

    def can(self, action: str) -> bool:
        """Whether the account may do `action` in at least one area (toolkit.access.scope says which)."""
        if self.memberships is None:
            return can(self.role, action)
        return any(can(m.role, action) for m in self.memberships)


def can(role: str, action: str) -> bool:
    """Whether a role may do an action."""
    return action in PERMISSIONS.get(role, frozenset())


@overload
def _aware(dt: datetime) -> datetime: ...
@overload
def _aware(dt: None) -> None: ...
def _aware(dt: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return dt.replace(tzinfo=UTC) if dt is not None and dt.tzinfo is None else dt


def _norm(username: str) -> str:
    return username.strip().lower()


def create_user(username: str, password: str, role: str, *, session: Session, all_areas: bool = True) -> User:
    """A new account (names are case-insensitive); refuses weak passwords and unknown roles.

    With all_areas the role holds for every area (as before memberships); otherwise the account has no membership
    until one is granted (toolkit.access.memberships).
    """
    name = _norm(username)
    if not name or len(name) > 80 or not all(c.isalnum() or c in "._-@" for c in name):
        raise ValueError("a username is 1-80 letters, digits or . _ - @")
    if role not in ACCOUNT_ROLES:
        raise ValueError(f"role must be one of {', '.join(ACCOUNT_ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"a password needs at least {MIN_PASSWORD} characters")
    if session.scalar(select(User).where(User.username == name)) is not None:
        raise ValueError(f"there is already an account called {name!r}")
    user = User(username=name, password_hash=_hasher.hash(password), role=role, failed_attempts=0)
    session.add(user)
    session.flush()
    if all_areas:
        session.add(Membership(user_id=user.id, area_id=None, role=role))
        session.flush()
    return user


def count_users(*, session: Session) -> int:
    return int(session.scalar(select(func.count(User.id))) or 0)


def list_users(*, session: Session) -> list[Identity]:
    return [Identity(u.username, u.role) for u in session.scalars(select(User).order_by(User.username))]


def authenticate(
    username: str, password: str, *, session: Session, client: str | None = None, now: datetime | None = None
) -> Identity:
    """Check a password, throttled by name (known or not) and by client with growing waits (see throttle.py).

    Raises Throttled (an AuthError, before any check) or AuthError; neither says whether the name exists.
    """
    now = now or utcnow()
    name = _norm(username)
    rules = {throttle.user_key(name): throttle.USER_RULE}
    if client:
        rules[throttle.client_key(client)] = throttle.CLIENT_RULE
    throttle.claim(rules, session=session, now=now)  # commits this attempt's count before the slow check
    user = session.scalar(select(User).where(User.username == name))
    if user is None:
        _hasher.hash(password)  # spend the same time as a real check, so names cannot be probed by timing
        raise AuthError("Wrong username or password.")
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        raise AuthError("Wrong username or password.") from None
    throttle.give_back(rules, reset={throttle.user_key(name)}, session=session)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    session.flush()
    return Identity(user.username, user.role)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(identity: Identity, *, session: Session, now: datetime | None = None) -> str:
    """A new session token for a signed-in user (the token itself is never stored)."""
    now = now or utcnow()
    user = session.scalar(select(User).where(User.username == identity.username))
    if user is None:
        raise AuthError("That account no longer exists.")
    token = secrets.token_urlsafe(32)
    session.add(
        LoginSession(
            token_hash=_token_hash(token),
            user_id=user.id,
            created_at=now,
            expires_at=now + timedelta(hours=SESSION_HOURS),
            last_seen=now,
        )
    )
    session.flush()
    return token


def _session_row(token: str, *, session: Session) -> LoginSession | None:
    """The session behind a page token or a cookie (two secrets of one session; either signs out both)."""
    h = _token_hash(token)
    return session.scalar(select(LoginSession).where(or_(LoginSession.token_hash == h, LoginSession.cookie_hash == h)))


def check_session(token: str | None, *, session: Session, now: datetime | None = None) -> Identity | None:
    """The identity behind a session token or cookie, or None if unknown, expired or idle too long."""
    if not token:
        return None
    now = now or utcnow()
    row = _session_row(token, session=session)
    if row is None:
        return None
    if _aware(row.expires_at) <= now or _aware(row.last_seen) + timedelta(minutes=IDLE_MINUTES) <= now:
        session.delete(row)
        session.flush()
        return None
    row.last_seen = now
    user = session.get(User, row.user_id)
    session.flush()
    return Identity(user.username, user.role) if user else None


def issue_handoff(token: str, *, session: Session) -> str:
    """A one-time code with which the browser fetches the session's HttpOnly cookie, valid HANDOFF_MINUTES."""
    row = session.scalar(select(LoginSession).where(LoginSession.token_hash == _token_hash(token)))
    if row is None:
        raise AuthError("That session has ended.")
    code = secrets.token_urlsafe(32)
    row.handoff_hash = _token_hash(code)
    session.flush()
    return code


def redeem_handoff(code: str, *, session: Session, now: datetime | None = None) -> str | None:
    """The cookie secret for a fresh, unused hand-over code (the code dies at once), or None."""
    if not code:
        return None
    now = now or utcnow()
    row = session.scalar(select(LoginSession).where(LoginSession.handoff_hash == _token_hash(code)))
    if row is None:
        return None
    row.handoff_hash = None
    if _aware(row.created_at) + timedelta(minutes=HANDOFF_MINUTES) <= now or _aware(row.expires_at) <= now:
        session.flush()
        return None
    cookie = secrets.token_urlsafe(32)
    row.cookie_hash = _token_hash(cookie)
    session.flush()
    return cookie


def session_seconds_left(token: str, *, session: Session, now: datetime | None = None) -> int:
    """Seconds until the session's hard limit (the cookie's Max-Age), 0 if it has none."""
    row = _session_row(token, session=session)
    if row is None:
        return 0
    return max(0, int((_aware(row.expires_at) - (now or utcnow())).total_seconds()))


def end_session(token: str | None, *, session: Session) -> None:
    """Sign out: the session ends at once, for the page and for the browser's cookie alike."""
    if token:
        row = _session_row(token, session=session)
        if row is not None:
            session.delete(row)
            session.flush()


_setup_lock = threading.Lock()
_setup: list[str] = []


def setup_code() -> str:
    """This process's one-time code for creating the first administrator (printed on the server's console)."""
    with _setup_lock:
        if not _setup:
            _setup.append(f"{secrets.randbelow(10**12):012d}")
        return _setup[0]


def create_first_admin(username: str, password: str, code: str, *, session: Session) -> User:
    """The first administrator, only with this process's setup code and only while no account exists."""
    if not hmac.compare_digest(code.replace(" ", "").replace("-", ""), setup_code()):
        raise ValueError("that is not the setup code printed on the server's console")
    if count_users(session=session) > 0:
        raise ValueError("an account already exists: ask an administrator")
    return create_user(username, password, "administrator", session=session)


def set_password(username: str, password: str, *, session: Session) -> None:
    """Change a password and end the account's sessions (password and single sign-on alike)."""
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"a password needs at least {MIN_PASSWORD} characters")
    user = session.scalar(select(User).where(User.username == _norm(username)))
    if user is None:
        raise ValueError(f"no account called {username!r}")
    user.password_hash = _hasher.hash(password)
    now = utcnow()
    for row in session.scalars(select(LoginSession).where(LoginSession.user_id == user.id)):
        row.expires_at = now  # ended, not deleted: an ended single sign-on stays refused (toolkit/access/oidc.py)
    session.flush()
