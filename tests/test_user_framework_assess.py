"""User-added rated frameworks in the self-assessment (issue 17): a step of their own, filtered by level like the
OPM's, answered and saved through the one write path like the built-in ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.pages import open_page, texts
from tests.test_frameworks import USER_FRAMEWORK
from toolkit.capture.assessment import deep_dives, walk
from toolkit.core.catalogue import catalogue as cached_catalogue
from toolkit.core.frameworks import load_catalogue
from toolkit.core.settings import get_settings
from toolkit.store.areas import get_or_create_area, get_or_create_cycle, resolve_cycle
from toolkit.store.db import session_scope
from toolkit.store.ratings import ratings_frame

TWO_LEVELS = USER_FRAMEWORK.replace(
    "    source: {report: ofsted, section: Summary}\n",
    "    level: all\n    source: {report: ofsted, section: Summary}\n",
    1,
) + (
    "  - id: leaders_listen\n"
    "    text: Leaders act on what front-line staff tell them.\n"
    "    level: strategic\n"
    "    source: {report: ofsted, section: Summary}\n"
)


@pytest.fixture
def user_dir(tmp_path: Path) -> Path:
    (tmp_path / "ofsted_components.yaml").write_text(TWO_LEVELS, encoding="utf-8")
    return tmp_path


def test_a_user_framework_is_a_step_of_the_walk_filtered_by_level(user_dir: Path) -> None:
    cat = load_catalogue(user_dir)
    frontline = walk(cat, "frontline")
    mine = [s for s in frontline if s.framework == "ofsted_components"]
    assert [s.key for s in mine] == ["ofsted_components"]
    assert [i.id for i in mine[0].items] == ["shared_need"]  # level all; the strategic one is not theirs
    every = [s for s in walk(cat, "frontline", all_levels=True) if s.framework == "ofsted_components"]
    assert [i.id for i in every[0].items] == ["shared_need", "leaders_listen"]
    strategic = [s for s in walk(cat, "strategic") if s.framework == "ofsted_components"]
    assert {i.id for i in strategic[0].items} == {"shared_need", "leaders_listen"}
    # scoped out (a workshop that did not choose it), and the bundled catalogue has no such step
    assert not [s for s in walk(cat, "frontline", others=()) if s.framework == "ofsted_components"]
    assert all(s.framework in ("opm", "twelve_cs") for s in walk(load_catalogue(), "frontline"))
    # no short form: every statement is core, so the short form keeps it and offers no deep dive of it
    short = [s for s in walk(cat, "frontline", form="short") if s.framework == "ofsted_components"]
    assert [i.id for i in short[0].items] == ["shared_need"]
    assert not [d for d in deep_dives(cat, "frontline", form="short") if d.framework == "ofsted_components"]


def test_a_respondent_rates_a_user_framework_on_its_own_scale(db_url, user_dir, monkeypatch) -> None:
    monkeypatch.setenv("TOOLKIT_FRAMEWORKS_DIR", str(user_dir))
    get_settings.cache_clear()
    cached_catalogue.cache_clear()
    try:
        with session_scope() as s:
            get_or_create_cycle(get_or_create_area("Northshire", session=s), "2026", session=s)
        at = open_page("app_pages/assess.py", sel_area="Northshire", sel_cycle="2026")
        at.selectbox(key="assess_pick_agency").select("police").run()
        at.selectbox(key="assess_pick_level").select("frontline").run()
        at.button(key="assess_start").click().run()
        steps = len(walk(cached_catalogue(), "frontline"))
        for _ in range(steps - 1):
            at.button(key="assess_next").click().run()
        assert not at.exception
        assert f"Step {steps} of {steps}. Components of successful partnerships" in texts(at)
        radio = at.radio(key="assess_ofsted_components_shared_need")
        assert list(radio.options) == ["1 No", "2 Partly", "3 Yes", "Don't know"]  # its own 1-3 scale
        radio.set_value(3).run()
        assert not at.exception and "not saved" not in texts(at)
        with session_scope() as s:
            df = ratings_frame(resolve_cycle("Northshire", "2026", session=s), session=s)
        row = df[df["framework"] == "ofsted_components"].set_index("item")
        assert row.loc["shared_need", "score"] == 3
    finally:
        get_settings.cache_clear()
        cached_catalogue.cache_clear()
