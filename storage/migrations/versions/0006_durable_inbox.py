"""durable inbox: every messenger update stored before it is acknowledged (inbox_updates); a send budget shared by processes (pacing_slots)

Revision ID: 0006_durable_inbox
Revises: 0005_web
"""
from alembic import op
import sqlalchemy as sa


revision = '0006_durable_inbox'
down_revision = '0005_web'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'inbox_updates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=16), nullable=False),
        sa.Column('update_key', sa.String(length=200), nullable=False),
        sa.Column('chat_key', sa.String(length=64), nullable=False),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.Column('state', sa.String(length=12), nullable=False),
        sa.Column('replies', sa.JSON(), nullable=True),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('handled_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('channel', 'update_key'),
    )
    op.create_index('ix_inbox_updates_state_id', 'inbox_updates', ['state', 'id'], unique=False)
    op.create_table(
        'pacing_slots',
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('next_at', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('name'),
    )


def downgrade() -> None:
    op.drop_table('pacing_slots')
    op.drop_index('ix_inbox_updates_state_id', table_name='inbox_updates')
    op.drop_table('inbox_updates')
