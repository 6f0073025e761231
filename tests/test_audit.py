"""The audit log: each change appends who, when, what, before and after, newest first, filterable by area."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from toolkit.store.areas import delete_area, get_or_create_area, get_or_create_cycle, resolve_cycle, set_area_context
from toolkit.store.assumptions import save_assumption
from toolkit.store.audit import CLI, entries, record
from toolkit.store.db import session_scope
from toolkit.store.plans import (
    add_goal,
    add_step,
    delete_goal,
    record_apease,
    record_decision,
    shortlist_add,
    update_step,
)


def test_changes_are_appended_and_read_back_newest_first(engine) -> None:
    t0 = datetime(2026, 12, 3, 9, tzinfo=UTC)
    with session_scope(engine) as s:
        record("rating", actor="ana", session=s, area_id=1, target="r-1 opm.c1", before=None, after={"score": 3}, at=t0)
        record(
            "rating",
            actor="ana",
            session=s,
            area_id=1,
            target="r-1 opm.c1",
            before={"score": 3},
            after={"score": 4},
            at=t0 + timedelta(minutes=1),
        )
        record("membership", actor=CLI, session=s, area_id=2, target="bo", after={"role": "scrutineer"}, at=t0)
    with session_scope(engine) as s:
        area1 = entries(session=s, area_id=1)
        assert [(e.before, e.after) for e in area1] == [({"score": 3}, {"score": 4}), (None, {"score": 3})]
        assert {e.actor for e in area1} == {"ana"}
        assert [e.action for e in entries(session=s, action="membership")] == ["membership"]
        assert len(entries(session=s)) == 3


def test_an_audit_line_rolls_back_with_the_change_it_records(engine) -> None:
    try:
        with session_scope(engine) as s:
            record("import", actor="ana", session=s, area_id=1, after={"rows": 10})
            raise RuntimeError("the import failed half way")
    except RuntimeError:
        pass
    with session_scope(engine) as s:
        assert entries(session=s) == []


def test_plan_changes_are_audited_with_what_went(session, catalogue) -> None:
    """Shortlist, APEASE, decision, goal, step and a removed goal each leave a line; the removed goal's steps stay."""
    get_or_create_cycle(get_or_create_area("Ashvale", session=session), "2026", session=session)
    ref = resolve_cycle("Ashvale", "2026", session=session)
    iv = catalogue.interventions[0].id
    shortlist_add(ref, iv, session=session, by="chair", cat=catalogue)
    record_apease(ref, iv, "affordability", "chair", 4, session=session, cat=catalogue)
    record_apease(ref, iv, "affordability", "chair", 2, session=session, cat=catalogue)
    record_decision(ref, iv, True, "cheap enough", session=session, by="chair", cat=catalogue)
    goal = add_goal(ref, iv, session=session, by="chair", cat=catalogue)
    step = add_step(goal, "Brief the teams", session=session, by="chair", cat=catalogue)
    update_step(step, session=session, status="done", by="lead", cat=catalogue)
    delete_goal(goal, session=session, by="lead")
    log = entries(session=session, area_id=ref.area_id)
    assert [e.action for e in reversed(log)] == [
        "shortlist_add",
        "apease_score",
        "apease_score",
        "decision",
        "goal_added",
        "step_added",
        "step_changed",
        "goal_removed",
    ]
    assert log[5].before == {"score": 4, "note": ""} and log[5].after == {"score": 2, "note": ""}
    assert log[1].before["status"] == "not_started" and log[1].after["status"] == "done"
    assert log[0].actor == "lead" and log[0].before["steps"][0]["text"] == "Brief the teams"


def test_context_assumptions_and_a_deleted_area_are_audited(session, catalogue) -> None:
    get_or_create_cycle(get_or_create_area("Ashvale", session=session), "2026", session=session)
    ref = resolve_cycle("Ashvale", "2026", session=session)
    factor = catalogue.opm.context_factors[0].id
    set_area_context("Ashvale", {factor: "Two police forces"}, {"nation": "england"}, session=session, by="lead")
    set_area_context("Ashvale", {factor: "Two police forces"}, {"nation": "england"}, session=session, by="lead")
    aid = catalogue.toc.assumptions[0].id
    save_assumption(ref, aid, "doubtful", "not yet tested", session=session, by="lead")
    assert delete_area("Ashvale", session=session, by="admin")
    log = entries(session=session, area_id=ref.area_id)
    assert [e.action for e in reversed(log)] == ["context", "assumption", "area_deleted"]  # no change, no line
    assert log[2].after == {"context": {factor: "Two police forces"}, "tags": {"nation": "england"}}
    assert log[1].after == {"status": "doubtful", "note": "not yet tested"}
    assert (log[0].actor, log[0].target, log[0].before) == ("admin", "Ashvale", {"cycles": ["2026"]})


def test_an_import_is_audited_per_area_and_cycle_and_a_refused_one_leaves_no_line(session, catalogue) -> None:
    from toolkit.capture.ratings_import import RatingsFileError, import_ratings

    item = catalogue.opm.items[0].id
    head = "area,cycle,respondent,agency,level,framework,item,score,comment\n"
    good = head + f"Ashvale,2026,r1,police,frontline,opm,{item},3,\nAshvale,2026,r2,health,frontline,opm,{item},4,\n"
    import_ratings(good.encode(), "ashvale.csv", session=session, catalogue=catalogue, by="ana")
    with pytest.raises(RatingsFileError):
        import_ratings(
            (head + "Ashvale,2026,r3,police,frontline,opm,nope,3,\n").encode(),
            "bad.csv",
            session=session,
            catalogue=catalogue,
            by="ana",
        )
    [line] = entries(session=session, action="import")
    assert (line.actor, line.target, line.after) == (
        "ana",
        "2026 ashvale.csv",
        {"rows": 2, "inserted": 2, "updated": 0},
    )
