"""session tickets: a sign-in waiting to become an HttpOnly session cookie (issue 15)"""
import sqlalchemy as sa

from alembic import op
from billing_center.migration_kit import create_table_with_id, foreign_keys, index_columns, reference, timestamp

revision = '15_session_tickets'
down_revision = '0001'


def upgrade() -> None:
    create_table_with_id('sessionticket',
    reference('person_id'),
    sa.Column('ticket_hash', sa.String(length=64), nullable=False),
    timestamp('created_at'),
    timestamp('expires_at'),
    *foreign_keys(person_id='person'),
    sa.UniqueConstraint('ticket_hash')
    )
    index_columns('sessionticket', 'person_id')


def downgrade() -> None:
    op.drop_table('sessionticket')
