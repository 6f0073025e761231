"""Shared fixtures: a fresh, migrated database per test (SQLite, or PostgreSQL via TOOLKIT_TEST_DATABASE_URL)."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from toolkit.core.catalogue import catalogue as cached_catalogue
from toolkit.core.frameworks import load_catalogue
from toolkit.core.settings import get_settings
from toolkit.store.db import engine_for, make_engine, session_scope, upgrade
from toolkit.store.models import metadata as all_tables

# Property tests run the same generated cases on every run (and in CI), so a verdict never depends on the draw;
# HYPOTHESIS_PROFILE=explore draws afresh to look for new cases.
settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

PG_URL = os.environ.get("TOOLKIT_TEST_DATABASE_URL", "")
ROOT = Path(__file__).resolve().parent.parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that touch a database are marked `db`, so the suite can rerun just those on PostgreSQL."""
    for item in items:
        if {"engine", "session", "db_url"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)


@pytest.fixture(scope="session")
def catalogue():
    """The bundled frameworks, loaded once."""
    return load_catalogue()


@pytest.fixture(scope="session")
def _template(tmp_path_factory: pytest.TempPathFactory):
    """A migrated database to copy (SQLite) or a per-run PostgreSQL database to truncate."""
    if PG_URL:
        name = f"toolkit_test_{uuid.uuid4().hex[:10]}"
        admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT", pool_pre_ping=True)  # survives a server restart
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
        eng = make_engine(url)
        upgrade(eng)
        eng.dispose()
        yield url
        engine_for.cache_clear()
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        path = tmp_path_factory.mktemp("template") / "template.db"
        eng = make_engine(f"sqlite:///{path}")
        upgrade(eng)
        eng.dispose()
        yield path


@pytest.fixture
def db_url(_template, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The URL of a fresh, migrated, empty database, also set as DATABASE_URL for the code under test."""
    if PG_URL:
        url = _template
        eng = engine_for(url)
        tables = ", ".join(f'"{t.name}"' for t in all_tables.sorted_tables)
        with eng.begin() as c:
            c.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    else:
        path = tmp_path / "toolkit.db"
        shutil.copy(_template, path)
        url = f"sqlite:///{path}"
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    cached_catalogue.cache_clear()
    yield url
    get_settings.cache_clear()
    if not PG_URL:
        engine_for(url).dispose()
        engine_for.cache_clear()


@pytest.fixture
def engine(db_url: str):
    return engine_for(db_url)


@pytest.fixture
def session(engine):
    """A session on the fresh database that commits at the end of the test's block."""
    with session_scope(engine) as s:
        yield s
