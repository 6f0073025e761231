"""The context page's data: reading an area's context and tags, and its save callback."""

from __future__ import annotations

import streamlit as st

from toolkit.store.areas import find_area, set_area_context
from ui.auth import identity
from ui.resources import catalogue, db
from ui.widgets import picked_area, refusing

TAGS = {
    "nation": "Nation",
    "type": "Type of area",
    "police_footprint": "Police footprint",
    "health_footprint": "Health footprint",
}


def area_context(area: str) -> tuple[dict[str, str], dict[str, str]]:
    """The area's context factors and descriptive tags."""
    with db() as s:
        a = find_area(area, session=s)
        return dict(a.context or {}), dict(a.tags or {})


@refusing
def save_context() -> None:
    """Store the context factors and tags as the page's form holds them."""
    ss = st.session_state
    factors = {f.id: ss.get(f"ctx_{f.id}", "") for f in catalogue().opm.context_factors}
    tags = {t: ss.get(f"ctx_tag_{t}", "") for t in TAGS}
    with db() as s:
        who = identity()
        set_area_context(picked_area("edit_area"), factors, tags, session=s, by=who.username if who else "")
    ss["ctx_saved"] = True
