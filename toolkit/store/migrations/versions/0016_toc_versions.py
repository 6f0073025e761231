"""toc versions: a partnership's own Theory of Change, one row per saved version

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "toc_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=True),
        sa.Column("doc", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["area_id"], ["areas.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["cycle_id"], ["cycles.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("area_id", "number"),
    )
    with op.batch_alter_table("toc_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_toc_versions_area_id"), ["area_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("toc_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_toc_versions_area_id"))
    op.drop_table("toc_versions")
