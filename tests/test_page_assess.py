"""AppTest: the self-assessment saves every answer as it is given and resumes from the link."""

from __future__ import annotations

import pandas as pd

from tests.pages import open_page, texts
from toolkit.store.areas import get_or_create_area, get_or_create_cycle, list_areas, resolve_cycle
from toolkit.store.db import session_scope
from toolkit.store.ratings import ratings_frame


def _area(db_url: str) -> None:
    with session_scope() as s:
        get_or_create_cycle(get_or_create_area("Northshire", session=s), "2026", session=s)


def _started(db_url: str):
    _area(db_url)
    at = open_page("app_pages/assess.py", sel_area="Northshire", sel_cycle="2026")
    at.selectbox(key="assess_pick_agency").select("police").run()
    at.selectbox(key="assess_pick_level").select("frontline").run()
    at.button(key="assess_start").click().run()
    assert not at.exception
    return at


def test_a_respondent_starts_and_sees_consider_first_with_only_their_level(db_url, catalogue) -> None:
    at = _started(db_url)
    assert "Step 1 of 6. Consider" in texts(at)
    frontline = [i.text for i in catalogue.opm.items if i.stage == "consider" and i.level == "frontline"]
    labels = [r.label for r in at.radio]
    assert labels == frontline
    assert len(at.query_params["k"]) >= 32 and "r" not in at.query_params  # a secret, never the pseudonym


def test_each_answer_is_saved_as_it_is_given_and_a_change_keeps_history(db_url, catalogue) -> None:
    from sqlalchemy import select

    from toolkit.store.models import RatingHistory

    at = _started(db_url)
    first, second = [i.id for i in catalogue.opm.items if i.stage == "consider" and i.level == "frontline"][:2]
    at.radio[0].set_value(2).run()
    at.radio[1].set_value("dk").run()
    at.text_input[0].input("Hardly anything reaches us").run()
    with session_scope() as s:
        df = ratings_frame(resolve_cycle("Northshire", "2026", session=s), session=s).set_index("item")
    assert len(df) == 2
    assert df.loc[first, "score"] == 2 and df.loc[first, "comment"] == "Hardly anything reaches us"
    assert df.loc[second, "score"] is pd.NA  # don't know is stored as a blank, not a number
    at.radio[0].set_value(3).run()
    with session_scope() as s:
        assert (
            ratings_frame(resolve_cycle("Northshire", "2026", session=s), session=s)
            .set_index("item")
            .loc[first, "score"]
            == 3
        )
        history = s.scalars(select(RatingHistory)).all()
    assert [h.score for h in history] == [2, 2]  # the earlier values (score 2, then score 2 with its comment) are kept
    assert at.get("progress")[0].proto.text.startswith("2 of ")


def test_back_and_forward_keep_the_answers(db_url) -> None:
    at = _started(db_url)
    at.radio[0].set_value(4).run()
    at.button(key="assess_next").click().run()
    assert "Step 2 of 6. Create" in texts(at)
    at.button(key="assess_back").click().run()
    assert at.radio[0].value == 4


def test_a_refresh_resumes_from_the_link(db_url) -> None:
    at = _started(db_url)
    at.radio[0].set_value(5).run()
    link = dict(at.query_params)
    fresh = open_page("app_pages/assess.py")  # a new browser session...
    fresh.query_params.update(link)  # ...arriving with the bookmarked link
    fresh.run()
    assert not fresh.exception
    assert "Step 1 of 6" in texts(fresh)
    assert fresh.radio[0].value == 5


def test_submit_refuses_control_characters_and_bad_values(db_url, catalogue) -> None:
    import pytest

    from toolkit.capture.assessment import AnswerError, submit_answer

    item = catalogue.opm.items[0].id
    with session_scope() as s:
        for kwargs, why in (
            ({"comment": "bell\x07"}, "control character"),
            ({"score": 9}, "outside"),
            ({"agency": "army"}, "unknown agency"),
            ({"item": "nope"}, "unknown statement"),
            ({"comment": "x" * 4001}, "longer than"),
        ):
            args = {"agency": "police", "level": "frontline", "item": item, "score": 3, "comment": "", **kwargs}
            with pytest.raises(AnswerError, match=why):
                submit_answer(
                    "Northshire",
                    "2026",
                    "r-1",
                    args["agency"],
                    args["level"],
                    "opm",
                    args["item"],
                    args["score"],
                    args["comment"],
                    session=s,
                    cat=catalogue,
                )
    with session_scope() as s:
        assert list_areas(session=s) == []  # refused before anything was created
