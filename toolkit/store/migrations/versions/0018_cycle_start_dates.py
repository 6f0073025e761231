"""a start date on every cycle: cycles are ordered by it, not by their names

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-12 10:00:00

Existing cycles get 1 January of the year their name begins with ("2025", "2026-baseline"), else the day they were
created (toolkit.store.cycle_dates.default_start, the same rule a new cycle gets).
"""

import re
from datetime import date, datetime

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

YEAR = re.compile(r"^\s*((?:19|20)\d\d)(?!\d)")  # as toolkit.store.cycle_dates.YEAR (a migration stands alone)


def _start(name: str, created: object) -> date:
    m = YEAR.match(name or "")
    if m:
        return date(int(m.group(1)), 1, 1)
    if isinstance(created, datetime):
        return created.date()
    if isinstance(created, date):
        return created
    if isinstance(created, str) and re.match(r"\d{4}-\d{2}-\d{2}", created):
        return date.fromisoformat(created[:10])
    return datetime.now().date()


def upgrade() -> None:
    with op.batch_alter_table("cycles") as b:
        b.add_column(sa.Column("starts_on", sa.Date(), nullable=True))
    cycles = sa.table(
        "cycles",
        sa.column("id", sa.Integer),
        sa.column("name", sa.String),
        sa.column("created_at", sa.DateTime),
        sa.column("starts_on", sa.Date),
    )
    conn = op.get_bind()
    for id_, name, created in conn.execute(sa.select(cycles.c.id, cycles.c.name, cycles.c.created_at)).all():
        conn.execute(sa.update(cycles).where(cycles.c.id == id_).values(starts_on=_start(name, created)))
    with op.batch_alter_table("cycles") as b:
        b.alter_column("starts_on", existing_type=sa.Date(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("cycles") as b:
        b.drop_column("starts_on")
