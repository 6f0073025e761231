"""`history --area A --cycle C` (contracts section 5): the changed ratings of a cycle, each step of a rating's
history with what replaced it, who and by which path; for roles that may see raw ratings, in their own areas only."""

from __future__ import annotations

import json

import pytest

from tests.access.world import PW, X, Y, build
from tests.bad_input.helpers import opm_items, row, to_csv
from toolkit.access.scope import OPERATOR, AccessDenied
from toolkit.capture.ratings_import import import_ratings
from toolkit.capture.write import record_rating
from toolkit.cli.main import main
from toolkit.store.areas import resolve_cycle
from toolkit.store.db import session_scope
from toolkit.store.rating_changes import rating_changes
from toolkit.store.ratings import find_respondent


@pytest.fixture
def world(engine, catalogue):
    return build(engine, catalogue)


def test_each_change_shows_from_to_when_and_by_which_path(world, engine, catalogue, monkeypatch, capsys) -> None:
    item = opm_items(catalogue)[0]
    with session_scope(engine) as s:
        before = rating_changes(resolve_cycle(X, "2026", session=s), session=s, actor=OPERATOR)
        assert before.changes == []  # the world's import gave every rating once
        # p0's first statement: 1 -> 4 by a corrected file, then 4 -> don't know from their own answer
        import_ratings(
            to_csv([row(item, "4", area=X, respondent="p0", agency="police", level="strategic")]),
            "fix.csv",
            session=s,
            catalogue=catalogue,
        )
        p0 = find_respondent(resolve_cycle(X, "2026", session=s), "p0", session=s)
        assert p0 is not None
        record_rating(p0, "opm", item, None, session=s)
    monkeypatch.setenv("TOOLKIT_PASSWORD", PW)
    capsys.readouterr()
    assert main(["history", "--area", X, "--cycle", "2026", "--json", "--as", "facx"]) == 0
    doc = json.loads(capsys.readouterr().out)
    steps = [(c["respondent"], c["item"], c["score_from"], c["score_to"], c["replaced_by"]) for c in doc["changes"]]
    assert steps == [("p0", item, 1, 4, "import:fix.csv"), ("p0", item, 4, None, "p0")]
    assert all(c["agency"] == "police" and c["level"] == "strategic" for c in doc["changes"])
    assert main(["history", "--area", X, "--cycle", "2026", "--as", "facx"]) == 0
    out = capsys.readouterr().out
    assert "2 changed rating(s)" in out and "1 -> 4  by import:fix.csv" in out and "4 -> don't know  by p0" in out


def test_only_roles_that_see_raw_ratings_in_that_area_get_them(world, engine, monkeypatch, capsys) -> None:
    monkeypatch.setenv("TOOLKIT_PASSWORD", PW)
    assert main(["history", "--area", Y, "--cycle", "2026", "--as", "facx"]) != 0  # another area's facilitator
    assert "p0" not in capsys.readouterr().out
    with session_scope(engine) as s:
        ref = resolve_cycle(X, "2026", session=s)
        with pytest.raises(AccessDenied):
            rating_changes(ref, session=s, actor=world.identity("facy", engine=engine))
        assert rating_changes(ref, session=s, actor=world.identity("scrx", engine=engine)).changes == []
