"""Accounts for facilitators, scrutineers and administrators: argon2 hashes, throttled sign-in, expiring sessions."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import overload

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

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
            "export_raw",
            "import_ratings",
            "appraise",
            "edit_action_plan",
            "edit_area",
        }
    ),
    "scrutineer": frozenset(
        {"view_results", "view_peers_named", "export_raw", "log_evidence", "view_revealed_aggregates"}
    ),
    "administrator": frozenset(
        {
            "run_workshop",
            "view_results",
            "view_peers_named",
            "export_raw",
            "import_ratings",
            "appraise",
            "edit_action_plan",
            "edit_area",
            "log_evidence",
            "manage_users",
            "backup",
        }
    ),
}

MIN_PASSWORD = 10
MAX_FAILURES = 5
LOCK_MINUTES = 15
SESSION_HOURS = 8
IDLE_MINUTES = 60

_hasher = PasswordHasher()


class AuthError(Exception):
    """Sign-in refused; the message is safe to show (it never says which of name or password was wrong)."""


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


def authenticate(username: str, password: str, *, session: Session, now: datetime | None = None) -> Identity:
    """Check a password; after MAX_FAILURES wrong tries the account is locked for LOCK_MINUTES."""
    now = now or utcnow()
    user = session.scalar(select(User).where(User.username == _norm(username)))
    if user is None:
        _hasher.hash(password)  # spend the same time as a real check, so names cannot be probed by timing
        raise AuthError("Wrong username or password.")
    locked = _aware(user.locked_until)
    if locked is not None and locked > now:
        minutes = max(1, int((locked - now).total_seconds() // 60) + 1)
        raise AuthError(f"Too many failed attempts. Try again in {minutes} minute{'s' if minutes > 1 else ''}.")
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        user.failed_attempts += 1
        if user.failed_attempts >= MAX_FAILURES:
            user.locked_until = now + timedelta(minutes=LOCK_MINUTES)
            user.failed_attempts = 0
        # Committed now: callers roll back on the AuthError (session_scope does), which would undo the count and
        # leave sign-in unthrottled.
        session.commit()
        raise AuthError("Wrong username or password.") from None
    user.failed_attempts, user.locked_until = 0, None
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


def check_session(token: str | None, *, session: Session, now: datetime | None = None) -> Identity | None:
    """The identity behind a session token, or None if unknown, expired or idle too long."""
    if not token:
        return None
    now = now or utcnow()
    row = session.scalar(select(LoginSession).where(LoginSession.token_hash == _token_hash(token)))
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


def end_session(token: str | None, *, session: Session) -> None:
    """Sign out: the token stops working at once."""
    if token:
        row = session.scalar(select(LoginSession).where(LoginSession.token_hash == _token_hash(token)))
        if row is not None:
            session.delete(row)
            session.flush()


def set_password(username: str, password: str, *, session: Session) -> None:
    """Change a password and end the account's sessions."""
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"a password needs at least {MIN_PASSWORD} characters")
    user = session.scalar(select(User).where(User.username == _norm(username)))
    if user is None:
        raise ValueError(f"no account called {username!r}")
    user.password_hash = _hasher.hash(password)
    for row in session.scalars(select(LoginSession).where(LoginSession.user_id == user.id)):
        session.delete(row)
    session.flush()
