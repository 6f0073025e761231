"""Who may do what in which area: every page, command and export asks here, with the action's own area.

An account holds memberships: a role for one area, or for every area (a regional or national scrutineer, an
administrator). An action is allowed in an area when some membership covers the area and its role allows the action.
An action that belongs to no area (managing accounts, creating a partnership) needs a membership for every area.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from toolkit.access.accounts import Identity, Member, can
from toolkit.store.audit import CLI
from toolkit.store.models import Area, Membership, User

# The single-user install (no account exists yet): whoever runs it on their own device may do everything.
LOCAL = Identity("local", "administrator", (Member("administrator"),))
# The command line runs with the database's own credentials: the operator's, for every area.
OPERATOR = Identity(CLI, "administrator", (Member("administrator"),))

# What an action is, in words for a refusal ("Your account cannot <words> for that partnership.").
WORDS = {
    "view_results": "see the results",
    "export_raw": "export the raw ratings",
    "import_ratings": "import ratings",
    "run_workshop": "run workshops",
    "edit_area": "change the partnership's details",
    "edit_action_plan": "change the action plan",
    "appraise": "appraise interventions",
    "log_evidence": "keep the scrutiny log",
    "view_peers_named": "see peer areas by name",
    "manage_users": "manage accounts",
    "backup": "back up or restore",
}


class AccessDenied(PermissionError):
    """The signed-in account may not do this here; the message is safe to show."""


def load(identity: Identity | None, *, session: Session) -> Identity | None:
    """The identity with its memberships from the database (None if the account has gone)."""
    if identity is None or identity.memberships is not None:
        return identity
    user = session.scalar(select(User).where(User.username == identity.username))
    if user is None:
        return None
    rows = session.execute(
        select(Membership.role, Membership.area_id, Area.name)
        .outerjoin(Area, Area.id == Membership.area_id)
        .where(Membership.user_id == user.id)
        .order_by(Area.name.is_not(None), Area.name, Membership.role)
    )
    return replace(identity, role=user.role, memberships=tuple(Member(r, a, n or "") for r, a, n in rows))


def _holding(identity: Identity | None, action: str | None) -> list[Member]:
    """The memberships whose role allows the action (any membership when action is None)."""
    if identity is None:
        return []
    return [m for m in identity.memberships or () if action is None or can(m.role, action)]


def cross_area(identity: Identity | None, action: str | None = None) -> bool:
    """Whether the account may do the action in every area (a membership for all areas whose role allows it)."""
    return any(m.area_id is None for m in _holding(identity, action))


def allowed(identity: Identity | None, action: str | None, area_id: int | None) -> bool:
    """Whether the account may do the action in the area (area_id None: an action of no area, or a new area)."""
    return any(m.area_id is None or (area_id is not None and m.area_id == area_id) for m in _holding(identity, action))


def authorise(identity: Identity | None, action: str | None, area_id: int | None) -> None:
    """Raise AccessDenied unless the account may do the action in the area."""
    if allowed(identity, action, area_id):
        return
    if identity is None:
        raise AccessDenied("Sign in first: this needs an account.")
    what = WORDS.get(action or "", "use this") if action else "use this"
    where = "for that partnership" if area_id is not None else "for every partnership (an administrator's task)"
    raise AccessDenied(f"Your account cannot {what} {where}.")


def areas_visible(identity: Identity | None, action: str | None, session: Session) -> dict[str, int]:
    """The areas (name -> id, by name) where the account may do the action: every area for a cross-area role."""
    held = _holding(identity, action)
    q = select(Area.name, Area.id).order_by(Area.name)
    if not any(m.area_id is None for m in held):
        q = q.where(Area.id.in_({m.area_id for m in held if m.area_id is not None}))
    return {name: aid for name, aid in session.execute(q)}


def area_id_of(name: str | None, *, session: Session) -> int | None:
    """The id of an area by its name, None if there is no such area."""
    if not name:
        return None
    return session.scalar(select(Area.id).where(Area.name == name))


def authorise_named(identity: Identity | None, action: str | None, area: str, *, session: Session) -> int | None:
    """authorise() for an area given by name; a name not (yet) stored needs a role for every area."""
    aid = area_id_of(area, session=session)
    authorise(identity, action, aid)
    return aid
