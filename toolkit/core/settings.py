"""The one settings class: every tunable the toolkit reads from the environment."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATA_DIR = Path("data")


class Settings(BaseSettings):
    """Configuration from environment variables (prefix TOOLKIT_, plus the plain DATABASE_URL)."""

    model_config = SettingsConfigDict(env_prefix="TOOLKIT_", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{DEFAULT_DATA_DIR / 'toolkit.db'}",
        validation_alias=AliasChoices("DATABASE_URL", "TOOLKIT_DATABASE_URL"),
    )
    # Anonymity: a breakdown over fewer respondents than this is never shown (contracts section 3).
    min_group_size: int = Field(default=3, ge=2)
    # Journey priority: a stage below this mean, overall or at any level, needs work before the next.
    priority_threshold: float = Field(default=3.0, ge=1, le=5)
    # Benchmarks show peer statistics only when at least this many areas contribute.
    min_peer_areas: int = Field(default=5, ge=2)
    # A folder of the user's own framework files, loaded like the bundled ones.
    frameworks_dir: Path | None = None
    # Trainer mode and the demo: their own database, never the live one (default: a temporary SQLite file).
    sandbox_url: str | None = None


@lru_cache
def get_settings() -> Settings:
    """The settings of this process (read once; tests clear the cache to change them)."""
    return Settings()
