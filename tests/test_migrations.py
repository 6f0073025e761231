"""The migrations build exactly the schema the models describe, from one line of revisions."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from toolkit.store.db import alembic_config
from toolkit.store.models import metadata


def test_one_head_and_a_migrated_database_matches_the_models(engine) -> None:
    """A table or column added to the models without its migration (or the reverse) shows here, on both databases."""
    assert len(ScriptDirectory.from_config(alembic_config(engine)).get_heads()) == 1
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), metadata)
    assert diff == []
