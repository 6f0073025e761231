"""AppTest: the Theory of Change page draws the graph, explains a chosen node, and records assumptions."""

from __future__ import annotations

import pytest

from tests.pages import open_page, texts
from toolkit.store.areas import resolve_cycle
from toolkit.store.assumptions import assumption_register
from toolkit.store.db import session_scope
from toolkit.training.demo import load_demo

DUNMARSH = "Dunmarsh (fictional)"  # the demo story where information is not shared


@pytest.fixture
def seeded(db_url, catalogue):
    load_demo(areas=4, catalogue=catalogue)
    return db_url


def test_graph_legend_and_text_view(seeded, catalogue) -> None:
    at = open_page("app_pages/theory_of_change.py", sel_area=DUNMARSH, sel_cycle="2026")
    assert not at.exception
    dot = at.get("graphviz_chart")[0].proto.spec
    assert all(f'"{n.id}"' in dot for n in catalogue.toc.nodes)
    shown = texts(at)
    assert "Legend:" in shown and "octagon" in shown  # status is said in words and shape, not colour alone
    assert "Information shared efficiently and consistently" in shown  # the text view lists every node


def test_choosing_a_weak_node_shows_its_items_assumptions_and_interventions(seeded) -> None:
    at = open_page("app_pages/theory_of_change.py", sel_area=DUNMARSH, sel_cycle="2026")
    at.selectbox(key="toc_node").select("int_information_sharing").run()
    assert not at.exception
    shown = texts(at)
    assert "### Information shared efficiently and consistently" in shown
    assert "Status: **Weak**" in shown
    assert "Interventions that work on it" in shown
    assert len(at.dataframe) >= 1  # the linked statements with their scores


def test_an_assumption_judgement_is_saved(seeded, catalogue) -> None:
    first = catalogue.toc.assumptions[0].id
    at = open_page("app_pages/theory_of_change.py", sel_area=DUNMARSH, sel_cycle="2026")
    at.selectbox(key=f"toc_as_{first}").select("fails").run()
    assert not at.exception
    with session_scope() as s:
        assert assumption_register(resolve_cycle(DUNMARSH, "2026", session=s), session=s)[first]["status"] == "fails"
