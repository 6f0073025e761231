"""AppTest: the Start page creates areas and cycles and loads the fictional demo."""

from __future__ import annotations

from tests.pages import ASHVALE, open_page, texts
from toolkit.store.areas import list_areas
from toolkit.store.db import session_scope


def test_start_on_a_new_installation_explains_and_offers_create_and_demo(db_url) -> None:
    at = open_page("app_pages/start.py")
    assert not at.exception
    assert "No partnerships yet" in texts(at)
    # Where the data lives is for administrators only (tests/access/test_secrets.py has them seeing it).
    assert "Ratings are stored in the database this server is set up with" in texts(at)
    assert "SQLite file" not in texts(at) and "PostgreSQL database" not in texts(at)


def test_create_an_area_and_cycle(db_url) -> None:
    at = open_page("app_pages/start.py")
    at.text_input(key="start_new_area").input("Northshire")
    at.text_input(key="start_new_cycle").input("2026-baseline")
    at.button[0].click().run()  # the form's Create button
    assert not at.exception
    with session_scope() as s:
        areas = list_areas(session=s)
    assert [(a.area, [c.cycle for c in a.cycles]) for a in areas] == [("Northshire", ["2026-baseline"])]
    assert at.session_state["sel_area"] == "Northshire"


def test_create_refuses_blank_names(db_url) -> None:
    at = open_page("app_pages/start.py")
    at.text_input(key="start_new_area").input("  ")
    at.button[0].click().run()
    assert "Give the partnership a name" in texts(at)
    with session_scope() as s:
        assert list_areas(session=s) == []


def test_load_demo_selects_a_fictional_area_and_says_it_is_synthetic(db_url) -> None:
    at = open_page("app_pages/start.py")
    at.button(key="start_demo").click().run()
    assert not at.exception
    assert at.session_state["sel_area"] == ASHVALE
    assert "synthetic and fictional" in texts(at)
