"""Migration 0014 gives challenges recorded before it a status and a history rebuilt from what they held."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import text

from toolkit.store.db import alembic_config, make_engine


def _to(engine, revision: str) -> None:
    with engine.begin() as conn:
        cfg = alembic_config(engine)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def test_old_challenges_get_status_and_history(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    _to(engine, "0012")
    cols = (
        "cycle_id, note, source, seen_on, judgement, link, response, responded_by, responded_at, resolved, "
        "resolution, resolved_by, created_by, created_at"
    )
    with engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO areas (name, tags, context, fictional, created_at) VALUES ('A', '{}', '{}', 0, '2026-01-01')"
            )
        )
        c.execute(text("INSERT INTO cycles (area_id, name, created_at) VALUES (1, '2026', '2026-01-01')"))
        for values in (
            "1, 'n1', 'audit', '2026-01-02', 'supports', 'stage:create', '', '', NULL, 0, '', '', 'scr', '2026-01-02 10:00:00'",
            "1, 'n2', 'audit', '2026-01-02', 'challenges', 'stage:create', '', '', NULL, 0, '', '', 'scr', '2026-01-02 10:00:00'",
            "1, 'n3', 'audit', '2026-01-02', 'challenges', 'stage:create', 'We did', 'BM', '2026-01-03 10:00:00', 0, '', '', 'scr', '2026-01-02 10:00:00'",
            "1, 'n4', 'audit', '2026-01-02', 'challenges', 'stage:create', 'We did', 'BM', '2026-01-03 10:00:00', 1, 'Seen', 'scr', 'scr', '2026-01-02 10:00:00'",
        ):
            c.execute(text(f"INSERT INTO scrutiny_evidence ({cols}) VALUES ({values})"))
    _to(engine, "0014")
    with engine.connect() as c:
        rows = c.execute(text("SELECT note, status, closed_as, history FROM scrutiny_evidence ORDER BY id")).all()
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("n1", "", ""),
        ("n2", "open", ""),
        ("n3", "answered", ""),
        ("n4", "closed", "resolved"),
    ]
    assert '"answered"' in rows[3][3] and '"resolved"' in rows[3][3] and '"carried_over": true' in rows[3][3]
    engine.dispose()
