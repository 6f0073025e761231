"""Backup and restore of the whole database: every table, in dependency order, as portable gzipped JSON lines.

    python -m toolkit backup -o FILE     # everything in DATABASE_URL, to FILE (e.g. toolkit-2026-03-01.jsonl.gz)
    python -m toolkit restore FILE       # into an EMPTY, migrated database at DATABASE_URL (refuses a non-empty one)

The file is independent of the database engine: a backup of SQLite restores into PostgreSQL and back. It holds
passwords only as the argon2 hashes the database holds, and every comment: keep it as safe as the database.

Format (one JSON document per line, gzip-compressed):
    {"format": FORMAT, "version": 1, "created_at": ..., "schema": [alembic revisions], "tables": [names in order]}
    {"table": NAME, "columns": [...]}          then one JSON list per row, in primary-key order
    {"end": NAME, "rows": N}                   after each table's rows
    {"end_of_backup": true, "rows": {NAME: N}}  last: a file cut short is refused on restore
"""

from __future__ import annotations

import base64
import gzip
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Engine, MetaData, Table, func, insert, inspect, select, text, update
from sqlalchemy import types as sqltypes

from toolkit.store.audit import CLI
from toolkit.store.models import utcnow

FORMAT = "safeguarding-partnership-toolkit/backup"
VERSION = 1
BATCH = 2000
SKIP = {"alembic_version"}  # the target is migrated by the toolkit itself; the revision is checked instead


class BackupError(Exception):
    """A backup or restore that cannot go ahead; nothing was changed. The message says what to do."""


@dataclass
class Summary:
    tables: dict[str, int]

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    def __str__(self) -> str:
        filled = sum(1 for n in self.tables.values() if n)
        return f"{len(self.tables)} tables ({filled} with data), {self.rows} rows"


def _tables(engine: Engine) -> list[Table]:
    """Every table of the database (reflected, so none is missed), parents before children."""
    meta = MetaData()
    meta.reflect(engine)
    return [t for t in meta.sorted_tables if t.name not in SKIP]


def _revisions(engine: Engine) -> list[str]:
    with engine.connect() as c:
        if not inspect(c).has_table("alembic_version"):
            return []
        return sorted(c.scalars(text("SELECT version_num FROM alembic_version")))


def _out(value: object) -> object:
    """A column value as JSON: times in UTC ISO form, dates ISO, bytes base64; the rest as it is."""
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return {"$base64": base64.b64encode(bytes(value)).decode()}
    return value


def _in(value: object, type_: sqltypes.TypeEngine) -> object:
    """A JSON value back into what the target column takes."""
    if value is None:
        return None
    if isinstance(type_, sqltypes.DateTime):
        return datetime.fromisoformat(str(value)).astimezone(UTC)
    if isinstance(type_, sqltypes.Date):
        return date.fromisoformat(str(value))
    if isinstance(value, dict) and set(value) == {"$base64"} and isinstance(type_, sqltypes.LargeBinary):
        return base64.b64decode(value["$base64"])
    return value


def _line(doc: object) -> bytes:
    return (json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def backup(engine: Engine, path: Path) -> Summary:
    """Write every table to `path` (gzipped JSON lines) from one consistent snapshot; the file appears only when whole."""
    tables = _tables(engine)
    counts: dict[str, int] = {}
    tmp = path.with_name(path.name + ".part")
    try:
        with engine.connect() as conn, gzip.open(tmp, "wb") as out:
            # One snapshot for every table, so a backup taken while people answer is consistent.
            if engine.dialect.name == "postgresql":
                conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
            elif engine.dialect.name == "sqlite":
                conn.exec_driver_sql("BEGIN")  # a read transaction sees one snapshot (WAL)
            head = {
                "format": FORMAT,
                "version": VERSION,
                "created_at": datetime.now(UTC).isoformat(),
                "schema": _revisions(engine),
                "dialect": engine.dialect.name,
                "tables": [t.name for t in tables],
            }
            out.write(_line(head))
            for t in tables:
                cols = [c.name for c in t.columns]
                out.write(_line({"table": t.name, "columns": cols}))
                order = list(t.primary_key.columns) or list(t.columns)
                n = 0
                for row in conn.execute(select(t).order_by(*order).execution_options(yield_per=BATCH)):
                    out.write(_line([_out(v) for v in row]))
                    n += 1
                out.write(_line({"end": t.name, "rows": n}))
                counts[t.name] = n
            out.write(_line({"end_of_backup": True, "rows": counts}))
            conn.rollback()
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return Summary(counts)


def _read(path: Path) -> Iterator[object]:
    try:
        with gzip.open(path, "rb") as f:
            for k, raw in enumerate(f, start=1):
                try:
                    yield json.loads(raw)
                except ValueError:
                    raise BackupError(f"{path.name}: line {k} is not JSON; the backup is damaged") from None
    except (OSError, EOFError) as exc:  # not gzip, or cut short
        raise BackupError(f"{path.name}: not a readable backup file ({exc})") from None


def _check_empty(engine: Engine, tables: list[Table]) -> None:
    with engine.connect() as c:
        full = {t.name: n for t in tables if (n := c.scalar(select(func.count()).select_from(t)))}
    if full:
        listed = ", ".join(f"{name} ({n} rows)" for name, n in sorted(full.items()))
        raise BackupError(
            f"the database is not empty ({listed}); restore only into an empty database, so nothing is overwritten "
            "or mixed: create a new database, point DATABASE_URL at it, and run restore again"
        )


def restore(engine: Engine, path: Path, *, by: str = "") -> Summary:
    """Load a backup into an empty, migrated database: all of it in one transaction, or nothing."""
    if not Path(path).is_file():
        raise BackupError(f"{path}: no such file")
    docs = _read(Path(path))
    head = next(docs, None)
    if not isinstance(head, dict) or head.get("format") != FORMAT:
        raise BackupError(f"{Path(path).name}: not a backup made by `python -m toolkit backup`")
    if head.get("version") != VERSION:
        raise BackupError(
            f"{Path(path).name}: backup format version {head.get('version')!r}; this toolkit reads {VERSION}"
        )
    here = _revisions(engine)
    if head.get("schema") != here:
        raise BackupError(
            f"the backup has database schema {head.get('schema')} but this database has {here}: restore it with the "
            "toolkit version that made it, or upgrade that version first and take a new backup"
        )
    tables = {t.name: t for t in _tables(engine)}
    missing = [name for name in head.get("tables", []) if name not in tables]
    if missing:
        raise BackupError(f"this database has no table {', '.join(missing)}; is it migrated by this toolkit version?")
    _check_empty(engine, list(tables.values()))
    counts: dict[str, int] = {}
    with engine.begin() as conn:
        table: Table | None = None
        cols: list[str] = []
        batch: list[dict] = []
        late: list[tuple[Table, dict, dict]] = []  # self-references (key, values), set once every row exists
        selfref: list[str] = []

        def flush() -> None:
            if batch and table is not None:  # rows only ever follow their table's header line
                conn.execute(insert(table), batch)
                batch.clear()

        finished = False
        for doc in docs:
            if isinstance(doc, list):
                if table is None or len(doc) != len(cols):
                    raise BackupError(f"{Path(path).name}: a row outside a table, or of the wrong width; damaged")
                row = {c: _in(v, table.c[c].type) for c, v in zip(cols, doc, strict=True)}
                if selfref and any(row[c] is not None for c in selfref):  # e.g. a plan goal carried from another
                    key = {c.name: row[c.name] for c in table.primary_key.columns}
                    late.append((table, key, {c: row[c] for c in selfref}))
                    row = {**row, **dict.fromkeys(selfref)}
                batch.append(row)
                counts[table.name] = counts.get(table.name, 0) + 1
                if len(batch) >= BATCH:
                    flush()
            elif isinstance(doc, dict) and "table" in doc:
                flush()
                table = tables.get(doc["table"])
                if table is None:
                    raise BackupError(f"this database has no table {doc['table']!r}")
                cols = list(doc["columns"])
                unknown = [c for c in cols if c not in table.c]
                if unknown:
                    raise BackupError(f"table {table.name} here has no column {', '.join(unknown)}")
                selfref = [fk.parent.name for fk in table.foreign_keys if fk.column.table.name == table.name]
                counts.setdefault(table.name, 0)
            elif isinstance(doc, dict) and "end" in doc:
                flush()
                if counts.get(doc["end"], 0) != doc.get("rows"):
                    raise BackupError(
                        f"table {doc['end']}: {counts.get(doc['end'], 0)} rows read, {doc.get('rows')} written"
                    )
                table = None
            elif isinstance(doc, dict) and doc.get("end_of_backup"):
                finished = doc.get("rows") == counts
                break
        if not finished:  # the transaction rolls back: nothing is written
            raise BackupError(f"{Path(path).name}: the backup is incomplete (cut short?); nothing was restored")
        for t, key, refs in late:
            conn.execute(update(t).where(*(t.c[k] == v for k, v in key.items())).values(refs))
        if engine.dialect.name == "postgresql":  # new rows must not collide with restored ids
            for t in tables.values():
                for c in t.primary_key.columns:
                    if isinstance(c.type, sqltypes.Integer) and c.autoincrement in (True, "auto"):
                        conn.execute(
                            text(
                                f"SELECT setval(pg_get_serial_sequence('{t.name}', '{c.name}'), "
                                f"COALESCE((SELECT MAX({c.name}) FROM {t.name}), 1), "
                                f"(SELECT MAX({c.name}) FROM {t.name}) IS NOT NULL) "
                                f"WHERE pg_get_serial_sequence('{t.name}', '{c.name}') IS NOT NULL"
                            )
                        )
        # The restore is itself a change of record: its line goes in with the rows, after the restored log (and
        # after PostgreSQL's ids have moved past the restored ones).
        audit = tables["audit_log"]
        conn.execute(
            insert(audit).values(
                at=utcnow(),
                actor=by or CLI,
                action="restore",
                area_id=None,
                target=Path(path).name[:200],
                before=None,
                after={"rows": sum(counts.values())},
            )
        )
    return Summary(counts)
