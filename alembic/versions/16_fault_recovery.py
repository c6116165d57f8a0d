"""fault recovery: delivery attempts and the next try of each outgoing e-mail (issue 16)

Revision ID: 16_fault_recovery
Revises: 10_usage
"""
import sqlalchemy as sa
import sqlmodel

from alembic import op

revision = '16_fault_recovery'
down_revision = '10_usage'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outgoingemail', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('next_attempt_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('outgoingemail', schema=None) as batch_op:
        batch_op.drop_column('next_attempt_at')
        batch_op.drop_column('attempts')
