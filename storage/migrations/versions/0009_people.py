"""people: the audit history of role and activation changes made with `cchc-bot users …`

Revision ID: 0009_people
Revises: 0008_milestone_recurrence
"""
from alembic import op
import sqlalchemy as sa


revision = '0009_people'
down_revision = '0008_milestone_recurrence'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'user_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('field', sa.String(length=16), nullable=False),
        sa.Column('old_value', sa.String(length=32), nullable=True),
        sa.Column('new_value', sa.String(length=32), nullable=False),
        sa.Column('changed_by', sa.String(length=100), nullable=False),
        sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('user_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_changes_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('user_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_changes_user_id'))
    op.drop_table('user_changes')
