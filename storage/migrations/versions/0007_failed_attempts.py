"""failed attempts (wrong invite codes per sender) kept in the database, shared by every process

Revision ID: 0007_failed_attempts
Revises: 0006_durable_inbox
"""
from alembic import op
import sqlalchemy as sa


revision = '0007_failed_attempts'
down_revision = '0006_durable_inbox'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'failed_attempts',
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('failures', sa.JSON(), nullable=False),
        sa.Column('last_at', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('key'),
    )


def downgrade() -> None:
    op.drop_table('failed_attempts')
