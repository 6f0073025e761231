"""the workshop room: presenter-paced parts, moderated room comments, the room's 100 points

Workshops made before stay self-paced, with no comments and no points, so nothing changes for one under way.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 21:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("workshops") as batch:
        batch.add_column(sa.Column("pace", sa.String(length=12), server_default="self", nullable=False))
        batch.add_column(sa.Column("part", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("points_open", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        "workshop_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=280), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("moderated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("moderated_by", sa.String(length=80), nullable=False, server_default=""),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshops.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["participant_id"], ["workshop_participants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_workshop_comments_workshop_id", "workshop_comments", ["workshop_id"])
    op.create_table(
        "workshop_points",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("intervention", sa.String(length=100), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshops.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["participant_id"], ["workshop_participants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("workshop_id", "participant_id", "intervention"),
    )
    op.create_index("ix_workshop_points_workshop_id", "workshop_points", ["workshop_id"])


def downgrade() -> None:
    op.drop_index("ix_workshop_points_workshop_id", table_name="workshop_points")
    op.drop_table("workshop_points")
    op.drop_index("ix_workshop_comments_workshop_id", table_name="workshop_comments")
    op.drop_table("workshop_comments")
    with op.batch_alter_table("workshops") as batch:
        batch.drop_column("points_open")
        batch.drop_column("part")
        batch.drop_column("pace")
