"""Account tables: users, memberships, sign-in sessions and the sign-in throttle (re-exported by models)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from toolkit.store.base import Base, utcnow


class User(Base):
    """An account with one role; the password is stored only as an argon2 hash."""

    __tablename__ = "users"
    __table_args__ = (
        Index("uq_users_oidc_identity", "oidc_issuer", "oidc_subject", unique=True),
        Index("uq_users_oidc_email", "oidc_email", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    # failed_attempts and locked_until are no longer used (sign-in is throttled in sign_in_throttle); kept, not dropped.
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Single sign-on (toolkit/access/oidc.py): the organisation's identity linked to this account, by issuer and
    # subject, or by an email address the provider says it has verified. None: password sign-in only.
    oidc_issuer: Mapped[str | None] = mapped_column(String(300), nullable=True)
    oidc_subject: Mapped[str | None] = mapped_column(String(255), nullable=True)
    oidc_email: Mapped[str | None] = mapped_column(String(254), nullable=True)


class Membership(Base):
    """A role an account holds for one area, or for every area when area_id is null (regional scrutiny, administration)."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "area_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"), nullable=True, index=True)
    role: Mapped[str] = mapped_column(String(20))


class LoginSession(Base):
    """A signed-in session; only a hash of its token is stored, and it expires."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The browser's HttpOnly cookie holds a second secret of the same session; the page hands it over once, by a
    # one-time code that dies in minutes (see ui/session_route.py). Only hashes are stored.
    cookie_hash: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    handoff_hash: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)


class SignInThrottle(Base):
    """Failed sign-ins per key ('user:<name>', also for names without an account, or 'client:<address>')."""

    __tablename__ = "sign_in_throttle"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    next_try_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_failure_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
