"""Accounts and their memberships, managed by an administrator (Account page or command line), every change audited."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from toolkit.access.accounts import ACCOUNT_ROLES, PERMISSIONS, Identity, Member, create_user, set_password
from toolkit.access.scope import WORDS, allowed, authorise, cross_area, load
from toolkit.store.audit import record
from toolkit.store.models import Area, Membership, User

EVERY_AREA = "every area"  # how a membership for all areas is written in messages and the audit log


@dataclass(frozen=True)
class Account:
    """An account as the administrator's table shows it: name, main role, memberships."""

    username: str
    role: str
    memberships: tuple[Member, ...]

    @property
    def described(self) -> str:
        """The memberships in words: 'facilitator for Ashvale; scrutineer for every area'."""
        return "; ".join(f"{m.role} for {m.area or EVERY_AREA}" for m in self.memberships) or "no membership"


def _user(username: str, session: Session) -> User:
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise ValueError(f"there is no account called {username!r}")
    return user


def _area_id(area: str | None, session: Session) -> int | None:
    if area is None:
        return None
    aid = session.scalar(select(Area.id).where(Area.name == area))
    if aid is None:
        raise ValueError(f"there is no partnership called {area!r}")
    return aid


def _check_role(role: str) -> None:
    if role not in ACCOUNT_ROLES:
        raise ValueError(f"role must be one of {', '.join(ACCOUNT_ROLES)}")


def accounts(*, session: Session) -> list[Account]:
    """Every account with its memberships, by name."""
    out = []
    for user in session.scalars(select(User).order_by(User.username)):
        who = load(Identity(user.username, user.role), session=session)
        out.append(Account(user.username, user.role, who.memberships or () if who else ()))
    return out


def grant(username: str, role: str, area: str | None, *, actor: Identity | None, session: Session) -> bool:
    """Give an account a role for an area (None: every area); False if it already held it. Audited."""
    authorise(actor, "manage_users", None)
    _check_role(role)
    user, aid = _user(username, session), _area_id(area, session)
    held = session.scalar(
        select(Membership.id).where(
            Membership.user_id == user.id,
            Membership.role == role,
            Membership.area_id.is_(None) if aid is None else Membership.area_id == aid,
        )
    )
    if held is not None:
        return False
    session.add(Membership(user_id=user.id, area_id=aid, role=role))
    record(
        "membership.grant",
        actor=actor.username if actor else "",
        session=session,
        area_id=aid,
        target=user.username,
        after={"role": role, "area": area or EVERY_AREA},
    )
    return True


def revoke(username: str, role: str, area: str | None, *, actor: Identity | None, session: Session) -> bool:
    """Take a role for an area away from an account; False if it did not hold it. Audited.

    The last administrator for every area is kept: without one, nobody could manage accounts in the app.
    """
    authorise(actor, "manage_users", None)
    user, aid = _user(username, session), _area_id(area, session)
    row = session.scalar(
        select(Membership).where(
            Membership.user_id == user.id,
            Membership.role == role,
            Membership.area_id.is_(None) if aid is None else Membership.area_id == aid,
        )
    )
    if row is None:
        return False
    if role == "administrator" and aid is None:
        admins = session.scalars(
            select(Membership.id).where(Membership.role == "administrator", Membership.area_id.is_(None))
        ).all()
        if len(admins) <= 1:
            raise ValueError("this is the last administrator for every area: make another one first")
    session.delete(row)
    record(
        "membership.revoke",
        actor=actor.username if actor else "",
        session=session,
        area_id=aid,
        target=user.username,
        before={"role": role, "area": area or EVERY_AREA},
    )
    session.flush()
    return True


def revoking(username: str, role: str, area: str | None, *, session: Session) -> list[str]:
    """What taking the role away would take, in sentences for the confirmation: the access lost, what stays."""
    user, aid = _user(username, session), _area_id(area, session)
    held = load(Identity(user.username, user.role), session=session)
    members = held.memberships or () if held else ()
    gone = Member(role, aid, area or "")
    if gone not in members:
        raise ValueError(f"{user.username} is not {role} for {area or EVERY_AREA}")
    rest = Identity(user.username, user.role, tuple(m for m in members if m != gone))
    where = f"for {area}" if area else "for every partnership"
    actions = sorted(a for a in PERMISSIONS[role] if a in WORDS)
    lost = [a for a in actions if not (allowed(rest, a, aid) if aid is not None else cross_area(rest, a))]
    lines = [f"{user.username} stops being {role} {where}, at once (their next click is checked again)."]
    if lost:
        lines.append(f"They can no longer {', '.join(WORDS[a] for a in lost)} {where}.")
    if kept := [a for a in actions if a not in lost]:
        lines.append(f"Through another membership they can still {', '.join(WORDS[a] for a in kept)} {where}.")
    others = [f"{m.role} for {m.area or EVERY_AREA}" for m in rest.memberships or ()]
    lines.append(
        f"Their other memberships stay: {'; '.join(others)}."
        if others
        else "It is their only membership: they can still sign in, but see no partnership's data until they are "
        "given a role again."
    )
    lines.append("Nothing they recorded is deleted, and the change is written to the audit log.")
    return lines


def add_account(
    username: str, password: str, role: str, areas: list[str] | None, *, actor: Identity | None, session: Session
) -> None:
    """A new account with a role for the named areas (None: every area). Audited; the password never is."""
    authorise(actor, "manage_users", None)
    _check_role(role)
    if areas is not None and not areas:
        raise ValueError("choose the partnerships this account is for, or every area")
    ids = [_area_id(a, session) for a in areas or ()]
    user = create_user(username, password, role, session=session, all_areas=areas is None)
    for aid in ids:
        session.add(Membership(user_id=user.id, area_id=aid, role=role))
    record(
        "account.create",
        actor=actor.username if actor else "",
        session=session,
        target=user.username,
        after={"role": role, "areas": areas if areas is not None else [EVERY_AREA]},
    )
    session.flush()


def change_password(username: str, password: str, *, actor: Identity | None, session: Session) -> None:
    """Set an account's password (its sessions end). Audited without the password."""
    authorise(actor, "manage_users", None)
    user = _user(username, session)
    set_password(user.username, password, session=session)
    record("account.password", actor=actor.username if actor else "", session=session, target=user.username)
