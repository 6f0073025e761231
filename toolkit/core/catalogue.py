"""The process-wide framework catalogue: bundled frameworks plus the user's folder, loaded once."""

from __future__ import annotations

from functools import lru_cache

from toolkit.core.frameworks import Catalogue, load_catalogue
from toolkit.core.settings import get_settings


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    """The catalogue for the configured frameworks folder (cached: framework files change rarely)."""
    return load_catalogue(get_settings().frameworks_dir)
