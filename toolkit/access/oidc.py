"""Single sign-on with an organisation's OpenID Connect provider: which account an identity is, and its session.

Streamlit's `st.login` runs the protocol (Authlib checks the id_token's signature against the provider's keys, its
issuer, audience, expiry and nonce) and keeps the verified claims in a signed identity cookie (`st.user`). This module
decides what those claims are worth here, with no Streamlit in it:

- An identity is an account only when an administrator has linked the account to it, by issuer and subject, or by an
  email address the provider itself says is verified (`email_verified` true). Any other identity gets no access. The
  link is read again on every check, so unlinking an account stops its single sign-on at once.
- Each single sign-on (one id_token, told apart by its nonce) is a row of `login_sessions`, like a password sign-in:
  at most SESSION_HOURS from the provider's `iat`, IDLE_MINUTES idle. Sign-out ends the row on the server, and the
  row stays (ended) so that a copy of the identity cookie taken before the sign-out cannot start it again. The row's
  key is an HMAC of the claims under the identity cookie's secret, so nobody can derive it from a cookie's contents.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from toolkit.access.accounts import IDLE_MINUTES, SESSION_HOURS, Identity
from toolkit.access.scope import authorise
from toolkit.access.throttle import AuthError
from toolkit.core.settings import Settings
from toolkit.store.audit import record
from toolkit.store.models import LoginSession, User, utcnow

# Used when TOOLKIT_OIDC_COOKIE_SECRET is not set: sign-ins then last until this server process stops.
_PROCESS_SECRET = secrets.token_urlsafe(32)


class NotLinked(AuthError):
    """The provider vouched for this identity, but no account here is linked to it."""


class SignInEnded(AuthError):
    """This single sign-on has ended (signed out, expired or idle): sign in again."""


@dataclass(frozen=True)
class Claims:
    """The verified claims of one single sign-on, as st.user hands them over."""

    issuer: str
    subject: str
    issued_at: datetime
    nonce: str
    email: str | None = None
    email_verified: bool = False

    @classmethod
    def of(cls, user: Mapping[str, object]) -> Claims | None:
        """The claims of a signed-in st.user, or None when nobody is signed in or the claims are incomplete."""
        if user.get("is_logged_in") is not True:
            return None
        iss, sub, iat, nonce = user.get("iss"), user.get("sub"), user.get("iat"), user.get("nonce")
        if not (isinstance(iss, str) and iss and isinstance(sub, str) and sub):
            return None
        if isinstance(iat, bool) or not isinstance(iat, int | float):
            return None
        email = user.get("email")
        verified = user.get("email_verified")
        return cls(
            issuer=iss,
            subject=sub,
            issued_at=datetime.fromtimestamp(iat, UTC),
            nonce=nonce if isinstance(nonce, str) else "",
            email=email.strip().lower() if isinstance(email, str) and email.strip() else None,
            email_verified=verified is True or verified == "true",
        )

    @property
    def described(self) -> str:
        """How the person is named to themselves in a refusal: their email, else their subject."""
        return self.email or self.subject


def cookie_secret(settings: Settings) -> str:
    """The secret that signs Streamlit's identity cookie and keys this installation's single sign-on sessions."""
    return settings.oidc_cookie_secret or _PROCESS_SECRET


def streamlit_secrets(settings: Settings) -> dict[str, object] | None:
    """The [auth] section st.login reads, from the settings (serve.py hands it to st.App); None when not configured."""
    if not settings.oidc_enabled:
        return None
    return {
        "auth": {
            "redirect_uri": settings.oidc_redirect_uri,
            "cookie_secret": cookie_secret(settings),
            "client_id": settings.oidc_client_id,
            "client_secret": settings.oidc_client_secret,
            "server_metadata_url": settings.oidc_server_metadata_url,
        }
    }


def _aware(dt: datetime) -> datetime:
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt


def _key(claims: Claims, secret: str) -> str:
    message = "\x1f".join((claims.issuer, claims.subject, claims.nonce, str(claims.issued_at.timestamp())))
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def account_for(claims: Claims, *, session: Session) -> User | None:
    """The account linked to this identity: by issuer and subject, else by a verified email; None if none is."""
    user = session.scalar(select(User).where(User.oidc_issuer == claims.issuer, User.oidc_subject == claims.subject))
    if user is None and claims.email and claims.email_verified:
        user = session.scalar(select(User).where(User.oidc_email == claims.email))
    return user


def sign_in(claims: Claims, *, secret: str, session: Session, now: datetime | None = None) -> Identity:
    """The account this single sign-on is, checked on every run; raises NotLinked or SignInEnded."""
    now = now or utcnow()
    key = _key(claims, secret)
    row = session.scalar(select(LoginSession).where(LoginSession.token_hash == key))
    user = account_for(claims, session=session)
    if row is None:
        limit = claims.issued_at + timedelta(hours=SESSION_HOURS)
        if limit <= now:
            raise SignInEnded("Your session has ended. Please sign in again.")
        if user is None:
            raise NotLinked(f"No account here is linked to {claims.described}.")
        session.add(
            LoginSession(token_hash=key, user_id=user.id, created_at=claims.issued_at, expires_at=limit, last_seen=now)
        )
        session.flush()
        return Identity(user.username, user.role)
    if _aware(row.expires_at) <= now or _aware(row.last_seen) + timedelta(minutes=IDLE_MINUTES) <= now:
        row.expires_at = min(_aware(row.expires_at), now)  # kept, ended: this sign-in cannot start again
        session.flush()
        raise SignInEnded("Your session has ended. Please sign in again.")
    if user is None or user.id != row.user_id:
        row.expires_at = now
        session.flush()
        raise NotLinked(f"No account here is linked to {claims.described}.")
    row.last_seen = now
    session.flush()
    return Identity(user.username, user.role)


def sign_out(claims: Claims, *, secret: str, session: Session, now: datetime | None = None) -> None:
    """End this single sign-on on the server (its row stays, ended, so the same identity cookie stays refused)."""
    row = session.scalar(select(LoginSession).where(LoginSession.token_hash == _key(claims, secret)))
    if row is not None:
        row.expires_at = now or utcnow()
        session.flush()


def _link_of(user: User) -> dict[str, str] | None:
    if user.oidc_email:
        return {"email": user.oidc_email}
    if user.oidc_subject and user.oidc_issuer:
        return {"issuer": user.oidc_issuer, "subject": user.oidc_subject}
    return None


def describe_link(link: Mapping[str, str] | None) -> str:
    """A link in words, for the administrator's table and the command line."""
    if not link:
        return "none"
    if "email" in link:
        return f"verified email {link['email']}"
    return f"subject {link['subject']} at {link['issuer']}"


def links(*, session: Session) -> dict[str, str]:
    """Every account's single sign-on link in words, by username."""
    return {u.username: describe_link(_link_of(u)) for u in session.scalars(select(User).order_by(User.username))}


def link(
    username: str,
    *,
    actor: Identity | None,
    session: Session,
    issuer: str = "",
    subject: str = "",
    email: str = "",
) -> str:
    """Link an account to an organisation's identity: issuer and subject, or a verified email. Audited."""
    authorise(actor, "manage_users", None)
    issuer, subject, email = issuer.strip(), subject.strip(), email.strip().lower()
    if email and (issuer or subject):
        raise ValueError("link either an email address or an issuer and subject, not both")
    if not email and not (issuer and subject):
        raise ValueError("give the identity's email address, or both its issuer and its subject")
    if email and ("@" not in email or len(email) > 254):
        raise ValueError(f"{email!r} is not an email address")
    if len(issuer) > 300 or len(subject) > 255:
        raise ValueError("that issuer or subject is too long")
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise ValueError(f"there is no account called {username!r}")
    taken = session.scalar(
        select(User.username).where(
            User.id != user.id,
            (User.oidc_email == email) if email else and_(User.oidc_issuer == issuer, User.oidc_subject == subject),
        )
    )
    if taken is not None:
        raise ValueError(f"that identity is already linked to the account {taken!r}")
    before = _link_of(user)
    user.oidc_email = email or None
    user.oidc_issuer, user.oidc_subject = (None, None) if email else (issuer, subject)
    after = _link_of(user)
    record("account.sso_link", actor=actor.username if actor else "", session=session, target=user.username,
           before=before, after=after)  # fmt: skip
    return describe_link(after)


def unlinking(username: str, *, session: Session) -> list[str]:
    """What removing an account's single sign-on link would take, in sentences for the confirmation."""
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise ValueError(f"there is no account called {username!r}")
    link = _link_of(user)
    if link is None:
        raise ValueError(f"{user.username} is not linked to single sign-on")
    return [
        f"{user.username}'s link to {describe_link(link)} goes.",
        "Signing in with that identity stops at once: a single sign-on already open ends on its next click.",
        "They can still sign in with their username and password, and keep their memberships.",
        "Nothing they recorded is deleted, and the change is written to the audit log.",
    ]


def unlink(username: str, *, actor: Identity | None, session: Session) -> bool:
    """Remove an account's single sign-on link (its single sign-ons stop at once); False if it had none. Audited."""
    authorise(actor, "manage_users", None)
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise ValueError(f"there is no account called {username!r}")
    before = _link_of(user)
    if before is None:
        return False
    user.oidc_issuer = user.oidc_subject = user.oidc_email = None
    record("account.sso_unlink", actor=actor.username if actor else "", session=session, target=user.username,
           before=before)  # fmt: skip
    session.flush()
    return True
