"""Which screens show the app's navigation: never a participant's phone, never the projector."""

from __future__ import annotations

from tests.pages import open_page
from ui.navigation import hides_navigation


def test_phones_and_the_presentation_view_have_no_navigation() -> None:
    assert hides_navigation("join", {})
    assert hides_navigation("join", {"workshop_present": False})  # whoever opens it: it is the participant's route
    assert hides_navigation("workshop", {"workshop_present": True})
    assert not hides_navigation("workshop", {"workshop_present": False})
    assert not hides_navigation("", {})  # the start page
    assert not hides_navigation("assess", {"workshop_present": True})


def test_the_join_page_puts_nothing_in_the_sidebar(db_url) -> None:
    at = open_page("app_pages/join.py")
    assert not at.exception
    assert len(at.sidebar.children) == 0
    start = open_page("app_pages/start.py")
    assert not start.exception
