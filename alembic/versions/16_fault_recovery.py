"""fault recovery: delivery attempts and the next try of each outgoing e-mail (issue 16)"""
import sqlalchemy as sa

from billing_center.migration_kit import add_columns, drop_columns, timestamp

revision = '16_fault_recovery'
down_revision = '10_usage'


def upgrade() -> None:
    add_columns('outgoingemail',
                sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
                timestamp('next_attempt_at', nullable=True))


def downgrade() -> None:
    drop_columns('outgoingemail', 'next_attempt_at', 'attempts')
