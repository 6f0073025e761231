"""AppTest: the Context page saves the area's context factors and tags."""

from __future__ import annotations

from tests.pages import open_page, texts
from toolkit.store.areas import find_area, get_or_create_area
from toolkit.store.db import session_scope


def test_context_factors_and_tags_are_saved(db_url, catalogue) -> None:
    with session_scope() as s:
        get_or_create_area("Northshire", session=s)
    at = open_page("app_pages/context.py", sel_area="Northshire")
    assert not at.exception
    labels = [t.label for t in at.text_area]
    assert labels == [f.name for f in catalogue.opm.context_factors]
    at.text_area(key="ctx_prior_experience").input("A joint board since 2015")
    at.text_input(key="ctx_tag_nation").input("England")
    at.button[0].click().run()
    assert "Context saved." in texts(at)
    with session_scope() as s:
        a = find_area("Northshire", session=s)
        assert a.context["prior_experience"] == "A joint board since 2015"
        assert a.tags == {"nation": "England"}
