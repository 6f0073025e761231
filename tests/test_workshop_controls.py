"""The facilitator's controls as data: the roster form's fields, the participants to pick, a re-issued link, and the
shortlist saved as chosen (each checked against the account that runs the workshop, each change audited)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from toolkit import workshops as ws
from toolkit.access.accounts import Identity, Member
from toolkit.access.scope import AccessDenied
from toolkit.core import ids
from toolkit.store.audit import entries
from toolkit.store.db import session_scope
from toolkit.store.models import ShortlistEntry
from toolkit.store.plans import shortlist

FACIL = Identity("facil", "facilitator", (Member("facilitator"),))
OTHER = Identity("other", "facilitator", (Member("facilitator"),))


@pytest.fixture
def room(db_url, catalogue):
    with session_scope() as s:
        w = ws.create_workshop("Northshire", "2026", created_by="facil", session=s)
        named = ws.join(w.code, "police", "strategic", "Sam", session=s)
        unnamed = ws.join(w.code, "health", "frontline", session=s)
    return w, named, unnamed


def test_the_roster_form_has_every_agency_then_every_level_with_the_numbers_expected() -> None:
    fields = ws.roster_fields({"agency:police": 4, "level:strategic": 3})
    assert [f.key for f in fields] == ws.roster_keys()
    assert len(fields) == len(ids.AGENCIES) + len(ids.LEVELS)
    by_key = {f.key: f for f in fields}
    assert (by_key["agency:police"].label, by_key["agency:police"].expected) == ("Police", 4)
    assert (by_key["level:strategic"].label, by_key["level:strategic"].expected) == ("Strategic level", 3)
    assert by_key["agency:health"].expected == 0 and by_key["level:frontline"].label == "Frontline level"


def test_participants_to_pick_are_named_by_name_or_pseudonym_with_agency_and_level(room, catalogue) -> None:
    w, named, unnamed = room
    with session_scope() as s:
        choices = ws.participant_choices(ws.status(w, session=s, cat=catalogue))
    assert choices == {
        named.pseudonym: "Sam · Police, strategic",
        unnamed.pseudonym: f"{unnamed.pseudonym} · Health, frontline",
    }


def test_a_new_link_replaces_the_old_one_and_only_the_facilitator_who_runs_it_gets_one(room) -> None:
    w, named, _unnamed = room
    with session_scope() as s:
        with pytest.raises(ws.JoinError, match="only the facilitator"):
            ws.new_link(OTHER, w.code, named.pseudonym, "http://host/workshop", session=s)
        with pytest.raises(ws.JoinError, match="not in this workshop"):
            ws.new_link(FACIL, w.code, "r-nobody", "http://host/workshop", session=s)
    with session_scope() as s:
        fresh = ws.new_link(FACIL, w.code, named.pseudonym, "http://host/workshop", session=s)
    assert fresh.name == "Sam" and fresh.link.startswith(f"http://host/join?w={w.code}&k=")
    secret = fresh.link.split("&k=")[1]
    with session_scope() as s:
        assert ws.resume_participant(w.code, named.secret, session=s) is None  # the old link opens nothing
        resumed = ws.resume_participant(w.code, secret, session=s)
        assert resumed is not None and resumed.pseudonym == named.pseudonym
        (line,) = entries(session=s, action="workshop.reissue_link")
    assert line.actor == "facil" and secret not in str(line.before) + str(line.after)


def test_the_shortlist_is_saved_as_chosen_by_the_facilitator_who_runs_the_workshop(room, catalogue) -> None:
    w, _named, _unnamed = room
    a, b, c = (iv.id for iv in catalogue.interventions[:3])
    with session_scope() as s:
        assert ws.save_shortlist(FACIL, w.code, [a, b], session=s, cat=catalogue) == [a, b]
    with session_scope() as s:
        assert ws.save_shortlist(FACIL, w.code, [b, c], session=s, cat=catalogue) == [b, c]
        lines = entries(session=s, action="shortlist_remove") + entries(session=s, action="shortlist_add")
    assert len(lines) == 4 and {line.actor for line in lines} == {"facil"}  # the removal names who, too
    with session_scope() as s, pytest.raises(AccessDenied):
        ws.save_shortlist(OTHER, w.code, [a], session=s, cat=catalogue)
    with pytest.raises(ValueError), session_scope() as s:
        ws.save_shortlist(FACIL, w.code, [a, "no_such_intervention"], session=s, cat=catalogue)
    with session_scope() as s:
        assert shortlist(w.ref, session=s) == [b, c]  # nothing of a refused save is kept
        assert len(s.scalars(select(ShortlistEntry)).all()) == 2


def test_my_answers_label_each_statement_on_its_own_scale(room, catalogue) -> None:
    w, _named, _unnamed = room
    own = [
        (step, item, lv)
        for lv in ids.LEVELS
        for step in ws.steps_for(w, lv, catalogue)
        for item in step.items
        if catalogue.item_scale(step.framework, item.id) != catalogue.scale(step.framework)
    ]
    assert own, "no statement of the workshop has a scale of its own"
    step, item, level = own[0]
    other = step.items[-1] if step.items[-1].id != item.id else step.items[0]
    saved = {(step.framework, item.id): (4, "my note"), (step.framework, other.id): (None, None)}
    (shown,) = ws.my_answers(w, level, saved, catalogue)
    got = {a.statement: a for a in shown.answers}
    point = next(p for p in catalogue.item_scale(step.framework, item.id).points if p.value == 4)
    assert got[item.text].answer == f"4 {point.label}" and got[item.text].comment == "my note"
    framework_point = next(p for p in catalogue.scale(step.framework).points if p.value == 4)
    assert got[item.text].answer != f"4 {framework_point.label}"  # the bug: the framework's labels on every statement
    assert got[other.text].answer == catalogue.item_scale(step.framework, other.id).dont_know_label
    assert shown.title == step.title and len(shown.answers) == 2


def test_a_workshops_picker_label_stays_the_same_through_its_states(db_url) -> None:
    """A selectbox sends back the label it showed: one that changed on reveal no longer matched its workshop."""
    with session_scope() as s:
        w = ws.create_workshop("Northshire", "2026", created_by="facil", session=s)
        before = ws.find_workshop(w.code, session=s).label
        ws.reveal(w.code, session=s)
        after = ws.find_workshop(w.code, session=s).label
    assert before == after and ws.format_code(w.code) in before
