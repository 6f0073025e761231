"""AppTest: the facilitator picks a workshop's form and scope on the create form; the self-assessment offers the same
choice of form, and deep dives after the core; a crafted value is refused and nothing is written."""

from __future__ import annotations

from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1.element_tree import Multiselect, Radio

from tests.pages import open_page, texts
from toolkit import workshops as ws
from toolkit.access.accounts import authenticate, create_user, start_session
from toolkit.core import ids
from toolkit.store.areas import get_or_create_area, get_or_create_cycle, resolve_cycle
from toolkit.store.audit import entries
from toolkit.store.db import session_scope
from toolkit.store.ratings import ratings_frame

PW = "a long facilitator password"


class _CraftedRadio(Radio):
    """A radio whose client sends a value the page did not offer (as a crafted client can)."""

    @property
    def _widget_state(self) -> WidgetState:
        ws = WidgetState()
        ws.id = self.id
        ws.string_value = str(self._value)
        return ws


class _CraftedMultiselect(Multiselect):
    @property
    def _widget_state(self) -> WidgetState:
        ws = WidgetState()
        ws.id = self.id
        ws.string_array_value.data[:] = [str(v) for v in self._value]
        return ws


def craft(widget, crafted: type, value) -> None:
    widget.__class__ = crafted
    widget._value = value


def _facilitator() -> str:
    with session_scope() as s:
        create_user("facil", PW, "facilitator", session=s)
        get_or_create_area("Northshire", session=s)
        return start_session(authenticate("facil", PW, session=s), session=s)


def _create_form(**values):
    at = open_page("app_pages/workshop.py", auth_token=_facilitator())
    assert not at.exception
    at.selectbox(key="workshop_f_area").set_value("Northshire")
    at.text_input(key="workshop_f_cycle").input("2026")
    for key, value in values.items():
        if key == "workshop_f_form":
            at.radio(key=key).set_value(value)
        else:
            at.multiselect(key=key).set_value(value)
    return at


def test_the_create_form_offers_the_form_and_the_cs_and_keeps_the_full_form_by_default(db_url) -> None:
    at = _create_form()
    assert at.radio(key="workshop_f_form").value == "full"
    assert list(at.multiselect(key="workshop_f_cs").value) == list(ids.C_IDS)
    at.button[0].click().run()
    with session_scope() as s:
        (w,) = ws.list_workshops(session=s)
    assert (w.form, w.cs) == ("full", ids.C_IDS)


def test_a_facilitator_creates_a_short_workshop_with_some_stages_and_cs(db_url, catalogue) -> None:
    at = _create_form(
        workshop_f_form="short",
        workshop_f_stages=["commit"],
        workshop_f_cs=["c04_capacity", "c09_consistency_stability"],
    )
    at.button[0].click().run()
    assert not at.exception and "Workshop created" in texts(at)
    with session_scope() as s:
        (w,) = ws.list_workshops(session=s)
        (line,) = entries(session=s, action="workshop.create")
    assert (w.form, w.stages, w.cs) == ("short", ("commit",), ("c04_capacity", "c09_consistency_stability"))
    assert line.actor == "facil" and line.after["form"] == "short"
    steps = ws.steps_for(w, "frontline", catalogue)
    assert sum(len(s.items) for s in steps) == 2 + 2  # commit's driver and barrier, one statement per C


def test_a_crafted_form_value_is_refused_and_no_workshop_made(db_url) -> None:
    at = _create_form()
    craft(at.radio(key="workshop_f_form"), _CraftedRadio, "everything")
    at.button[0].click().run()
    assert not at.exception
    assert any("Not created" in e.value for e in at.error)
    with session_scope() as s:
        assert ws.list_workshops(session=s) == []


def test_a_crafted_c_is_refused_and_no_workshop_made(db_url) -> None:
    at = _create_form()
    craft(at.multiselect(key="workshop_f_cs"), _CraftedMultiselect, ["c01_clarity", "c13_charisma"])
    at.button[0].click().run()
    assert any("Not created" in e.value and "12 C's" in e.value for e in at.error)
    with session_scope() as s:
        assert ws.list_workshops(session=s) == []


# ---- self-assessment ------------------------------------------------------------------------------------------------


def _start(form: str | None):
    with session_scope() as s:
        get_or_create_cycle(get_or_create_area("Northshire", session=s), "2026", session=s)
    at = open_page("app_pages/assess.py", sel_area="Northshire", sel_cycle="2026")
    assert at.radio(key="assess_pick_form").value == "full"  # the default: every statement, as before
    at.selectbox(key="assess_pick_agency").select("police").run()
    at.selectbox(key="assess_pick_level").select("frontline").run()
    if form is not None:
        at.radio(key="assess_pick_form").set_value(form).run()
    return at


def test_the_self_assessment_offers_the_short_form_and_then_deep_dives(db_url, catalogue) -> None:
    at = _start("short")
    at.button(key="assess_start").click().run()
    assert not at.exception and at.query_params["form"] == "short"
    core = [i for i in catalogue.opm.items if i.id in catalogue.opm.short_form.items]
    assert [r.label for r in at.radio] == [i.text for i in core if i.stage == "consider" and i.level == "frontline"]
    for _ in range(6):  # four stages, two groups of C's
        at.button(key="assess_next").click().run()
    assert "Thank you" in texts(at)
    at.multiselect(key="assess_pick_deep").set_value(["deep_consider"]).run()
    at.button(key="assess_add_deep").click().run()
    assert "Deep dive: Consider" in texts(at) and at.query_params["deep"] == "deep_consider"
    rest = [i.text for i in catalogue.opm.items if i.stage == "consider" and i.level == "frontline" and i not in core]
    assert [r.label for r in at.radio] == rest
    at.radio[0].set_value(4).run()
    with session_scope() as s:
        rated = ratings_frame(resolve_cycle("Northshire", "2026", session=s), session=s)
    assert list(rated["item"]) == [next(i.id for i in catalogue.opm.items if i.text == rest[0])]
    # the link brings the respondent back to the same form and deep dives
    fresh = open_page("app_pages/assess.py")
    fresh.query_params.update(dict(at.query_params))
    fresh.run()
    assert fresh.session_state["assess_form"] == "short" and fresh.session_state["assess_deep"] == ["deep_consider"]


def test_the_self_assessment_full_form_is_unchanged(db_url) -> None:
    at = _start(None)
    at.button(key="assess_start").click().run()
    assert "Step 1 of 6. Consider" in texts(at) and len(at.radio) == 8


def test_a_crafted_form_or_deep_dive_is_refused(db_url) -> None:
    at = _start(None)
    craft(at.radio(key="assess_pick_form"), _CraftedRadio, "tiny")
    at.button(key="assess_start").click().run()
    assert "Not started" in texts(at) and not at.session_state["assess_respondent"]
    at = _start("short")
    at.button(key="assess_start").click().run()
    for _ in range(6):
        at.button(key="assess_next").click().run()
    craft(at.multiselect(key="assess_pick_deep"), _CraftedMultiselect, ["deep_nowhere"])
    at.button(key="assess_add_deep").click().run()
    assert "not offered" in texts(at) and at.session_state["assess_deep"] == []
    link = {**dict(at.query_params), "form": "tiny", "deep": "deep_nowhere,deep_commit"}
    fresh = open_page("app_pages/assess.py")
    fresh.query_params.update(link)
    fresh.run()
    assert not fresh.exception and fresh.session_state["assess_respondent"]
    assert fresh.session_state["assess_form"] == "full" and fresh.session_state["assess_deep"] == ["deep_commit"]
