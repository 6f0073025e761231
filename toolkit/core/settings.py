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
    # The address phones use to reach this app (e.g. https://toolkit.northshire.example): the workshop's QR code and
    # join link are made from it. Unset, no QR is shown: the facilitator's own address may be localhost.
    public_url: str | None = None
    # A folder of the user's own framework files, loaded like the bundled ones.
    frameworks_dir: Path | None = None
    # Trainer mode and the demo: their own database, never the live one (default: a temporary SQLite file).
    sandbox_url: str | None = None
    # Seconds to wait for PostgreSQL to accept a connection (libpq counts anything under 2 as 2): a server that
    # accepts and never answers is reported as not answering, not waited on for ever.
    db_connect_timeout: int = Field(default=5, ge=1, le=600)
    # Seconds any one statement may run (PostgreSQL statement_timeout) or wait for a lock (SQLite busy timeout).
    db_statement_timeout: int = Field(default=30, ge=1, le=3600)
    # Single sign-on with an organisation's OpenID Connect provider (st.login); on when the first four are set.
    oidc_server_metadata_url: str | None = None  # the provider's .well-known/openid-configuration
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = None
    oidc_redirect_uri: str | None = None  # this app's address + /oauth2callback, as registered with the provider
    # Signs Streamlit's identity cookie; the same on every server behind one proxy (default: random per process).
    oidc_cookie_secret: str | None = None
    oidc_label: str = "Sign in with your organisation"
    # Ratings files (CSV and XLSX): what an import reads, in rows per batch, and what it refuses.
    import_max_file_mib: int = Field(default=512, ge=1)  # the file as uploaded (compressed, for an XLSX)
    import_batch_rows: int = Field(default=10_000, ge=100)  # rows checked, spilled and written at a time
    import_max_errors: int = Field(default=1000, ge=10)  # problems listed in a refusal (all are counted)
    xlsx_max_unzipped_mib: int = Field(default=1024, ge=1)  # a workbook's parts decompressed: a zip bomb stops here
    xlsx_max_rows: int = Field(default=2_000_000, ge=1)  # per sheet
    xlsx_max_columns: int = Field(default=50, ge=9)  # cells right of this in any row are refused
    xlsx_max_cell_chars: int = Field(default=32_767, ge=4000)  # Excel's own limit for a cell
    xlsx_max_shared_strings: int = Field(default=2_000_000, ge=1)  # distinct texts a workbook may hold
    xlsx_max_shared_strings_mib: int = Field(default=128, ge=1)  # their XML, decompressed

    @property
    def oidc_enabled(self) -> bool:
        return all(
            (self.oidc_server_metadata_url, self.oidc_client_id, self.oidc_client_secret, self.oidc_redirect_uri)
        )


@lru_cache
def get_settings() -> Settings:
    """The settings of this process (read once; tests clear the cache to change them)."""
    return Settings()
