"""Backup and restore: `python -m toolkit backup -o FILE` dumps every table; `restore FILE` loads it into an EMPTY
database and refuses one with data. Round trips run on SQLite and (the db rerun) on PostgreSQL, and across the two."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import MetaData, text

from tests.access.hostile import PW, seed
from tests.bad_input.helpers import db_state
from tests.conftest import PG_URL
from toolkit.access.accounts import Identity, Member, authenticate, create_user
from toolkit.access.invitations import create_invitation
from toolkit.access.scope import OPERATOR
from toolkit.analysis.toc_doc import add_box, kantar_doc
from toolkit.capture.assessment import new_pseudonym, submit_answer
from toolkit.scrutiny.validation import set_validation
from toolkit.store.areas import find_area, get_or_create_area, get_or_create_cycle, resolve_cycle
from toolkit.store.backup import BackupError, backup, restore
from toolkit.store.carry import carry_plan_forward
from toolkit.store.db import engine_for, session_scope
from toolkit.store.models import metadata
from toolkit.store.plans import shortlist_add
from toolkit.store.toc_versions import save_version

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.db


@pytest.fixture
def full(engine, catalogue):
    """Something in every table: ratings with history, accounts and sessions, a workshop, scrutiny, a carried plan."""
    h = seed(engine, catalogue)
    from toolkit import workshops as ws

    with session_scope(engine) as s:
        step = ws.steps_for(ws.find_workshop(h.code, session=s), "frontline", catalogue)[0]
    ws.answer(h.code, h.participant, step.framework, step.items[0].id, 5, "changed", engine=engine, cat=catalogue)
    with session_scope(engine) as s:  # the changed answer above left a history row; now a carried plan
        get_or_create_cycle(find_area(h.area, session=s), "2027", session=s)
        carry_plan_forward(
            resolve_cycle(h.area, h.cycle, session=s), resolve_cycle(h.area, "2027", session=s), session=s, by="facil"
        )  # plan_goals -> plan_goals
        create_invitation(
            Identity("facil", "facilitator", (Member("facilitator"),)),
            resolve_cycle(h.area, h.cycle, session=s),
            days=7,
            max_uses=3,
            session=s,
        )
        iv = catalogue.interventions[0].id  # workshop_points and workshop_comments: the room's choice and voice
        shortlist_add(resolve_cycle(h.area, h.cycle, session=s), iv, session=s, cat=catalogue)
        ws.open_points(h.code, True, session=s)
        ws.give_points(h.code, h.participant, {iv: 100}, session=s)
        ws.send_comment(h.code, h.participant, "Who owns the shared data?", session=s)
        doc, _box = add_box(kantar_doc(catalogue), "Joint training budget", "inputs")  # toc_versions
        save_version(h.area, doc, actor=OPERATOR, session=s, cat=catalogue, note="March board")
        ws.reveal(h.code, session=s)  # workshop_reveals: the room's snapshot
        set_validation(  # scrutiny_validations: the scrutineer's view of a self-rating
            h.area,
            h.cycle,
            "stage:create",
            "validated",
            actor=Identity("scr", "scrutineer", (Member("scrutineer"),)),
            session=s,
            cat=catalogue,
        )
    empty = [t for t, rows in db_state(engine).items() if not rows]
    assert empty == [], f"the data set leaves {empty} empty"
    return h


def restored(engine) -> dict[str, list[str]]:
    """db_state of a restored database, less the audit line the restore itself appended (which must be there)."""
    state = db_state(engine)
    log = metadata.tables["audit_log"]
    with engine.connect() as c:
        last = c.execute(log.select().order_by(log.c.id.desc()).limit(1)).one()
    assert (last.action, last.actor) == ("restore", "cli")
    state["audit_log"].remove(repr(tuple(last)))
    return state


def test_a_backup_restores_every_table_exactly_into_an_empty_database(full, engine, empty_url, tmp_path) -> None:
    path = tmp_path / "backup.jsonl.gz"
    made = backup(engine, path)
    target = engine_for(empty_url)
    done = restore(target, path)
    assert done.tables == made.tables and made.rows > 100
    assert restored(target) == db_state(engine)  # every row of every table, ids and times included


def test_the_restored_database_carries_on(full, engine, empty_url, tmp_path, catalogue) -> None:
    """New rows after a restore get fresh ids (PostgreSQL sequences moved past the restored ones); sign-in works."""
    path = tmp_path / "backup.jsonl.gz"
    backup(engine, path)
    target = engine_for(empty_url)
    restore(target, path)
    item = catalogue.opm.items[0]
    with session_scope(target) as s:
        assert authenticate("facil", PW, session=s).role == "facilitator"  # the argon2 hash came across
        create_user("newcomer", PW, "scrutineer", session=s)
        submit_answer(
            full.area,
            full.cycle,
            new_pseudonym(),
            "health",
            item.level or "frontline",
            "opm",
            item.id,
            4,
            session=s,
            cat=catalogue,
        )
        get_or_create_area("After the restore", session=s)


def test_restore_refuses_a_database_that_has_data(full, engine, tmp_path) -> None:
    path = tmp_path / "backup.jsonl.gz"
    backup(engine, path)
    before = db_state(engine)
    with pytest.raises(
        BackupError, match=r"the database is not empty \(.*areas \(\d+ rows\).*restore only into an empty"
    ):
        restore(engine, path)
    assert db_state(engine) == before


@pytest.mark.parametrize("damage", ["cut-short", "one-row-too-short", "not-gzip", "other-schema", "not-a-backup"])
def test_a_damaged_backup_restores_nothing(damage, full, engine, empty_url, tmp_path) -> None:
    path = tmp_path / "backup.jsonl.gz"
    backup(engine, path)
    lines = gzip.decompress(path.read_bytes()).splitlines(keepends=True)
    if damage == "cut-short":
        path.write_bytes(gzip.compress(b"".join(lines[: len(lines) * 2 // 3])))
    elif damage == "one-row-too-short":
        k = next(i for i, line in enumerate(lines) if line.startswith(b"[") and i > len(lines) // 2)
        lines[k] = json.dumps(json.loads(lines[k])[:-1]).encode() + b"\n"
        path.write_bytes(gzip.compress(b"".join(lines)))
    elif damage == "not-gzip":
        path.write_bytes(b"".join(lines))
    elif damage == "other-schema":
        head = json.loads(lines[0]) | {"schema": ["9999"]}
        path.write_bytes(gzip.compress(json.dumps(head).encode() + b"\n" + b"".join(lines[1:])))
    else:
        path.write_bytes(gzip.compress(b'{"hello": "world"}\n'))
    target = engine_for(empty_url)
    empty = db_state(target)
    with pytest.raises(BackupError):
        restore(target, path)
    assert db_state(target) == empty  # all or nothing


def _normalised(engine) -> dict[str, list[tuple]]:
    """Every row with times as UTC text (SQLite hands back naive UTC, PostgreSQL aware), for comparing across engines."""
    meta = MetaData()
    meta.reflect(engine)

    def norm(v):
        if isinstance(v, datetime):
            return (v if v.tzinfo else v.replace(tzinfo=UTC)).astimezone(UTC).isoformat()
        return (
            v.isoformat() if isinstance(v, date) else json.dumps(v, sort_keys=True) if isinstance(v, dict | list) else v
        )

    with engine.connect() as c:
        return {
            t.name: sorted((tuple(norm(v) for v in r) for r in c.execute(t.select())), key=repr)
            for t in meta.sorted_tables
            if t.name != "alembic_version"
        }


@pytest.mark.skipif(not PG_URL, reason="runs in the PostgreSQL rerun (TOOLKIT_TEST_DATABASE_URL)")
def test_a_backup_moves_between_sqlite_and_postgresql(full, engine, empty_url, tmp_path) -> None:
    """PostgreSQL -> SQLite -> PostgreSQL: the file is independent of the engine."""
    from toolkit.store.db import make_engine, upgrade

    lite_url = f"sqlite:///{tmp_path / 'lite.db'}"
    lite = make_engine(lite_url)
    upgrade(lite)
    backup(engine, tmp_path / "from-pg.jsonl.gz")
    restore(lite, tmp_path / "from-pg.jsonl.gz")
    assert _but_restores(lite, 1) == _normalised(engine)
    backup(lite, tmp_path / "from-sqlite.jsonl.gz")
    restore(engine_for(empty_url), tmp_path / "from-sqlite.jsonl.gz")
    assert _but_restores(engine_for(empty_url), 2) == _normalised(engine)
    lite.dispose()


def _but_restores(engine, n: int) -> dict[str, list[tuple]]:
    """_normalised less the audit lines restores appended (there must be n: each restore adds its own)."""
    state = _normalised(engine)
    restores = [r for r in state["audit_log"] if r[3] == "restore"]
    assert len(restores) == n
    state["audit_log"] = [r for r in state["audit_log"] if r[3] != "restore"]
    return state


def _cli(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT), "TOOLKIT_PASSWORD": PW}
    env.pop("TOOLKIT_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "toolkit", *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def test_the_documented_commands_round_trip(full, engine, db_url, empty_url, tmp_path) -> None:
    path = tmp_path / "toolkit-backup.jsonl.gz"
    made = _cli(db_url, "backup", "-o", str(path), "--json", "--as", "admin")  # accounts exist: an administrator's
    assert made.returncode == 0, made.stderr
    assert json.loads(made.stdout)["rows"] > 100
    backed_up = db_state(engine)  # (the refused restore below signs in again, so the throttle's row moves on)
    again = _cli(db_url, "restore", str(path), "--as", "admin")  # into the database it came from: refused, untouched
    assert again.returncode == 1 and again.stderr.startswith("error: nothing was restored: the database is not empty")
    assert "Traceback" not in again.stderr
    done = _cli(empty_url, "restore", str(path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Restored 19 tables") or done.stdout.startswith("Restored")
    assert restored(engine_for(empty_url)) == backed_up
    missing = _cli(empty_url, "restore", str(tmp_path / "nope.jsonl.gz"))
    assert missing.returncode == 1 and "no such file" in missing.stderr


def test_the_readme_documents_backup_and_restore() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "## Backup and restore" in readme
    assert "python -m toolkit backup -o" in readme and "python -m toolkit restore" in readme


def test_every_table_of_the_schema_is_in_a_backup(engine, tmp_path) -> None:
    """An empty database still lists every table, so a new table can never be left out silently."""
    from toolkit.store.models import metadata

    path = tmp_path / "empty.jsonl.gz"
    summary = backup(engine, path)
    assert set(summary.tables) == {t.name for t in metadata.sorted_tables}
    with engine.connect() as c:
        assert c.scalar(text("SELECT count(*) FROM areas")) == 0
