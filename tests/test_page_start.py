"""AppTest: the Start page creates areas and cycles, and sends people to the fictional demo in Trainer mode."""

from __future__ import annotations

from tests.pages import ASHVALE, open_page, texts
from toolkit.analysis.benchmark.table import area_tags, cycle_table
from toolkit.core.settings import get_settings
from toolkit.store.areas import get_or_create_area, get_or_create_cycle, list_areas
from toolkit.store.audit import entries
from toolkit.store.db import engine_for, session_scope
from toolkit.training.sandbox import sandbox_url


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


def test_the_demo_partnerships_open_in_trainer_mode_and_never_reach_the_live_record(
    db_url, tmp_path, monkeypatch, catalogue
) -> None:
    """Finding 3: the Start page sends people to Trainer mode's sandbox for the demo; no button on it writes demo data
    into the live record, and a benchmark of the real areas holds none of it."""
    monkeypatch.setenv("TOOLKIT_SANDBOX_URL", f"sqlite:///{tmp_path / 'sandbox.db'}")
    get_settings.cache_clear()
    with session_scope() as s:
        get_or_create_cycle(get_or_create_area("Northshire", session=s), "2026", session=s)
    at = open_page("app_pages/start.py")
    assert "synthetic and fictional" in texts(at) and "sandbox" in texts(at)
    link = next(p for p in at.page_link if "Trainer mode" in p.value)
    assert link.proto.page.endswith("trainer")
    for i in range(len(at.button)):  # whatever a visitor can press on the Start page
        if not at.button[i].proto.disabled:
            at.button[i].click().run()
            assert not at.exception
    at.switch_page("app_pages/trainer.py").run()  # following the link: the story is loaded, in the sandbox
    assert not at.exception
    with session_scope(engine_for(sandbox_url())) as s:
        assert [a.area for a in list_areas(session=s)] == [ASHVALE]
    with session_scope() as s:
        assert [(a.area, a.fictional) for a in list_areas(session=s)] == [("Northshire", False)]
        assert set(area_tags(session=s)) == {"Northshire"}  # what a benchmark of real areas compares
        assert cycle_table("2026", session=s, cat=catalogue, min_group_size=3).areas == []
        assert not entries(session=s, action="demo_load")
    engine_for(sandbox_url()).dispose()
    get_settings.cache_clear()
