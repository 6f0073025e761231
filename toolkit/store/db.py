"""Engines, sessions and schema migrations for SQLite (default) and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from toolkit.core.settings import get_settings

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def make_engine(url: str) -> Engine:
    """An engine for the URL, with the connect and statement timeouts of settings (TOOLKIT_DB_CONNECT_TIMEOUT,
    TOOLKIT_DB_STATEMENT_TIMEOUT); SQLite gets its folder created, WAL mode and its busy timeout."""
    cfg = get_settings()
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # A file opens at once; what waits is a statement on another writer's lock: that is the statement timeout.
        busy = cfg.db_statement_timeout
        engine = create_engine(url, connect_args={"timeout": busy})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA busy_timeout={int(busy) * 1000}")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    # The server ends a statement past the timeout; options given in the URL are kept and come after.
    options = f"-c statement_timeout={int(cfg.db_statement_timeout) * 1000}"
    if given := parsed.query.get("options"):
        options += " " + (given if isinstance(given, str) else " ".join(given))
    connect = {"connect_timeout": int(cfg.db_connect_timeout), "options": options}
    # A busy workshop has many answers in flight; two servers of 40 stay under PostgreSQL's default 100 connections.
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=15,
        max_overflow=25,
        pool_timeout=cfg.db_statement_timeout,
        connect_args=connect,
    )


def not_answering(exc: BaseException) -> str:
    """Why the database could not be used, in words that say what to do (never the URL: it may hold a password)."""
    cfg = get_settings()
    orig = getattr(exc, "orig", exc)
    name, text = type(orig).__name__, str(orig).strip().splitlines()[0] if str(orig).strip() else ""
    if name == "ConnectionTimeout" or "timeout expired" in text:
        return (
            f"the database is not answering: it did not accept a connection within {cfg.db_connect_timeout} s. "
            "Check that the database server is running and that DATABASE_URL points to it "
            "(or allow longer with TOOLKIT_DB_CONNECT_TIMEOUT)."
        )
    if name == "QueryCanceled" or "statement timeout" in text:
        return (
            f"the database is not answering: one step took longer than {cfg.db_statement_timeout} s and was stopped. "
            "Nothing of it was saved; try again when the database is less busy "
            "(or allow longer with TOOLKIT_DB_STATEMENT_TIMEOUT)."
        )
    if "database is locked" in text or "database is busy" in text:
        return (
            f"the database is busy: another program kept it locked for more than {cfg.db_statement_timeout} s. "
            "Nothing was saved; try again in a moment (or allow longer with TOOLKIT_DB_STATEMENT_TIMEOUT)."
        )
    if name == "TimeoutError":  # the pool's: every connection stayed in use
        return (
            f"the database is not answering: every connection stayed in use for {cfg.db_statement_timeout} s. "
            "Try again in a moment; if it keeps happening, the database server is overloaded."
        )
    return (
        f"cannot use the database ({text[:200] or name}). Check DATABASE_URL and that the database server is running."
    )


def alembic_config(engine: Engine) -> Config:
    """An Alembic config pointing at our migrations and the given engine (no alembic.ini needed)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine) -> None:
    """Bring the schema up to the newest migration (the app and CLI call this on start)."""
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        if sqlite:
            # A batch migration on SQLite copies a table and drops the old one; with foreign keys on, that drop would
            # cascade and delete every row that points at the table (a cycle's respondents, workshops, ...). The
            # pragma only takes effect outside a transaction, so it is set before the migration's own begins.
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.commit()
        try:
            with conn.begin():
                cfg = alembic_config(engine)
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "heads")
                if sqlite and (broken := conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()):
                    raise RuntimeError(f"the migration left rows whose references are missing: {broken[:5]}")
        finally:
            if sqlite:
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                conn.commit()


def is_current(engine: Engine) -> bool:
    """Whether the database already has the newest schema."""
    heads = set(ScriptDirectory.from_config(alembic_config(engine)).get_heads())
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return False
        return set(MigrationContext.configure(conn).get_current_heads()) == heads


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    """One migrated engine per URL per process."""
    engine = make_engine(url)
    if not is_current(engine):
        upgrade(engine)
    return engine


def get_engine() -> Engine:
    """The engine for the configured DATABASE_URL, migrated."""
    return engine_for(get_settings().database_url)


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error: nothing half-written."""
    factory = sessionmaker(engine or get_engine(), expire_on_commit=False)
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
