"""e-invoicing: an organisation's Peppol endpoint (issue 12)

Revision ID: 12_einvoicing
Revises: 15_session_tickets
Create Date: 2026-11-23 17:20:00.000000
"""
import sqlalchemy as sa
import sqlmodel

from alembic import op

revision = '12_einvoicing'
down_revision = '15_session_tickets'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('peppol_scheme', sqlmodel.sql.sqltypes.AutoString(length=4), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('peppol_id', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False,
                                      server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('peppol_id')
        batch_op.drop_column('peppol_scheme')
