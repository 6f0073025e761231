"""single sign-on: an account's linked OpenID Connect identity (issuer and subject, or a verified email)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 10:00:00

Existing accounts are linked to nothing: they sign in with their password until an administrator links them.
An OIDC sign-in's own session is a row of login_sessions like a password's (toolkit/access/oidc.py).
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN and unique indexes, not batch mode: on SQLite batch mode rebuilds users (drop and copy), and
    # dropping it with foreign keys on cascades into memberships and login_sessions, deleting every one.
    op.add_column("users", sa.Column("oidc_issuer", sa.String(length=300), nullable=True))
    op.add_column("users", sa.Column("oidc_subject", sa.String(length=255), nullable=True))
    op.add_column("users", sa.Column("oidc_email", sa.String(length=254), nullable=True))
    op.create_index("uq_users_oidc_identity", "users", ["oidc_issuer", "oidc_subject"], unique=True)
    op.create_index("uq_users_oidc_email", "users", ["oidc_email"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_users_oidc_email", table_name="users")
    op.drop_index("uq_users_oidc_identity", table_name="users")
    op.drop_column("users", "oidc_email")
    op.drop_column("users", "oidc_subject")
    op.drop_column("users", "oidc_issuer")
