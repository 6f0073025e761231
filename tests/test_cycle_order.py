"""Cycles are ordered by their start dates, never by their names (contracts section 3, issue 17); the history of an
area's figures follows that order through the suppression rules."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from alembic import command
from sqlalchemy import text

from toolkit.analysis.area import analyse
from toolkit.analysis.config import Config
from toolkit.analysis.history import area_history
from toolkit.capture.ratings_import import import_table
from toolkit.cli.main import main
from toolkit.core.cycle_dates import BadDate, default_start, name_key, parse_start
from toolkit.store.areas import (
    area_cycles,
    get_or_create_area,
    get_or_create_cycle,
    list_areas,
    previous_cycle,
    resolve_cycle,
    set_cycle_start,
)
from toolkit.store.db import alembic_config, make_engine, session_scope

AREA = "Orderby (fictional)"


def _file(catalogue, cycles: dict[str, float], n: int = 4, area: str = AREA) -> pd.DataFrame:
    """n respondents at each level of one agency per cycle, everyone rating every OPM item at the cycle's score."""
    rows = []
    for cycle, score in cycles.items():
        for lv in ("strategic", "managerial", "frontline"):
            for k in range(n):
                for it in catalogue.opm.items:
                    rows.append(
                        {
                            "area": area,
                            "cycle": cycle,
                            "respondent": f"{cycle}-{lv}-{k}",
                            "agency": "police",
                            "level": lv,
                            "framework": "opm",
                            "item": it.id,
                            "score": str(int(score) if k % 2 else int(score + 0.5)),
                            "comment": "",
                        }
                    )
    return pd.DataFrame(rows)


def test_names_are_read_as_a_person_reads_them() -> None:
    assert sorted(["Round 10", "Round 9", "Round 1"], key=name_key) == ["Round 1", "Round 9", "Round 10"]
    assert default_start("2026-baseline") == date(2026, 1, 1)
    assert default_start("Round 9", date(2026, 3, 4)) == date(2026, 3, 4)


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("2026-13-01", "not a day of the calendar"),
        ("2026-02-30", "not a day of the calendar"),
        ("1 April 2026", "not in the form YYYY-MM-DD"),
        ("", "blank"),
        ("0999-01-01", "out of range"),
    ],
)
def test_a_bad_start_date_is_refused_saying_why(value: str, says: str) -> None:
    with pytest.raises(BadDate, match=says):
        parse_start(value)
    assert parse_start(" 2026-04-01 ") == date(2026, 4, 1)


def test_round_10_comes_after_round_9_and_change_runs_forwards(db_url, catalogue) -> None:
    # imported in one file, the same day: the names decide, read as numbers
    with session_scope() as s:
        import_table(_file(catalogue, {"Round 10": 4, "Round 9": 2}), "rounds.csv", session=s, catalogue=catalogue)
    with session_scope() as s:
        assert [c.cycle for c in area_cycles(AREA, session=s)] == ["Round 9", "Round 10"]
        prev = previous_cycle(resolve_cycle(AREA, "Round 10", session=s), session=s)
        assert prev is not None and prev.cycle == "Round 9"
        a = analyse(AREA, "Round 10", session=s, cat=catalogue, cfg=Config())
        assert a.change is not None and a.change.from_ == "Round 9"
        stage = next(m for m in a.change.measures if m.kind == "stage")
        assert stage.difference is not None and stage.difference > 1  # 2 -> 4, not backwards
        assert [c.cycle for c in next(x for x in list_areas(session=s) if x.area == AREA).cycles] == [
            "Round 9",
            "Round 10",
        ]


def test_the_start_date_decides_over_the_name(db_url, catalogue) -> None:
    with session_scope() as s:
        import_table(_file(catalogue, {"Alpha": 2, "Beta": 4}), "ab.csv", session=s, catalogue=catalogue)
        set_cycle_start(AREA, "Alpha", "2026-09-01", session=s, by="test")
        set_cycle_start(AREA, "Beta", "2025-09-01", session=s, by="test")
    with session_scope() as s:
        assert [c.cycle for c in area_cycles(AREA, session=s)] == ["Beta", "Alpha"]
        prev = previous_cycle(resolve_cycle(AREA, "Alpha", session=s), session=s)
        assert prev is not None and prev.cycle == "Beta"
        assert previous_cycle(resolve_cycle(AREA, "Beta", session=s), session=s) is None
        h = area_history(AREA, session=s, cat=catalogue, cfg=Config())
    assert [(c.cycle, c.starts_on) for c in h.cycles] == [("Beta", date(2025, 9, 1)), ("Alpha", date(2026, 9, 1))]


def test_a_cycle_created_with_a_bad_date_is_not_created(db_url) -> None:
    with pytest.raises(BadDate, match="not a day of the calendar"), session_scope() as s:
        get_or_create_cycle(get_or_create_area(AREA, session=s), "2026", session=s, starts_on="2026-02-30")
    with session_scope() as s:
        assert all(a.area != AREA for a in list_areas(session=s))
        c = get_or_create_cycle(get_or_create_area(AREA, session=s), "Spring", session=s, starts_on="2026-04-01")
        assert c.starts_on == date(2026, 4, 1)
        assert get_or_create_cycle(get_or_create_area(AREA, session=s), "2027", session=s).starts_on == date(2027, 1, 1)


def test_the_cycle_command_changes_a_date_and_refuses_a_bad_one(db_url, catalogue, capsys) -> None:
    with session_scope() as s:
        import_table(_file(catalogue, {"Round 1": 3}), "r.csv", session=s, catalogue=catalogue)
    assert main(["cycle", "--area", AREA, "--cycle", "Round 1", "--starts", "2026-31-12"]) != 0
    err = capsys.readouterr().err
    assert "not a day of the calendar" in err and "Traceback" not in err
    assert main(["cycle", "--area", AREA, "--cycle", "Round 1", "--starts", "2026-03-01"]) == 0
    assert "starts 2026-03-01" in capsys.readouterr().out


def test_trend_shows_every_cycle_in_order_through_the_suppression_rules(db_url, catalogue, capsys) -> None:
    with session_scope() as s:
        import_table(_file(catalogue, {"Round 10": 4, "Round 9": 2}), "rounds.csv", session=s, catalogue=catalogue)
        # a third round with two people at each level: under the threshold of 3, so nothing of it may be shown
        import_table(_file(catalogue, {"Round 11": 3}, n=2), "small.csv", session=s, catalogue=catalogue)
    assert main(["trend", "--area", AREA, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [c["cycle"] for c in doc["cycles"]] == ["Round 9", "Round 10", "Round 11"]
    with session_scope() as s:
        for c in doc["cycles"]:
            a = analyse(AREA, c["cycle"], session=s, cat=catalogue, cfg=Config(), with_change=False)
            assert c["by_stage"] == {k: v.model_dump(mode="json") for k, v in a.opm.by_stage.items()}
            assert c["respondents"] == a.respondents
    small = doc["cycles"][2]
    assert small["respondents"] == 0
    assert all(v["mean"] is None and v["plain_mean"] is None for v in small["by_stage"].values())
    assert any(v["suppressed"] for v in small["by_stage"].values())
    assert main(["trend", "--area", AREA, "--cycle", "Round 10", "--json"]) == 0
    assert [c["cycle"] for c in json.loads(capsys.readouterr().out)["cycles"]] == ["Round 9", "Round 10"]
    assert main(["trend", "--area", AREA, "--cycle", "Round 99"]) != 0
    assert "has no cycle 'Round 99'" in capsys.readouterr().err


def test_migration_gives_existing_cycles_a_start_date(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")

    def to(revision: str) -> None:
        with engine.begin() as conn:
            cfg = alembic_config(engine)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)

    to("0014")
    with engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO areas (name, tags, context, fictional, created_at) VALUES ('A', '{}', '{}', 0, '2026-01-01')"
            )
        )
        for name, made in (("2025", "2026-05-01 10:00:00"), ("Round 9", "2026-06-02 10:00:00")):
            c.execute(text("INSERT INTO cycles (area_id, name, created_at) VALUES (1, :n, :m)"), {"n": name, "m": made})
    to("0018")
    with engine.connect() as c:
        rows = c.execute(text("SELECT name, starts_on FROM cycles ORDER BY id")).all()
    assert [(n, str(d)) for n, d in rows] == [("2025", "2025-01-01"), ("Round 9", "2026-06-02")]
