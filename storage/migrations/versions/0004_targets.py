"""targets (chỉ tiêu) as measurable objects and the figures reported for them

Revision ID: 0004_targets
Revises: 0003_reminder_scopes
Create Date: 2026-11-30 13:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0004_targets'
down_revision = '0003_reminder_scopes'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'targets',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('section_number', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=16), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('short_name', sa.String(length=200), nullable=False),
        sa.Column('goal', sa.Float(), nullable=True),
        sa.Column('direction', sa.String(length=4), nullable=True),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('plan_id', 'code'),
    )
    with op.batch_alter_table('targets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_targets_plan_id'), ['plan_id'], unique=False)

    op.create_table(
        'target_figures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('target_id', sa.Integer(), nullable=False),
        sa.Column('period', sa.String(length=4), nullable=False),
        sa.Column('value', sa.Float(), nullable=False),
        sa.Column('numerator', sa.Integer(), nullable=True),
        sa.Column('denominator', sa.Integer(), nullable=True),
        sa.Column('unit_id', sa.String(length=64), nullable=True),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('channel', sa.String(length=16), nullable=False),
        sa.Column('original_text', sa.Text(), nullable=True),
        sa.Column('idempotency_key', sa.String(length=200), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['target_id'], ['targets.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id']),
        sa.ForeignKeyConstraint(['user_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('idempotency_key'),
    )
    with op.batch_alter_table('target_figures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_target_figures_target_id'), ['target_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('target_figures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_target_figures_target_id'))
    op.drop_table('target_figures')
    with op.batch_alter_table('targets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_targets_plan_id'))
    op.drop_table('targets')
