"""the plan's own number and date («Kế hoạch số …/KH-SCT ngày …/12/2021»), for the report's căn cứ

Revision ID: 0011_plan_reference
Revises: 0009_people
"""
from alembic import op
import sqlalchemy as sa


revision = '0011_plan_reference'
down_revision = '0009_people'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('plans') as batch:
        batch.add_column(sa.Column('number', sa.String(length=100), nullable=True))
        batch.add_column(sa.Column('signed', sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('plans') as batch:
        batch.drop_column('signed')
        batch.drop_column('number')
