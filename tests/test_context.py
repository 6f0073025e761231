"""Finding 5: one working context. The area and cycle chosen on Start stay the same on every page, live in the URL
(a bookmarked link opens them), and only names that exist are taken from a URL or a chooser."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Selectbox

from tests.pages import APP, open_page, texts
from toolkit.store.areas import list_areas
from toolkit.store.db import session_scope
from toolkit.training.demo import STORIES, load_demo

ASHVALE, DUNMARSH = STORIES[0].name, STORIES[3].name
PAGES = [p for p in re.findall(r'"(app_pages/\w+\.py)"', Path(APP).read_text()) if not p.endswith("join.py")]


@pytest.fixture
def demo(db_url, catalogue) -> None:
    load_demo(areas=4, catalogue=catalogue)


class _Crafted(Selectbox):
    """A selectbox whose client sends a value the page did not offer (as a crafted client can)."""

    @property
    def _widget_state(self) -> WidgetState:
        ws = WidgetState()
        ws.id = self.id
        ws.string_value = str(self._value)
        return ws


def craft(at: AppTest, key: str, value: str) -> None:
    box = at.selectbox(key=key)
    box.__class__ = _Crafted
    box._value = value
    at.run()


def _context(at: AppTest) -> tuple[str, str]:
    return at.session_state["sel_area"], at.session_state["sel_cycle"]


def test_the_area_and_cycle_chosen_on_start_hold_on_every_page(demo) -> None:
    at = open_page("app_pages/start.py")
    at.selectbox(key="start_pick_area").set_value(DUNMARSH).run()
    at.selectbox(key="start_pick_cycle").set_value("2025").run()
    assert _context(at) == (DUNMARSH, "2025")
    for _ in range(2):  # there and back again: nothing drifts
        for page in PAGES:
            at.switch_page(page)
            at.run()
            assert not at.exception, page
            assert _context(at) == (DUNMARSH, "2025"), page
            assert (at.selectbox(key="ctx_area").value, at.selectbox(key="ctx_cycle").value) == (DUNMARSH, "2025")
            assert at.query_params["area"] in (DUNMARSH, [DUNMARSH]), page
            assert at.query_params["cycle"] in ("2025", ["2025"]), page


def test_the_sidebar_changes_the_context_for_every_page(demo) -> None:
    at = open_page("app_pages/results.py")
    at.selectbox(key="ctx_area").set_value(DUNMARSH).run()
    assert _context(at) == (DUNMARSH, "2026")  # the same cycle name where the new area has it
    at.selectbox(key="ctx_cycle").set_value("2025").run()
    at.switch_page("app_pages/start.py")
    at.run()
    assert at.selectbox(key="start_pick_area").value == DUNMARSH
    assert at.selectbox(key="start_pick_cycle").value == "2025"


def test_a_bookmarked_link_opens_its_area_and_cycle(demo) -> None:
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["area"] = DUNMARSH
    at.query_params["cycle"] = "2025"
    at.run()
    assert _context(at) == (DUNMARSH, "2025")
    at.switch_page("app_pages/results.py")
    at.run()
    assert not at.exception and _context(at) == (DUNMARSH, "2025")
    assert "Dunmarsh" in texts(at)


@pytest.mark.parametrize(
    "query", [{"area": "Rogue partnership", "cycle": "1999"}, {"area": ASHVALE, "cycle": "1999"}, {"area": ""}]
)
def test_a_link_naming_what_does_not_exist_is_refused_and_creates_nothing(demo, query) -> None:
    at = AppTest.from_file(APP, default_timeout=180)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception
    assert "not in this toolkit, so it was not opened" in "\n".join(w.value for w in at.warning)
    assert _context(at) == (ASHVALE, "2026")  # the default context, unchanged
    with session_scope() as s:
        assert {a.area for a in list_areas(session=s)} == {s.name for s in STORIES}
        assert all(len(a.cycles) == 2 for a in list_areas(session=s))


def test_a_crafted_chooser_value_is_refused(demo) -> None:
    at = open_page("app_pages/results.py")
    craft(at, "ctx_area", "Rogue partnership")
    assert not at.exception
    assert _context(at) == (ASHVALE, "2026")
    assert "not one of those offered" in "\n".join(w.value for w in at.warning)
    craft(at, "ctx_cycle", "1999")
    assert _context(at) == (ASHVALE, "2026")
    with session_scope() as s:
        assert "Rogue partnership" not in {a.area for a in list_areas(session=s)}
