"""plans.closes_on: the day after which a past year's plan only reads (None: 31 January of the next year)

Revision ID: 0012_plan_closing
Revises: 0011_plan_reference
"""
from alembic import op
import sqlalchemy as sa


revision = '0012_plan_closing'
down_revision = '0011_plan_reference'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('plans') as batch:
        batch.add_column(sa.Column('closes_on', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('plans') as batch:
        batch.drop_column('closes_on')
