"""usage: the MAU plan's distinct (month, person) pairs, closed periods, event ids, organisation time zone (issue 10)

Revision ID: 10_usage
Revises: 12_einvoicing
"""
import sqlalchemy as sa
import sqlmodel

from alembic import op

revision = '10_usage'
down_revision = '12_einvoicing'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('timezone', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False,
                                      server_default='UTC'))
    with op.batch_alter_table('usageevent', schema=None) as batch_op:
        batch_op.add_column(sa.Column('event_id', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True))
        batch_op.create_unique_constraint('uq_usage_event_id', ['organisation_id', 'event_id'])
    op.create_table('usage_month',
    sa.Column('subscription_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['subscription_id'], ['subscription.id'], ),
    sa.PrimaryKeyConstraint('subscription_id', 'month', 'person_id')
    )
    with op.batch_alter_table('usage_month', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_usage_month_organisation_id'), ['organisation_id'], unique=False)
    op.create_table('mau_period',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('subscription_id', sa.Integer(), nullable=False),
    sa.Column('start_month', sa.Date(), nullable=False),
    sa.Column('end_month', sa.Date(), nullable=False),
    sa.Column('billed_users', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id'], ),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ),
    sa.ForeignKeyConstraint(['subscription_id'], ['subscription.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('subscription_id', 'start_month', name='uq_mau_period_start')
    )
    with op.batch_alter_table('mau_period', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mau_period_organisation_id'), ['organisation_id'], unique=False)
    op.create_table('usage_api_key',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('prefix', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('last_used_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('revoked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key_hash')
    )
    with op.batch_alter_table('usage_api_key', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_usage_api_key_organisation_id'), ['organisation_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('usage_api_key', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_usage_api_key_organisation_id'))
    op.drop_table('usage_api_key')
    with op.batch_alter_table('mau_period', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mau_period_organisation_id'))
    op.drop_table('mau_period')
    with op.batch_alter_table('usage_month', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_usage_month_organisation_id'))
    op.drop_table('usage_month')
    with op.batch_alter_table('usageevent', schema=None) as batch_op:
        batch_op.drop_constraint('uq_usage_event_id', type_='unique')
        batch_op.drop_column('event_id')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('timezone')
