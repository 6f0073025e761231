"""The audit log: each change appends who, when, what, before and after, newest first, filterable by area."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from toolkit.store.audit import CLI, entries, record
from toolkit.store.db import session_scope


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
