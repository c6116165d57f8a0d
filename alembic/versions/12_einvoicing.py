"""e-invoicing: an organisation's Peppol endpoint (issue 12)"""
import sqlalchemy as sa
import sqlmodel

from billing_center.migration_kit import add_columns, drop_columns

revision = '12_einvoicing'
down_revision = '15_session_tickets'


def upgrade() -> None:
    add_columns('organisation',
                sa.Column('peppol_scheme', sqlmodel.sql.sqltypes.AutoString(length=4), nullable=False,
                          server_default=''),
                sa.Column('peppol_id', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False,
                          server_default=''))


def downgrade() -> None:
    drop_columns('organisation', 'peppol_id', 'peppol_scheme')
