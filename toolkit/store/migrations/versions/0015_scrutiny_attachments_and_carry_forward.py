"""scrutiny evidence: links and files attached to notes and challenges; notes carried forward from a cycle

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 21:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scrutiny_attachments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "evidence_id", sa.Integer(), sa.ForeignKey("scrutiny_evidence.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("url", sa.Text(), nullable=False, server_default=""),
        sa.Column("title", sa.String(length=200), nullable=False, server_default=""),
        sa.Column("sha256", sa.String(length=64), nullable=False, server_default=""),
        sa.Column("content_type", sa.String(length=100), nullable=False, server_default=""),
        sa.Column("size", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.Column("added_by", sa.String(length=100), nullable=False, server_default=""),
        sa.Column("added_by_role", sa.String(length=20), nullable=False, server_default=""),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_by", sa.String(length=100), nullable=False, server_default=""),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_scrutiny_attachments_evidence_id", "scrutiny_attachments", ["evidence_id"])
    with op.batch_alter_table("scrutiny_evidence") as b:
        b.add_column(sa.Column("carried_from_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("scrutiny_evidence") as b:
        b.drop_column("carried_from_id")
    op.drop_index("ix_scrutiny_attachments_evidence_id", table_name="scrutiny_attachments")
    op.drop_table("scrutiny_attachments")
