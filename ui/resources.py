"""Cached process-wide resources: the database engine and the framework catalogue.

Both can fail for reasons outside the app (the database server stopped, a user's framework file broken); pages then
say so plainly and stop, rather than showing a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import streamlit as st
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session

from toolkit.core.catalogue import catalogue as _catalogue
from toolkit.core.frameworks import Catalogue, FrameworkError
from toolkit.core.settings import Settings, get_settings
from toolkit.store.db import engine_for, session_scope
from toolkit.training.sandbox import sandbox_url

log = logging.getLogger(__name__)

# The database server is stopped, restarting or unreachable; (SQLite) busy past its timeout; or every pooled
# connection stayed in use past the pool's timeout.
DB_UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeout)
UNAVAILABLE = (
    "The database is not answering: it cannot be reached or is too busy at the moment, so nothing could be loaded or "
    "saved just now. Everything saved before is safe. Wait a minute and reload the page; if you were answering, give "
    "that answer again."
)


def settings() -> Settings:
    return get_settings()


def database_where() -> str:
    """Where the ratings are stored, in words, without the password."""
    url = make_url(get_settings().database_url)
    if url.get_backend_name() == "sqlite":
        return f"an SQLite file at `{url.database}`"
    return f"PostgreSQL database `{url.database}` on `{url.host}`"


def catalogue() -> Catalogue:
    """The frameworks (loaded once per process); a broken framework file stops the page with its problems listed."""
    try:
        return _catalogue()
    except FrameworkError as exc:
        folder = get_settings().frameworks_dir
        st.error(
            "The framework files have problems, so the toolkit cannot open this page. Fix them"
            + (" in the folder set by TOOLKIT_FRAMEWORKS_DIR" if folder else "")
            + ", then restart the app. The problems:",
            icon=":material/error:",
        )
        st.code("\n".join(str(p) for p in exc.problems), language=None)
        st.stop()


def database_unavailable(exc: BaseException) -> NoReturn:
    """Say plainly that the database is unavailable, and stop the page (or the callback) here."""
    log.warning(
        "database unavailable: %s", type(getattr(exc, "orig", exc)).__name__
    )  # never the URL: it may hold a password
    st.error(UNAVAILABLE, icon=":material/cloud_off:")
    st.stop()


CLASH = (
    "Someone else changed the same thing at the same moment, so this change was not saved (theirs was). Look at the "
    "page as it is now and make your change again if it is still needed."
)


@contextmanager
def guarded() -> Iterator[None]:
    """Run database work; if the database is unavailable, or a concurrent writer got there first, show the plain
    message and stop instead of a traceback."""
    try:
        yield
    except DB_UNAVAILABLE as exc:
        database_unavailable(exc)
    except IntegrityError as exc:
        log.warning("concurrent write refused: %s", type(exc.orig).__name__)
        st.error(CLASH, icon=":material/sync_problem:")
        st.stop()


@contextmanager
def db() -> Iterator[Session]:
    """A session on the configured database (engine created and migrated once per URL)."""
    with guarded(), session_scope(engine_for(get_settings().database_url)) as s:
        yield s


@contextmanager
def sandbox() -> Iterator[Session]:
    """A session on the sandbox (trainer mode, the demo): a database of its own, never the live record."""
    with guarded(), session_scope(engine_for(sandbox_url())) as s:
        yield s
