"""Cached process-wide resources: the database engine and the framework catalogue."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from toolkit.catalogue import catalogue as _catalogue
from toolkit.db import engine_for, session_scope
from toolkit.frameworks import Catalogue
from toolkit.settings import Settings, get_settings


def settings() -> Settings:
    return get_settings()


def catalogue() -> Catalogue:
    """The frameworks (loaded once per process)."""
    return _catalogue()


@contextmanager
def db() -> Iterator[Session]:
    """A session on the configured database (engine created and migrated once per URL)."""
    with session_scope(engine_for(get_settings().database_url)) as s:
        yield s
