"""AppTest: suggestions with reasons, shortlist, APEASE scoring, side by side, and the decision."""

from __future__ import annotations

import pytest

from tests.pages import ASHVALE, open_page, texts
from toolkit.core import ids
from toolkit.store.areas import resolve_cycle
from toolkit.store.db import session_scope
from toolkit.store.plans import apease_scores, decisions, shortlist
from toolkit.training.demo import load_demo


@pytest.fixture
def seeded(db_url, catalogue):
    load_demo(areas=3, catalogue=catalogue)
    return db_url


def test_suggestions_come_with_reasons_that_cite_results(seeded) -> None:
    at = open_page("app_pages/interventions.py", sel_area=ASHVALE, sel_cycle="2026")
    assert not at.exception
    shown = texts(at)
    assert "**1. " in shown
    assert "(n=" in shown  # reasons name the results that triggered them


def test_a_strong_area_is_not_given_a_padded_list(seeded) -> None:
    at = open_page("app_pages/interventions.py", sel_area="Corrowmere (fictional)", sel_cycle="2026")
    assert not at.exception
    numbered = [m for m in texts(at).split("\n") if m.startswith("**") and ". " in m[:6]]
    assert len(numbered) <= 5


def test_shortlist_score_compare_and_decide(seeded) -> None:
    at = open_page("app_pages/interventions.py", sel_area=ASHVALE, sel_cycle="2026")
    first = next(b for b in at.button if b.key and b.key.startswith("iv_add_"))
    iv_id = first.key.removeprefix("iv_add_")
    first.click().run()
    with session_scope() as s:
        assert shortlist(resolve_cycle(ASHVALE, "2026", session=s), session=s) == [iv_id]
    at.text_input(key=f"iv_rater_{iv_id}").input("Chair")
    for k, crit in enumerate(ids.APEASE):
        at.radio(key=f"iv_ap_{iv_id}_{crit}").set_value(2 if k == 0 else 4)
    at.button(key=f"iv_save_{iv_id}").click().run()
    assert not at.exception
    with session_scope() as s:
        scores = {
            r["criterion"]: r["score"] for r in apease_scores(resolve_cycle(ASHVALE, "2026", session=s), session=s)
        }
    assert scores["affordability"] == 2 and scores["equity"] == 4
    table = at.dataframe[-1].value
    assert "⚠" in table.iloc[0, 0]  # affordability at 2 is flagged as a concern
    at.radio(key=f"iv_sel_{iv_id}").set_value("Selected")
    at.text_input(key=f"iv_why_{iv_id}").input("Cheapest way to reach the frontline")
    at.button(key=f"iv_dec_{iv_id}").click().run()
    with session_scope() as s:
        d = decisions(resolve_cycle(ASHVALE, "2026", session=s), session=s)[iv_id]
    assert d["selected"] and d["rationale"] == "Cheapest way to reach the frontline"


def test_scores_need_a_rater(seeded) -> None:
    at = open_page("app_pages/interventions.py", sel_area=ASHVALE, sel_cycle="2026")
    first = next(b for b in at.button if b.key and b.key.startswith("iv_add_"))
    iv_id = first.key.removeprefix("iv_add_")
    first.click().run()
    at.radio(key=f"iv_ap_{iv_id}_affordability").set_value(3)
    at.button(key=f"iv_save_{iv_id}").click().run()
    assert "Say who is scoring" in texts(at)
    with session_scope() as s:
        assert apease_scores(resolve_cycle(ASHVALE, "2026", session=s), session=s) == []
