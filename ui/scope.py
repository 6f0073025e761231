"""Who is acting in this browser session, with their memberships, for the checks in toolkit.access.scope."""

from __future__ import annotations

from toolkit.access.accounts import Identity
from toolkit.access.scope import LOCAL, allowed, area_id_of, cross_area, load, peers_named
from ui.auth import accounts_exist, identity
from ui.resources import db


def actor() -> Identity | None:
    """The signed-in account with its memberships; on an installation without accounts, the local user (everything).

    None when accounts exist and nobody is signed in (or the account has gone): such a visitor may do nothing that
    needs a role.
    """
    who = identity()
    if who is None:
        return None if accounts_exist() else LOCAL
    with db() as s:
        return load(who, session=s)


def may_in(action: str, area: str | None) -> bool:
    """Whether whoever uses this browser session may do the action in the named area."""
    who = actor()
    with db() as s:
        return allowed(who, action, area_id_of(area, session=s)) if area else cross_area(who, action)


def named_peers() -> bool | frozenset[str]:
    """Which peer areas a benchmark names for whoever uses this browser session (toolkit.access.scope.peers_named)."""
    who = actor()
    with db() as s:
        return peers_named(who, s)
