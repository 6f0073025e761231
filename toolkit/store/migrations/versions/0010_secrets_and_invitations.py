"""resume secrets for respondents and participants, a workshop's expected roster, self-assessment invitations

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 14:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("respondents") as batch_op:
        batch_op.add_column(sa.Column("secret_hash", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_respondents_secret_hash", ["secret_hash"], unique=False)
    with op.batch_alter_table("workshop_participants") as batch_op:
        batch_op.add_column(sa.Column("secret_hash", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_workshop_participants_secret_hash", ["secret_hash"], unique=False)
    with op.batch_alter_table("workshops") as batch_op:
        batch_op.add_column(sa.Column("roster", sa.JSON(), nullable=True))
    op.create_table(
        "invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("max_uses", sa.Integer(), nullable=False),
        sa.Column("uses", sa.Integer(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["cycle_id"], ["cycles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("secret_hash"),
    )
    op.create_index("ix_invitations_cycle_id", "invitations", ["cycle_id"])


def downgrade() -> None:
    op.drop_index("ix_invitations_cycle_id", table_name="invitations")
    op.drop_table("invitations")
    with op.batch_alter_table("workshops") as batch_op:
        batch_op.drop_column("roster")
    with op.batch_alter_table("workshop_participants") as batch_op:
        batch_op.drop_index("ix_workshop_participants_secret_hash")
        batch_op.drop_column("secret_hash")
    with op.batch_alter_table("respondents") as batch_op:
        batch_op.drop_index("ix_respondents_secret_hash")
        batch_op.drop_column("secret_hash")
