"""memberships: a role per area, or for every area

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 13:40:00

Each existing account keeps working: its single `users.role` becomes a membership of that role for every area
(area_id null), which is what the role meant before areas scoped access. An administrator can then narrow a
facilitator or scrutineer to named areas on the Account page or with `python -m toolkit users grant/revoke`.
The `users.role` column stays as the account's main role (shown beside its name); access is decided by memberships.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "memberships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["area_id"], ["areas.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "area_id", "role"),
    )
    op.create_index("ix_memberships_user_id", "memberships", ["user_id"])
    op.create_index("ix_memberships_area_id", "memberships", ["area_id"])
    # Existing accounts: the role they had, for every area (so nobody loses access by upgrading).
    op.execute(
        "INSERT INTO memberships (user_id, area_id, role) SELECT id, NULL, role FROM users "
        "WHERE role IN ('facilitator', 'scrutineer', 'administrator')"
    )


def downgrade() -> None:
    op.drop_index("ix_memberships_area_id", table_name="memberships")
    op.drop_index("ix_memberships_user_id", table_name="memberships")
    op.drop_table("memberships")
