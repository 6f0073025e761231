"""A member of several named areas sees their own other areas by name in a benchmark, and only everyone else's as
anonymous peers (issue 13: a benchmark shows other areas only as anonymised peers unless the role is cross-area)."""

from __future__ import annotations

import json

import pytest

from tests.access.scan import open_as, render
from tests.access.world import AREAS, PW, X, Y, build
from toolkit.access.memberships import grant
from toolkit.access.scope import OPERATOR, peers_named
from toolkit.analysis.benchmark.peers import peer_labels
from toolkit.analysis.benchmark.table import cycle_table
from toolkit.cli.main import main
from toolkit.store.db import session_scope

OTHERS = [a for a in AREAS if a not in (X, Y)]


@pytest.fixture
def world(engine, catalogue):
    w = build(engine, catalogue)
    with session_scope(engine) as s:  # the scrutineer of Northshire scrutinises Southmoor too
        grant("scrx", "scrutineer", Y, actor=OPERATOR, session=s)
    return w


def test_the_toolkit_names_a_members_own_areas_and_numbers_the_rest(world, engine, catalogue) -> None:
    with session_scope(engine) as s:
        named = peers_named(world.identity("scrx", engine=engine), s)
        assert peers_named(world.identity("regional", engine=engine), s) is True
        table = cycle_table("2026", session=s, cat=catalogue, min_group_size=3)
    assert named == frozenset({X, Y})
    labels = peer_labels(table, [a for a in AREAS if a != X], named=named)
    assert labels[Y] == Y
    assert sorted(labels[a] for a in OTHERS) == [f"Peer {k:02d}" for k in range(1, len(OTHERS) + 1)]


def test_on_the_benchmark_page_a_scrutineer_sees_their_other_area_named(world) -> None:
    at = open_as("app_pages/benchmark.py", token=world.tokens["scrx"], sel_area=X, sel_cycle="2026")
    assert not at.exception
    shown = render(at, "benchmark").text()
    assert Y in shown and "Peer 01" in shown and "Your own other partnerships are named" in shown
    assert not [a for a in OTHERS if a in shown]
    facilitator = render(open_as("app_pages/benchmark.py", token=world.tokens["facx"], sel_area=X), "benchmark")
    assert Y not in facilitator.text()  # a member of Northshire only: Southmoor is a peer like the rest


def test_on_the_command_line_their_own_areas_are_listed_by_name(world, monkeypatch, capsys) -> None:
    monkeypatch.setenv("TOOLKIT_PASSWORD", PW)
    capsys.readouterr()
    assert main(["benchmark", "--cycle", "2026", "--json", "--as", "scrx"]) == 0
    out = capsys.readouterr().out
    assert sorted(a["area"] for a in json.loads(out)["areas"]) == sorted([X, Y])
    assert not [a for a in OTHERS if a in out]
