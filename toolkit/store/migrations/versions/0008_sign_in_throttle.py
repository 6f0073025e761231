"""sign-in throttle per account and per client; the session's cookie and one-time hand-over code

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 14:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_in_throttle",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("next_try_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("login_sessions") as batch_op:
        batch_op.add_column(sa.Column("cookie_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("handoff_hash", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint("uq_login_sessions_cookie_hash", ["cookie_hash"])
        batch_op.create_unique_constraint("uq_login_sessions_handoff_hash", ["handoff_hash"])


def downgrade() -> None:
    with op.batch_alter_table("login_sessions") as batch_op:
        batch_op.drop_constraint("uq_login_sessions_handoff_hash", type_="unique")
        batch_op.drop_constraint("uq_login_sessions_cookie_hash", type_="unique")
        batch_op.drop_column("handoff_hash")
        batch_op.drop_column("cookie_hash")
    op.drop_table("sign_in_throttle")
