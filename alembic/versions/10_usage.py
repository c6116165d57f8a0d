"""usage: the MAU plan's distinct (month, person) pairs, closed periods, event ids, organisation time zone (issue 10)"""
import sqlalchemy as sa
import sqlmodel

from alembic import op
from billing_center.migration_kit import (add_columns, create_table_with_id, drop_columns, foreign_keys, index_columns,
                                          reference, timestamp)

revision = '10_usage'
down_revision = '12_einvoicing'


def upgrade() -> None:
    add_columns('organisation',
                sa.Column('timezone', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False, server_default='UTC'))
    with op.batch_alter_table('usageevent', schema=None) as batch_op:
        batch_op.add_column(sa.Column('event_id', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True))
        batch_op.create_unique_constraint('uq_usage_event_id', ['organisation_id', 'event_id'])
    op.create_table('usage_month',
    reference('subscription_id'),
    sa.Column('month', sa.Date(), nullable=False),
    reference('person_id'),
    reference('organisation_id'),
    *foreign_keys(organisation_id='organisation', person_id='person', subscription_id='subscription'),
    sa.PrimaryKeyConstraint('subscription_id', 'month', 'person_id')
    )
    index_columns('usage_month', 'organisation_id')
    create_table_with_id('mau_period',
    reference('organisation_id'),
    reference('subscription_id'),
    sa.Column('start_month', sa.Date(), nullable=False),
    sa.Column('end_month', sa.Date(), nullable=False),
    sa.Column('billed_users', sa.Integer(), nullable=False),
    reference('invoice_id', nullable=True),
    timestamp('closed_at'),
    *foreign_keys(invoice_id='invoice', organisation_id='organisation', subscription_id='subscription'),
    sa.UniqueConstraint('subscription_id', 'start_month', name='uq_mau_period_start')
    )
    index_columns('mau_period', 'organisation_id')
    create_table_with_id('usage_api_key',
    reference('organisation_id'),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('prefix', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    reference('created_by_id', nullable=True),
    timestamp('created_at'),
    timestamp('last_used_at', nullable=True),
    timestamp('revoked_at', nullable=True),
    *foreign_keys(created_by_id='person', organisation_id='organisation'),
    sa.UniqueConstraint('key_hash')
    )
    index_columns('usage_api_key', 'organisation_id')


def downgrade() -> None:
    # dropping a table drops its indexes
    op.drop_table('usage_api_key')
    op.drop_table('mau_period')
    op.drop_table('usage_month')
    with op.batch_alter_table('usageevent', schema=None) as batch_op:
        batch_op.drop_constraint('uq_usage_event_id', type_='unique')
        batch_op.drop_column('event_id')
    drop_columns('organisation', 'timezone')
