"""AppTest: the Theory of Change page draws the canvas, explains a chosen box, follows links, filters, and records\nassumptions."""

from __future__ import annotations

import json

import pytest

from tests.access.world import forge
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


def _canvas_svg(at) -> str:
    el = at.get("bidi_component")
    assert len(el) == 1 and el[0].proto.component_name == "toc_canvas"
    return json.loads(el[0].proto.json)["svg"]


def test_canvas_legend_mapping_and_text_view(seeded, catalogue) -> None:
    at = open_page("app_pages/theory_of_change.py", sel_area=DUNMARSH, sel_cycle="2026")
    assert not at.exception
    svg = _canvas_svg(at)
    assert all(f'data-node="{n.id}"' in svg for n in catalogue.toc.nodes)
    assert "OPM stage: Create" in svg  # the Table 3 overlay on the canvas itself
    shown = texts(at)
    assert "Legend:" in shown and "octagon" in shown  # status is said in words and shape, not colour alone
    assert "Create → Inputs" in shown and "Consider → Ultimate outcomes" in shown  # the mapping, written
    assert "Information shared efficiently and consistently" in shown  # the text view lists every node


def test_choosing_a_weak_node_shows_its_panel(seeded) -> None:
    at = open_page("app_pages/theory_of_change.py", sel_area=DUNMARSH, sel_cycle="2026")
    at.selectbox(key="toc_node").select("int_information_sharing").run()
    assert not at.exception
    assert "Trend over cycles" not in texts(at)  # the earlier cycles are read only when the trend is asked for
    at.toggle(key="toc_trend").set_value(True).run()
    shown = texts(at)
    assert "### Information shared efficiently and consistently" in shown
    assert "Status: **Weak**" in shown
    assert "95% interval" in shown and "people" in shown
    assert "Interventions that work on it" in shown and "Trend over cycles" in shown
    assert "What it rests on (preconditions)" in shown and "What depends on it" in shown
    frames = [d.value for d in at.dataframe]
    statements = next(f for f in frames if "feeds" in f.columns)
    assert len(statements) >= 1 and statements["feeds"].map(len).min() >= 1  # each statement names its boxes
    svg = _canvas_svg(at)
    assert 'data-node="int_information_sharing" data-status="weak" data-shape="octagon" data-role="selected"' in svg
    assert 'data-role="upstream"' in svg and 'data-role="downstream"' in svg


def test_following_a_link_chooses_the_next_box(seeded) -> None:
    at = open_page(
        "app_pages/theory_of_change.py", sel_area=DUNMARSH, sel_cycle="2026", toc_node="int_information_sharing"
    )
    go = [b for b in at.button if b.key and b.key.startswith("toc_go_")]
    assert go
    target = go[-1].key.removeprefix("toc_go_")
    go[-1].click().run()
    assert not at.exception
    assert at.session_state["toc_node"] == target
    assert f'data-node="{target}"' in _canvas_svg(at)


def test_filters_keep_only_matching_boxes_and_a_tier_folds(seeded) -> None:
    at = open_page("app_pages/theory_of_change.py", sel_area=DUNMARSH, sel_cycle="2026")
    at.session_state["toc_statuses"] = ["weak"]
    at.session_state["toc_folded"] = ["outputs"]
    at.run()
    assert not at.exception
    svg = _canvas_svg(at)
    assert 'data-status="weak"' in svg
    assert not any(f'data-status="{s}"' in svg for s in ("strong", "adequate", "at_risk", "unknown"))
    assert "(folded)" in svg


def test_an_assumption_judgement_is_saved(seeded, catalogue) -> None:
    first = catalogue.toc.assumptions[0].id
    at = open_page("app_pages/theory_of_change.py", sel_area=DUNMARSH, sel_cycle="2026")
    at.selectbox(key=f"toc_as_{first}").select("fails").run()
    assert not at.exception
    with session_scope() as s:
        assert assumption_register(resolve_cycle(DUNMARSH, "2026", session=s), session=s)[first]["status"] == "fails"


def test_a_box_fed_by_two_frameworks_shows_each_on_its_own_scale(seeded, catalogue) -> None:
    from toolkit.analysis.area import analyse
    from toolkit.analysis.config import Config

    with session_scope() as s:
        a = analyse(DUNMARSH, "2026", session=s, cat=catalogue, cfg=Config.from_settings())
    node = next(n for n in a.toc.nodes if len(n.by_framework) > 1 and n.score is not None)
    assert node.score == round(1 + 4 * (node.common or 0), 2)  # the common 0-1 score, read on 1-5
    at = open_page("app_pages/theory_of_change.py", sel_area=DUNMARSH, sel_cycle="2026")
    at.selectbox(key="toc_node").select(node.id).run()
    assert not at.exception
    shown = texts(at)
    for fw, mean in node.by_framework.items():
        assert f"{catalogue.get(fw).title} {mean:.1f} (1-5)" in shown
    assert "On one scale" in shown


def _submit(at, label: str):
    return next(b for b in at.button if b.label == label).click().run()


def test_the_partnership_edits_its_own_version_and_sees_the_diff(seeded, catalogue) -> None:
    at = open_page("app_pages/theory_of_change.py", sel_area=DUNMARSH, sel_cycle="2026")
    assert "uses Kantar's Theory of Change as it stands" in texts(at)
    assert not [w for w in at.text_input if w.key == "toc_add_label"]  # the forms wait until editing is chosen
    assert "Your account may read this partnership's Theory of Change" not in texts(at)  # this one may change it
    at.toggle(key="toc_editing").set_value(True).run()
    at.text_input(key="toc_add_label").input("Joint training budget")
    at.selectbox(key="toc_add_tier").select("inputs")
    at.text_input(key="toc_note").input("For the March board")
    _submit(at, "Add the box")
    assert not at.exception
    shown = texts(at)
    assert "Saved as version 1: added the box 'Joint training budget'" in shown
    assert "Box added: 'Joint training budget' (inputs, OPM stage create)." in shown
    assert 'data-node="joint_training_budget"' in _canvas_svg(at)  # the canvas draws the partnership's own version

    # A link's assumptions: the first link now rests on the first assumption; the diff shows it against v1.
    first = catalogue.toc.edges[0]
    at.selectbox(key="toc_el_link").select(f"{first.from_}->{first.to}")
    at.multiselect(key="toc_el_as").select(catalogue.toc.assumptions[0].id)
    _submit(at, "Change the link")
    assert not at.exception
    shown = texts(at)
    assert "Saved as version 2" in shown
    assert f"now rests on '{catalogue.toc.assumptions[0].text}'" in shown and "**1 change(s)**" in shown
    at.radio(key="toc_against").set_value("kantar").run()
    assert "**2 change(s)**" in texts(at)  # against Kantar's: the box and the link

    # Reconnect that link onto the new box: its assumption goes with it.
    at.selectbox(key="toc_rc_link").select(f"{first.from_}->{first.to}")
    at.selectbox(key="toc_rc_from").select("joint_training_budget")
    at.selectbox(key="toc_rc_to").select(first.to)
    _submit(at, "Reconnect the link")
    assert not at.exception
    shown = texts(at).replace("\\", "")
    assert "Saved as version 3: reconnected a link" in shown
    assert "Link added: 'Joint training budget' →" in shown and "Link removed: " in shown


def test_an_invalid_edit_is_refused_with_its_reason_and_a_crafted_box_is_not_acted_on(seeded) -> None:
    at = open_page("app_pages/theory_of_change.py", sel_area=DUNMARSH, sel_cycle="2026", toc_editing=True)
    _submit(at, "Add the box")  # no name, no tier
    assert "Choose the tier the new box sits in." in texts(at)
    forge(at.selectbox(key="toc_rt_box"), "not_a_box")  # a value the form never offered, as a crafted client sends
    _submit(at, "Retire the box")
    assert not at.exception
    assert "That choice was not offered on this page, so nothing was done." in texts(at)
    assert "uses Kantar's Theory of Change as it stands" in texts(at)
