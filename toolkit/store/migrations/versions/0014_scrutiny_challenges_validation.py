"""scrutiny challenges with owner, due date, status and history; validation states per stage and C

Revision ID: 0014
Revises: 0012
Create Date: 2026-12-04 18:00:00

Existing challenges get their status from what was recorded (resolved: closed as resolved; answered; open) and a
history rebuilt from the answer and resolution they hold, marked as carried over from before the history began.
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

NEW = ("owner", "due_on", "status", "closed_as", "history")


def upgrade() -> None:
    with op.batch_alter_table("scrutiny_evidence") as b:
        b.add_column(sa.Column("owner", sa.String(length=100), nullable=False, server_default=""))
        b.add_column(sa.Column("due_on", sa.Date(), nullable=True))
        b.add_column(sa.Column("status", sa.String(length=12), nullable=False, server_default=""))
        b.add_column(sa.Column("closed_as", sa.String(length=12), nullable=False, server_default=""))
        b.add_column(sa.Column("history", sa.JSON(), nullable=True))
    ev = sa.table(
        "scrutiny_evidence",
        sa.column("id", sa.Integer()),
        sa.column("judgement", sa.String()),
        sa.column("response", sa.Text()),
        sa.column("responded_by", sa.String()),
        sa.column("responded_at", sa.DateTime(timezone=True)),
        sa.column("resolved", sa.Boolean()),
        sa.column("resolution", sa.Text()),
        sa.column("resolved_by", sa.String()),
        sa.column("resolved_at", sa.DateTime(timezone=True)),
        sa.column("created_by", sa.String()),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("status", sa.String()),
        sa.column("closed_as", sa.String()),
        sa.column("history", sa.JSON()),
    )
    conn = op.get_bind()
    for r in conn.execute(sa.select(ev)).mappings().all():
        hist = [_event(r["created_at"], r["created_by"], "raised" if r["judgement"] == "challenges" else "logged")]
        status, closed_as = "", ""
        if r["judgement"] == "challenges":
            status = "open"
            if r["response"]:
                hist.append(_event(r["responded_at"], r["responded_by"], "answered", r["response"]))
                status = "answered"
            if r["resolved"]:
                hist.append(_event(r["resolved_at"], r["resolved_by"], "resolved", r["resolution"]))
                status, closed_as = "closed", "resolved"
        conn.execute(sa.update(ev).where(ev.c.id == r["id"]).values(status=status, closed_as=closed_as, history=hist))
    with op.batch_alter_table("scrutiny_evidence") as b:
        b.alter_column("history", existing_type=sa.JSON(), nullable=False)
    op.create_table(
        "scrutiny_validations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("link", sa.String(length=200), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("figure", sa.Float(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("set_by", sa.String(length=100), nullable=False),
        sa.Column("set_by_role", sa.String(length=20), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("history", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["cycle_id"], ["cycles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cycle_id", "link"),
    )
    op.create_index("ix_scrutiny_validations_cycle_id", "scrutiny_validations", ["cycle_id"])


def _event(at, by, action: str, text: str = "") -> dict:
    """One history event rebuilt from the columns a note held before its history was kept."""
    return {
        "at": at.isoformat() if at is not None and hasattr(at, "isoformat") else (str(at) if at else ""),
        "by": by or "",
        "role": "",
        "action": action,
        "text": text or "",
        "carried_over": True,
    }


def downgrade() -> None:
    op.drop_index("ix_scrutiny_validations_cycle_id", table_name="scrutiny_validations")
    op.drop_table("scrutiny_validations")
    with op.batch_alter_table("scrutiny_evidence") as b:
        for col in reversed(NEW):
            b.drop_column(col)
