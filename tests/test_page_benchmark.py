"""AppTest: the Benchmark page compares an area with its peers, anonymised unless the viewer may see names."""

from __future__ import annotations

import json
import re

import pytest

from tests.pages import ASHVALE, open_page, texts
from toolkit.access.accounts import Identity, create_user, start_session
from toolkit.store.db import session_scope
from toolkit.training.demo import load_demo

PW = "a long enough password"


def sign_in(role: str) -> str:
    """A session token for a new account of that role."""
    with session_scope() as s:
        create_user(role, PW, role, session=s)
        return start_session(Identity(role, role), session=s)


@pytest.fixture
def seeded(db_url, catalogue):
    load_demo(areas=7, catalogue=catalogue)
    with session_scope() as s:
        from toolkit.analysis.benchmark.table import area_tags

        return area_tags(session=s)


def specs(at) -> list[str]:
    """The Vega-Lite specs of the page's charts."""
    return [c.proto.spec for c in at.get("vega_lite_chart")]


def everything(at) -> str:
    """Every text, chart spec and table the page shows."""
    parts = [texts(at)]
    parts += specs(at)
    parts += [df.value.to_csv() for df in at.dataframe]
    parts += [json.dumps([m.label, m.value]) for m in at.metric]
    return "\n".join(parts)


def test_sign_in_is_needed(seeded) -> None:
    at = open_page("app_pages/benchmark.py", sel_area=ASHVALE, sel_cycle="2026")
    assert not at.exception
    assert "Sign in to use benchmarks." in texts(at) and not at.metric


def test_a_facilitator_sees_percentile_cards_and_anonymised_peers(seeded) -> None:
    at = open_page("app_pages/benchmark.py", auth_token=sign_in("facilitator"), sel_area=ASHVALE, sel_cycle="2026")
    assert not at.exception
    names = ["Overall", "Consider", "Create", "Communicate", "Commit"]
    assert [m.label for m in at.metric] == names
    assert all(re.fullmatch(r"\d+(st|nd|rd|th)", m.value) for m in at.metric)
    assert at.metric[0].delta.endswith("since 2025")
    shown = everything(at)
    assert "Peer areas are anonymised" in shown and "Peer 01" in shown and "Peer 06" in shown
    for name in seeded:
        if name != ASHVALE:
            assert name not in shown and name.removesuffix(" (fictional)") not in shown, name
    assert any("The four stages against peers" in s for s in specs(at)) and any("over cycles" in s for s in specs(at))


def test_a_scrutineer_sees_peers_named(seeded) -> None:
    at = open_page("app_pages/benchmark.py", auth_token=sign_in("scrutineer"), sel_area=ASHVALE, sel_cycle="2026")
    assert not at.exception
    peers = at.dataframe[0].value
    assert set(peers["peer"]) == set(seeded) - {ASHVALE}
    assert "Peer areas are named" in texts(at)


def test_too_few_peers_after_filtering_shows_no_peer_statistics(seeded) -> None:
    at = open_page("app_pages/benchmark.py", auth_token=sign_in("scrutineer"), sel_area=ASHVALE, sel_cycle="2026")
    wales = sum(t.get("nation") == "Wales" for t in seeded.values())
    assert wales < 5
    at.selectbox(key="bench_f_nation").set_value("Wales").run()
    assert not at.exception
    assert any("peer statistics need at least 5" in w.value for w in at.warning)
    assert all(m.value == "-" for m in at.metric)
    assert at.dataframe[0].value.empty  # not even the few peers' own values


def test_the_history_measure_can_be_changed(seeded) -> None:
    at = open_page("app_pages/benchmark.py", auth_token=sign_in("facilitator"), sel_area=ASHVALE, sel_cycle="2026")
    at.selectbox(key="bench_hist_key").set_value("c:c07_culture_of_challenge").run()
    assert not at.exception
    assert any("7. Culture of Challenge, Inclusion and Transparency over cycles" in s for s in specs(at))


def test_an_area_without_ratings_in_the_cycle_says_so(seeded) -> None:
    from toolkit.store.areas import get_or_create_area, get_or_create_cycle

    with session_scope() as s:
        get_or_create_cycle(get_or_create_area("Northshire", session=s), "2026", session=s)
    at = open_page("app_pages/benchmark.py", auth_token=sign_in("facilitator"), sel_area="Northshire", sel_cycle="2026")
    assert not at.exception
    assert "Northshire has no ratings in cycle 2026 yet" in texts(at) and not at.metric
