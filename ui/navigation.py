"""Which screens show the app's navigation: app.py routes, this module decides.

Participants on their phones (the join route) see no app navigation at all: no menu, no sidebar, nothing to wander
off to in the middle of a workshop. The facilitator's presentation view hides it too, so the projector shows only
the room. Everyone else gets the sidebar menu and the working context.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import streamlit as st

from ui.context import sidebar

PARTICIPANT_ROUTES = frozenset({"join"})  # the phone's route: never the app's menu
PRESENTATION_ROUTE = "workshop"


def hides_navigation(url_path: str, state: Mapping[str, Any]) -> bool:
    """True for the screens without the app's navigation: a participant's phone, and the presentation view."""
    if url_path in PARTICIPANT_ROUTES:
        return True
    return url_path == PRESENTATION_ROUTE and bool(state.get("workshop_present"))


def route(pages: Mapping[str, Sequence[Any]]) -> Any:
    """The page to run, with the menu in the sidebar or, for a phone or the projector, no menu at all.

    Which page a run serves is known only once st.navigation has resolved it; for a screen without navigation it is
    resolved again, with the menu hidden (the last navigation of a run is the one the browser shows).
    """
    page = st.navigation(pages, expanded=True)
    if hides_navigation(getattr(page, "url_path", ""), {"workshop_present": st.session_state.get("workshop_present")}):
        return st.navigation(pages, position="hidden")
    return sidebar(page)
