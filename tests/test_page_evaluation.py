"""AppTest: the Evaluation page offers both designs over the areas the account may see, with the figures of
`toolkit.analysis.evaluation` and the Social Engine caveats."""

from __future__ import annotations

import pytest

from tests.pages import open_page, texts
from toolkit.access.accounts import Identity, create_user, start_session
from toolkit.access.memberships import grant
from toolkit.access.scope import OPERATOR
from toolkit.analysis.evaluation import GroupSpec, evaluate
from toolkit.store.areas import list_areas
from toolkit.store.db import session_scope
from toolkit.training.demo import load_demo

PW = "a long enough password"


@pytest.fixture
def areas(db_url, catalogue) -> list[str]:
    load_demo(areas=4, cycles=("2024", "2025", "2026"), catalogue=catalogue)
    with session_scope() as s:
        return sorted(a.area for a in list_areas(session=s))


def test_two_areas_against_two_show_the_toolkit_figures(areas, catalogue) -> None:
    a, b, c, d = areas
    at = open_page("app_pages/evaluation.py", ev_t=[a, b], ev_c=[c, d], ev_before="2025", ev_after="2026")
    assert not at.exception
    with session_scope() as s:
        ev = evaluate(
            areas=[a, b, c, d],
            treatment=GroupSpec(by="area", values=[a, b]),
            comparison=GroupSpec(by="area", values=[c, d]),
            after="2026",
            before="2025",
            session=s,
            cat=catalogue,
        )
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Treatment mean"] == f"{ev.post.mean_treatment:.2f}"
    assert metrics["Comparison mean"] == f"{ev.post.mean_comparison:.2f}"
    assert ev.did is not None and metrics["How much more the treatment group changed"] == f"{ev.did.did:+.2f}"
    shown = texts(at)
    assert f"95% interval {ev.did.ci_low:.2f} to {ev.did.ci_high:.2f}" in shown
    assert "Pre-trend check" in shown and "2024" in shown
    assert "Self-selection" in shown and "helpline" in shown and "synthetic demo data" in shown
    assert "165 trained DSLs against 984" in shown and "0.18 to 0.57" in shown
    assert not at.dataframe[0].value.empty


def test_after_only_says_what_it_cannot_tell(areas) -> None:
    a, b, *_ = areas
    at = open_page("app_pages/evaluation.py", ev_t=[a], ev_c=[b], ev_after="2026")
    assert not at.exception
    assert "After only: without a cycle before" in texts(at)
    assert "How much more the treatment group changed" not in {m.label for m in at.metric}


def test_a_member_of_one_area_is_offered_only_that_area(areas) -> None:
    with session_scope() as s:
        create_user("fac", PW, "facilitator", session=s, all_areas=False)
        grant("fac", "facilitator", areas[0], actor=OPERATOR, session=s)
        token = start_session(Identity("fac", "facilitator"), session=s)
    at = open_page("app_pages/evaluation.py", auth_token=token)
    assert not at.exception
    assert at.multiselect(key="ev_t").options == [areas[0]]
