"""Finding 3: demo partnerships never count in a benchmark of real areas; `toolkit demo` says where it wrote and
that the data is synthetic; the sandbox is never the live database. Also the audit log on the command line."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from sqlalchemy import func, select

from toolkit.access.accounts import create_user
from toolkit.analysis.benchmark.every_area import benchmark
from toolkit.analysis.benchmark.peers import BenchConfig, peer_set
from toolkit.analysis.benchmark.table import area_tags, cycle_table
from toolkit.analysis.benchmark.view import area_view
from toolkit.capture.ratings_import import import_table
from toolkit.cli.main import main
from toolkit.core.settings import get_settings
from toolkit.store.areas import delete_area, list_areas
from toolkit.store.audit import entries
from toolkit.store.db import engine_for, session_scope
from toolkit.store.models import metadata
from toolkit.training.demo import FICTIONAL, STORIES, generate_ratings, load_demo
from toolkit.training.sandbox import sandbox_url

CFG = BenchConfig(min_group_size=3, min_peer_areas=5)
ROW = {
    "area": "Northshire",
    "cycle": "2026",
    "respondent": "p1",
    "agency": "police",
    "level": "frontline",
    "framework": "opm",
    "item": "consider_strategic_shared_aims",
    "score": "4",
    "comment": "",
}


def live_rows() -> dict[str, int]:
    with session_scope() as s:
        return {t.name: s.scalar(select(func.count()).select_from(t)) or 0 for t in metadata.sorted_tables}


@pytest.fixture
def mixed(db_url, catalogue) -> list[str]:
    """Six real areas, and the four demo partnerships in the same live database (as an older `toolkit demo` left them;
    today's refuses a database with a live record)."""
    df, _ = generate_ratings(catalogue, areas=10, seed=3, cycles=("2026",), respondents=12)
    real = df[~df["area"].isin([s.name for s in STORIES])].copy()
    real["area"] = real["area"].str.removesuffix(FICTIONAL)
    with session_scope() as s:
        import_table(real.astype({"score": "string"}).fillna({"score": ""}), "real", session=s, catalogue=catalogue)
        load_demo(cycles=("2026",), respondents=12, session=s, catalogue=catalogue)
    return sorted(real["area"].unique())


def test_a_real_areas_benchmark_leaves_demo_partnerships_out(mixed, catalogue) -> None:
    with session_scope() as s:
        tags = area_tags(session=s)
        table = cycle_table("2026", session=s, cat=catalogue, min_group_size=3)
    demo = {s.name for s in STORIES}
    assert demo <= set(table.areas)  # they are in the database...
    area = mixed[0]
    assert set(peer_set(tags, area, {})) == set(mixed) - {area}  # ...but never a real area's peers
    view = area_view(table, tags, area, {}, CFG, named=False)
    only_real = area_view(table, {a: t for a, t in tags.items() if a not in demo}, area, {}, CFG, named=False)
    assert view.n_peers == 5 and view.measures["overall"].peer_areas == 5
    assert view.measures["overall"].percentile == only_real.measures["overall"].percentile
    rows = benchmark(table, tags, CFG, named=True)
    assert {r.area for r in rows.areas} == set(mixed)
    # A demo partnership is compared with demo partnerships only.
    assert set(peer_set(tags, STORIES[0].name, {})) == demo - {STORIES[0].name}


def test_toolkit_demo_says_which_database_and_that_it_is_synthetic(db_url, tmp_path, capsys) -> None:
    own = tmp_path / "explore.db"
    assert (
        main(["demo", "--areas", "2", "--cycles", "2026", "--respondents", "6", "--database", f"sqlite:///{own}"]) == 0
    )
    out = capsys.readouterr().out
    assert str(own) in out and "synthetic" in out and "never count as peers of real areas" in out
    with session_scope() as s:
        assert list_areas(session=s) == []  # the configured database was left alone
    explore = engine_for(f"sqlite:///{own}")
    with session_scope(explore) as s:
        assert all(a.fictional for a in list_areas(session=s)) and len(list_areas(session=s)) == 2
        assert [e.action for e in entries(session=s, action="demo_load")] == ["demo_load"]
        assert {e.action for e in entries(session=s)} == {"demo_load", "import", "ratings.write"}  # all by import
    explore.dispose()


def test_toolkit_demo_never_writes_into_a_live_record(db_url, catalogue, capsys) -> None:
    with session_scope() as s:
        import_table(pd.DataFrame([ROW]), "real", session=s, catalogue=catalogue)
    before = live_rows()
    assert main(["demo", "--areas", "1", "--cycles", "2026", "--respondents", "6"]) == 1
    err = capsys.readouterr().err
    assert "holds a live record (1 real partnership)" in err and "--database" in err
    assert live_rows() == before
    with session_scope() as s:  # accounts alone make a live record too
        delete_area("Northshire", session=s)
        create_user("admin", "a long passphrase", "administrator", session=s)
    assert main(["demo", "--areas", "1", "--cycles", "2026", "--respondents", "6"]) == 1
    assert "holds a live record (1 account)" in capsys.readouterr().err
    with session_scope() as s:
        assert list_areas(session=s) == []


def test_toolkit_demo_fills_an_empty_database_and_says_it_is_for_demo_data_only(db_url, capsys) -> None:
    assert main(["demo", "--areas", "1", "--cycles", "2026", "--respondents", "6"]) == 0
    assert "a database of demo data only" in capsys.readouterr().out
    with session_scope() as s:
        assert [a.fictional for a in list_areas(session=s)] == [True]


def test_the_sandbox_is_never_the_live_database(db_url, monkeypatch) -> None:
    assert sandbox_url() != db_url
    monkeypatch.setenv("TOOLKIT_SANDBOX_URL", db_url)
    get_settings.cache_clear()
    with pytest.raises(ValueError, match="live database"):
        sandbox_url()


def test_the_audit_command_lists_filters_and_prints_json(mixed, capsys) -> None:
    capsys.readouterr()
    assert main(["audit"]) == 0
    assert "demo_load" in capsys.readouterr().out
    assert main(["audit", "--action", "demo_load", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [d["action"] for d in doc] == ["demo_load"] and doc[0]["actor"] == "cli"
    assert main(["audit", "--area", mixed[0], "--action", "demo_load"]) == 0
    assert "no lines for that filter" in capsys.readouterr().out
    assert main(["audit", "--area", "Nowhere"]) == 1
    assert "No area called 'Nowhere'" in capsys.readouterr().err
