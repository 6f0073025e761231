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
    "view_scale_quality": "see how reliable the scales are",
    "export_raw": "export the raw ratings",
    "import_ratings": "import ratings",
    "run_workshop": "run workshops",
    "edit_area": "change the partnership's details",
    "edit_action_plan": "change the action plan",
    "appraise": "appraise interventions",
    "edit_toc": "change the partnership's Theory of Change",
    "log_evidence": "keep the scrutiny log",
    "view_scrutiny": "see the scrutiny record",
    "answer_challenge": "answer the scrutineer's challenges",
    "sign_off_report": "sign off the yearly report for a partner",
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


def role_for(identity: Identity | None, action: str, area_id: int | None) -> str:
    """The role under which the account may do the action in the area (its area's own membership first); '' if none."""
    held = [m for m in _holding(identity, action) if m.area_id is None or m.area_id == area_id]
    held.sort(key=lambda m: m.area_id is None)
    return held[0].role if held else ""


def holders(action: str, area_id: int, *, session: Session) -> list[str]:
    """The accounts with a membership for the area (or every area) whose role allows the action, by name.

    On an installation without accounts, the local user (who may do everything) is the one holder.
    """
    rows = session.execute(
        select(User.username, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where((Membership.area_id == area_id) | Membership.area_id.is_(None))
        .order_by(User.username)
    )
    names = list(dict.fromkeys(name for name, role in rows if can(role, action)))
    if not names and session.scalar(select(User.id).limit(1)) is None:
        return [LOCAL.username]
    return names


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


def peers_named(identity: Identity | None, session: Session) -> bool | frozenset[str]:
    """Which peer areas a benchmark names for the account: every one for a role over every area that may see peers
    by name (True); otherwise the areas the account holds a membership of its own for (where it may see the results),
    so its own other partnerships are named and everyone else's are anonymous peers. A role for every area without
    the right to name peers (a facilitator for all areas) names none that way: it has no area of its own."""
    if cross_area(identity, "view_peers_named"):
        return True
    own = {m.area_id for m in _holding(identity, "view_results") if m.area_id is not None}
    return frozenset(name for name, aid in areas_visible(identity, "view_results", session).items() if aid in own)


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
