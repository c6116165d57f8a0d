"""session tickets: a sign-in waiting to become an HttpOnly session cookie (issue 15)

Revision ID: 15_session_tickets
Revises: 0001
Create Date: 2026-11-23 14:27:53.207900
"""
import sqlalchemy as sa
import sqlmodel

from alembic import op

revision = '15_session_tickets'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sessionticket',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('ticket_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('ticket_hash')
    )
    with op.batch_alter_table('sessionticket', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sessionticket_person_id'), ['person_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('sessionticket', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sessionticket_person_id'))

    op.drop_table('sessionticket')
