"""workshop reveals as snapshots: the figures each reveal published, and what they stood on

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-10 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "workshop_reveals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("made_by", sa.String(length=120), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("appraisal", sa.JSON(), nullable=False),
        sa.Column("basis", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshops.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("workshop_id", "number"),
    )
    op.create_index("ix_workshop_reveals_workshop_id", "workshop_reveals", ["workshop_id"])


def downgrade() -> None:
    op.drop_index("ix_workshop_reveals_workshop_id", table_name="workshop_reveals")
    op.drop_table("workshop_reveals")
