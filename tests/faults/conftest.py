"""A second database for restores and crash checks: SQLite beside the first, or a new PostgreSQL database."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import PG_URL
from toolkit.store.db import engine_for, make_engine, upgrade


@pytest.fixture
def empty_url(tmp_path: Path):
    """The URL of another empty, migrated database on the same kind of server as `db_url`."""
    admin, name = None, f"toolkit_other_{uuid.uuid4().hex[:10]}"
    if PG_URL:
        admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{tmp_path / 'other.db'}"
    eng = make_engine(url)
    upgrade(eng)
    eng.dispose()
    yield url
    engine_for(url).dispose()
    if admin is not None:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
