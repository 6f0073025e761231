"""Sign-in throttling by name and by client: growing waits after a few failures, never a lockout at someone's word.

Every attempt first claims a turn under a row lock (SELECT ... FOR UPDATE on PostgreSQL; SQLite holds its single
write lock from the INSERT on), counting itself as a failure before the password is even checked, and commits; a
right password then gives the turn back. So parallel guesses cannot all slip through between a read and a write: each
sees the ones before it. A name without an account is throttled exactly like one with, so the waits and messages
never tell real names from unknown ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from toolkit.store.models import SignInThrottle


@dataclass(frozen=True)
class Rule:
    """How many failures a key gets free, the first wait after them (doubling with each further one) and its cap."""

    free: int
    first_wait: timedelta
    longest_wait: timedelta

    def wait_after(self, failures: int) -> timedelta:
        if failures < self.free:
            return timedelta(0)
        return min(self.first_wait * 2 ** min(failures - self.free, 20), self.longest_wait)


# A name gets five tries, then waits of 30 s, 1, 2, 4 minutes, never more than 5: someone else's guesses can slow a
# facilitator down, not shut them out. One client gets ten failures over any names, then waits up to an hour.
USER_RULE = Rule(free=5, first_wait=timedelta(seconds=30), longest_wait=timedelta(minutes=5))
CLIENT_RULE = Rule(free=10, first_wait=timedelta(seconds=30), longest_wait=timedelta(hours=1))
FORGET_AFTER = timedelta(hours=12)  # failures this old no longer count


class AuthError(Exception):
    """Sign-in refused; the message is safe to show (it never says which of name or password was wrong)."""


class Throttled(AuthError):
    """Too many recent failures for this name or this client; `wait` is how long until the next try is checked."""

    def __init__(self, wait: timedelta) -> None:
        self.wait = wait
        super().__init__(f"Too many attempts to sign in. Wait {_words(wait)}, then try again.")


def _words(wait: timedelta) -> str:
    seconds = max(1, int(wait.total_seconds() + 0.999))
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = (seconds + 59) // 60
    return f"{minutes} minutes"


def _aware(dt: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return dt.replace(tzinfo=UTC) if dt is not None and dt.tzinfo is None else dt


def user_key(name: str) -> str:
    return f"user:{name.strip().lower()[:190]}"


def client_key(client: str) -> str:
    return f"client:{client.strip()[:190]}"


def _locked_rows(keys: list[str], *, session: Session) -> list[SignInThrottle]:
    """The keys' rows, created if new, locked until the transaction ends (always in key order, so no deadlock)."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(insert(SignInThrottle).values([{"key": k, "failures": 0} for k in keys]).on_conflict_do_nothing())
    rows = select(SignInThrottle).where(SignInThrottle.key.in_(keys)).order_by(SignInThrottle.key).with_for_update()
    return list(session.scalars(rows.execution_options(populate_existing=True)))


def claim(rules: dict[str, Rule], *, session: Session, now: datetime) -> None:
    """Take a turn for every key, counted as a failure until `give_back`; raises Throttled if any key must wait.

    Commits, so that the count holds whatever the caller does next and other attempts see it at once.
    """
    rows = _locked_rows(sorted(rules), session=session)
    waits: list[timedelta] = []
    for row in rows:
        last = _aware(row.last_failure_at)
        if last is not None and last + FORGET_AFTER <= now:
            row.failures, row.next_try_at = 0, None
        until = _aware(row.next_try_at)
        if until is not None and until > now:
            waits.append(until - now)
    if waits:
        session.commit()
        raise Throttled(max(waits))
    for row in rows:
        row.failures += 1
        row.last_failure_at = now
        wait = rules[row.key].wait_after(row.failures)
        row.next_try_at = now + wait if wait else None
    session.commit()


def give_back(rules: dict[str, Rule], *, reset: set[str], session: Session) -> None:
    """A right password: the keys in `reset` start afresh, the others lose just this attempt's count."""
    for row in _locked_rows(sorted(rules), session=session):
        row.failures = 0 if row.key in reset else max(0, row.failures - 1)
        if row.failures < rules[row.key].free:
            row.next_try_at = None
    session.flush()


def failures(key: str, *, session: Session) -> int:
    """How many failures count against a key now (for tests and the administrator)."""
    row = session.get(SignInThrottle, key)
    return row.failures if row is not None else 0
