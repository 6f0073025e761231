"""The migrations build exactly the schema the models describe, from one line of revisions."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from toolkit.store.db import alembic_config
from toolkit.store.models import metadata


def test_one_head_and_a_migrated_database_matches_the_models(engine) -> None:
    """A table or column added to the models without its migration (or the reverse) shows here, on both databases."""
    assert len(ScriptDirectory.from_config(alembic_config(engine)).get_heads()) == 1
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), metadata)
    assert diff == []


def test_upgrading_an_old_sqlite_database_keeps_every_row(tmp_path) -> None:
    """A batch migration on SQLite copies a table and drops the old one: with foreign keys on, the drop cascaded and
    deleted every respondent and rating of every cycle (found when 0018 made cycles' start date required)."""
    from alembic import command
    from sqlalchemy import text

    from toolkit.store.db import make_engine, upgrade

    eng = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        cfg = alembic_config(eng)
        with eng.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0014")
        with eng.begin() as conn:
            now = {"t": "2025-04-01 09:00:00.000000"}
            conn.execute(
                text(
                    "INSERT INTO areas (name, tags, context, fictional, created_at) VALUES ('Old', '{}', '{}', 0, :t)"
                ),
                now,
            )
            conn.execute(text("INSERT INTO cycles (area_id, name, created_at) VALUES (1, '2025', :t)"), now)
            conn.execute(
                text(
                    "INSERT INTO respondents (cycle_id, pseudonym, agency, level, created_at) VALUES (1, 'r1', 'police', 'strategic', :t)"
                ),
                now,
            )
            conn.execute(
                text(
                    "INSERT INTO ratings (respondent_id, framework, item, score, comment, updated_at) VALUES (1, 'opm', 'x', 3, '', :t)"
                ),
                now,
            )
        upgrade(eng)
        with eng.connect() as conn:
            counts = [
                conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
                for t in ("cycles", "respondents", "ratings")
            ]
            assert conn.execute(text("PRAGMA foreign_keys")).scalar_one() == 1  # back on for the app
        assert counts == [1, 1, 1]
    finally:
        eng.dispose()
