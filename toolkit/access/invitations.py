"""Resume secrets, and self-assessment invitations: a link per area and cycle with an expiry and a cap, revocable."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode, urlsplit, urlunsplit

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from toolkit.access.accounts import Identity, count_users
from toolkit.access.scope import allowed
from toolkit.core.text import CONTROL_CHARS
from toolkit.store.areas import CycleRef
from toolkit.store.audit import record
from toolkit.store.models import Area, Cycle, Invitation, utcnow

SECRET_BYTES = 24  # 192 random bits: a link's secret cannot be guessed, and is stored only as its sha256
_SECRET = re.compile(r"[A-Za-z0-9_-]{32}")  # the form new_secret() hands out
MAX_DAYS = 90
MAX_USES = 500


def new_secret() -> str:
    """A fresh unguessable secret for a link (URL-safe text)."""
    return secrets.token_urlsafe(SECRET_BYTES)


def hash_secret(secret: str) -> str:
    """The stored form of a secret: sha256, hex (the secret is random and long, so no slow hash is needed)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def plausible_secret(text: object) -> bool:
    """Whether text has the form of a secret (anything else is refused without a query)."""
    return isinstance(text, str) and _SECRET.fullmatch(text) is not None


def open_entry(*, session: Session) -> bool:
    """Whether anyone may rate without an invitation: only on an installation with no account (a single user)."""
    return count_users(session=session) == 0


def may_manage_invitations(identity: Identity | None, area_id: int) -> bool:
    """Whether this account may create, list and revoke the invitations of an area (the one check pages and tests use)."""
    return allowed(identity, "run_workshop", area_id)


class InvitationError(ValueError):
    """An invitation that cannot be made, used or revoked; the message says why in plain words."""


@dataclass(frozen=True)
class InvitationInfo:
    """An invitation as pages see it (never its secret, which only its link holds)."""

    id: int
    area: str
    cycle: str
    label: str
    expires_at: datetime
    max_uses: int
    uses: int
    revoked: bool
    created_by: str
    created_at: datetime

    def state(self, now: datetime | None = None) -> str:
        """'open', 'revoked', 'expired' or 'used up'."""
        if self.revoked:
            return "revoked"
        if _aware(self.expires_at) <= (now or utcnow()):
            return "expired"
        return "used up" if self.uses >= self.max_uses else "open"


@dataclass(frozen=True)
class NewInvitation:
    """A just-created invitation and the secret for its link (shown once: only its hash is kept)."""

    info: InvitationInfo
    secret: str


def _aware(dt: datetime) -> datetime:
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)  # SQLite hands back naive UTC times


def _info(inv: Invitation, area: str, cycle: str) -> InvitationInfo:
    return InvitationInfo(
        inv.id,
        area,
        cycle,
        inv.label,
        _aware(inv.expires_at),
        inv.max_uses,
        inv.uses,
        inv.revoked_at is not None,
        inv.created_by,
        _aware(inv.created_at),
    )


def _audit(inv: InvitationInfo) -> dict:
    return {
        "expires_at": inv.expires_at.isoformat(),
        "max_uses": inv.max_uses,
        "uses": inv.uses,
        "revoked": inv.revoked,
    }


def create_invitation(
    identity: Identity | None,
    ref: CycleRef,
    *,
    days: int,
    max_uses: int,
    label: str = "",
    session: Session,
    now: datetime | None = None,
) -> NewInvitation:
    """A new invitation to rate the area's cycle, valid for `days` and at most `max_uses` respondents (audited)."""
    if not may_manage_invitations(identity, ref.area_id):
        raise InvitationError("only a facilitator or administrator of this area can invite respondents")
    assert identity is not None  # may_manage_invitations refuses no one signed in
    if not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise InvitationError(f"an invitation lasts between 1 and {MAX_DAYS} days")
    if not isinstance(max_uses, int) or not 1 <= max_uses <= MAX_USES:
        raise InvitationError(f"an invitation admits between 1 and {MAX_USES} respondents")
    now = now or utcnow()
    secret = new_secret()
    inv = Invitation(
        cycle_id=ref.cycle_id,
        secret_hash=hash_secret(secret),
        label=" ".join(re.sub(CONTROL_CHARS, "", label or "").split())[:120],
        expires_at=now + timedelta(days=days),
        max_uses=max_uses,
        uses=0,
        created_by=identity.username,
        created_at=now,
    )
    session.add(inv)
    session.flush()
    info = _info(inv, ref.area, ref.cycle)
    record(
        "invitation.create",
        actor=identity.username,
        session=session,
        area_id=ref.area_id,
        target=f"invitation {inv.id} ({ref.area}, cycle {ref.cycle})",
        after=_audit(info),
    )
    return NewInvitation(info, secret)


def list_invitations(identity: Identity | None, ref: CycleRef, *, session: Session) -> list[InvitationInfo]:
    """The invitations of one area and cycle, newest first (for whoever may manage them; else none)."""
    if not may_manage_invitations(identity, ref.area_id):
        return []
    rows = session.scalars(
        select(Invitation).where(Invitation.cycle_id == ref.cycle_id).order_by(Invitation.id.desc())
    ).all()
    return [_info(r, ref.area, ref.cycle) for r in rows]


def _load(q, session: Session, *, lock: bool = False) -> tuple[Invitation, Area, Cycle] | None:
    stmt = select(Invitation, Area, Cycle).join(Cycle, Cycle.id == Invitation.cycle_id).join(Area).where(q)
    if lock:  # PostgreSQL: two respondents taking the last place queue here (SQLite's writer lock does the same)
        stmt = stmt.with_for_update(of=Invitation)
    row = session.execute(stmt).first()
    return (row[0], row[1], row[2]) if row else None


def revoke_invitation(identity: Identity | None, invitation_id: int, *, session: Session) -> InvitationInfo:
    """Stop an invitation's link from admitting anyone more (respondents already in keep their own links)."""
    found = _load(Invitation.id == invitation_id, session, lock=True) if isinstance(invitation_id, int) else None
    if found is None or not may_manage_invitations(identity, found[1].id):
        raise InvitationError("no such invitation among those you manage")
    inv, area, cycle = found
    assert identity is not None
    before = _audit(_info(inv, area.name, cycle.name))
    if inv.revoked_at is None:
        inv.revoked_at = utcnow()
        session.flush()
    info = _info(inv, area.name, cycle.name)
    record(
        "invitation.revoke",
        actor=identity.username,
        session=session,
        area_id=area.id,
        target=f"invitation {inv.id} ({area.name}, cycle {cycle.name})",
        before=before,
        after=_audit(info),
    )
    return info


_WHY = {
    "revoked": "This invitation has been withdrawn by the partnership. Ask whoever sent it for a new link.",
    "expired": "This invitation has expired. Ask whoever sent it for a new link.",
    "used up": "This invitation has been used as many times as it allows. Ask whoever sent it for a new link.",
}
UNKNOWN = "This invitation link is not valid. Check that you opened the whole link, or ask for a new one."


def check_invitation(secret: object, *, session: Session, now: datetime | None = None) -> InvitationInfo:
    """The invitation a link's secret opens, if it still admits someone; else InvitationError saying why."""
    ok = isinstance(secret, str) and plausible_secret(secret)  # anything else is refused without a query
    found = _load(Invitation.secret_hash == hash_secret(secret), session) if ok and isinstance(secret, str) else None
    if found is None:
        raise InvitationError(UNKNOWN)
    inv, area, cycle = found
    info = _info(inv, area.name, cycle.name)
    if (state := info.state(now)) != "open":
        raise InvitationError(_WHY[state])
    return info


def use_invitation(secret: object, *, session: Session, now: datetime | None = None) -> CycleRef:
    """Take one place of an invitation for a new respondent, or InvitationError saying why not.

    The guarded UPDATE comes first: it is atomic, so the cap holds under races, and on SQLite it takes the write lock
    before anything is read (a read first could not be upgraded once another start had written).
    """
    if not (isinstance(secret, str) and plausible_secret(secret)):
        raise InvitationError(UNKNOWN)
    taken = session.execute(
        update(Invitation)
        .where(
            Invitation.secret_hash == hash_secret(secret),
            Invitation.revoked_at.is_(None),
            Invitation.uses < Invitation.max_uses,
        )
        .values(uses=Invitation.uses + 1)
        .execution_options(synchronize_session=False)
    ).rowcount  # pyright: ignore[reportAttributeAccessIssue]  # an UPDATE's result is a CursorResult
    if taken != 1:
        check_invitation(secret, session=session, now=now)  # unknown, revoked or expired: says which
        raise InvitationError(_WHY["used up"])
    found = _load(Invitation.secret_hash == hash_secret(secret), session)
    assert found is not None
    inv, area, cycle = found
    session.refresh(inv)
    if _info(inv, area.name, cycle.name).state(now) == "expired":  # expiry is compared here, in aware times
        inv.uses -= 1
        session.flush()
        raise InvitationError(_WHY["expired"])
    return CycleRef(area.id, cycle.id, area.name, cycle.name)


def invitation_link(page_url: str, secret: str) -> str:
    """The self-assessment page's address for an invitation, built from any page address of the same app."""
    parts = urlsplit(page_url)
    path = parts.path.rstrip("/")
    base = path.rsplit("/", 1)[0] if path else ""
    return urlunsplit((parts.scheme, parts.netloc, f"{base}/assess", urlencode({"i": secret}), ""))
