"""The sandbox: the database trainer mode and the demo use, kept apart from the live record."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

from sqlalchemy.engine import make_url

from toolkit.core.settings import get_settings


@lru_cache(maxsize=1)
def _temporary_url() -> str:
    """A fresh SQLite file in a temporary folder, removed when the process ends (one per process)."""
    folder = Path(tempfile.mkdtemp(prefix="toolkit-sandbox-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return f"sqlite:///{folder / 'sandbox.db'}"


def sandbox_url() -> str:
    """TOOLKIT_SANDBOX_URL, else a temporary SQLite file; never the live database."""
    s = get_settings()
    url = s.sandbox_url or _temporary_url()
    if _same_database(url, s.database_url):
        raise ValueError("TOOLKIT_SANDBOX_URL names the live database; the sandbox must be a database of its own")
    return url


def _same_database(a: str, b: str) -> bool:
    ua, ub = make_url(a), make_url(b)
    if ua.get_backend_name() == "sqlite" and ub.get_backend_name() == "sqlite":
        return bool(ua.database) and Path(ua.database or "").resolve() == Path(ub.database or "").resolve()
    return (ua.host, ua.port, ua.database) == (ub.host, ub.port, ub.database)


def describe(url: str) -> str:
    """Where a database is, in words, without the password."""
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        return f"the SQLite file {u.database}"
    return f"the PostgreSQL database {u.database} on {u.host}"
