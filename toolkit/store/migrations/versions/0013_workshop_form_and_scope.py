"""workshop form and scope: short or full form, and the 12 C's a workshop rates

Workshops made before keep the full form and every C, so nothing changes for a workshop under way.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-12 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# The 12 C's as they stood at this revision (a migration never reads the live code's ids).
C_IDS = [
    "c01_clarity",
    "c02_confidence",
    "c03_competence",
    "c04_capacity",
    "c05_congruence",
    "c06_colocation_cooperation",
    "c07_culture_of_challenge",
    "c08_cohesion",
    "c09_consistency_stability",
    "c10_coordination_of_data",
    "c11_collaboration_forums",
    "c12_continual_commitment",
]


def upgrade() -> None:
    with op.batch_alter_table("workshops") as batch:
        batch.add_column(sa.Column("form", sa.String(length=8), server_default="full", nullable=False))
        batch.add_column(sa.Column("cs", sa.JSON(), nullable=True))
    workshops = sa.table("workshops", sa.column("id", sa.Integer()), sa.column("cs", sa.JSON()))
    op.execute(workshops.update().values(cs=C_IDS))
    with op.batch_alter_table("workshops") as batch:
        batch.alter_column("cs", existing_type=sa.JSON(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("workshops") as batch:
        batch.drop_column("cs")
        batch.drop_column("form")
