"""milestones.recurrence: which recurring deadline a milestone is an occurrence of (monthly, quarterly,
half_yearly, yearly), for «hàng tháng», «hàng quý», «định kỳ 6 tháng», «Quý II hàng năm»

Revision ID: 0008_milestone_recurrence
Revises: 0007_failed_attempts
"""
from alembic import op
import sqlalchemy as sa


revision = '0008_milestone_recurrence'
down_revision = '0007_failed_attempts'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('milestones') as batch:
        batch.add_column(sa.Column('recurrence', sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('milestones') as batch:
        batch.drop_column('recurrence')
