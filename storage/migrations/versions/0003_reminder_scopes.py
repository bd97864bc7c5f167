"""reminder scopes: which units a scoped collective share concerns, as a coordinator assigned them
(«nv 54 giao QLTM, QLNL»)

Revision ID: 0003_reminder_scopes
Revises: 0002
Create Date: 2026-11-30 13:50:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0003_reminder_scopes'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'reminder_scopes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('assignment_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.String(length=64), nullable=False),
        sa.Column('assigned_by', sa.Integer(), nullable=True),
        sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['assigned_by'], ['users.id']),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('assignment_id', 'unit_id'),
    )
    with op.batch_alter_table('reminder_scopes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminder_scopes_assignment_id'), ['assignment_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('reminder_scopes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reminder_scopes_assignment_id'))
    op.drop_table('reminder_scopes')
