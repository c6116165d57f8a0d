"""initial schema: the tables of the first release"""
import sqlalchemy as sa
import sqlmodel

from alembic import op
from billing_center.migration_kit import create_table_with_id, foreign_keys, index_columns, reference, timestamp

revision = '0001'
down_revision = None

# In the order they are created; dropping a table drops its indexes.
TABLES = (
    'accessattempt', 'numberseries', 'organisation', 'product', 'billingaccount', 'idempotencyrecord',
    'outgoingemail', 'paymentmethod', 'person', 'activationkey', 'auditevent', 'billingprofile', 'usersession',
    'contract', 'accesstoken', 'changerequest', 'contractadmin', 'subscription', 'licenceassignment',
    'purchase_order', 'usageevent', 'invoice', 'creditnote', 'invoiceline', 'payment', 'creditnoteline',
)


def upgrade() -> None:
    create_table_with_id('accessattempt',
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('ip', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('succeeded', sa.Boolean(), nullable=False),
    timestamp('at'),
    )
    index_columns('accessattempt', 'at', 'email', 'ip', 'kind')

    op.create_table('numberseries',
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('prefix', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('next_number', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('code')
    )
    create_table_with_id('organisation',
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('trial_ends_on', sa.Date(), nullable=True),
    sa.Column('locale', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('vat_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('address_line', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('postal_code', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('city', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('country', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('is_vendor', sa.Boolean(), nullable=False),
    timestamp('deactivated_at', nullable=True),
    timestamp('created_at'),
    sa.UniqueConstraint('slug')
    )
    create_table_with_id('product',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('family', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('billing_model', sa.String(length=32), nullable=False),
    sa.Column('unit_price_minor', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('price_period', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('min_first_order_seats', sa.Integer(), nullable=False),
    sa.Column('max_seats_per_order', sa.Integer(), nullable=False),
    sa.UniqueConstraint('code')
    )
    create_table_with_id('billingaccount',
    reference('organisation_id'),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    timestamp('created_at'),
    *foreign_keys(organisation_id='organisation'),
    )
    index_columns('billingaccount', 'organisation_id')

    create_table_with_id('idempotencyrecord',
    reference('organisation_id'),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('operation', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('request_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('result_json', sa.Text(), nullable=False),
    timestamp('created_at'),
    *foreign_keys(organisation_id='organisation'),
    sa.UniqueConstraint('organisation_id', 'key')
    )
    create_table_with_id('outgoingemail',
    reference('organisation_id', nullable=True),
    sa.Column('to_address', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('template', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('error', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    timestamp('created_at'),
    timestamp('sent_at', nullable=True),
    *foreign_keys(organisation_id='organisation'),
    )
    index_columns('outgoingemail', 'organisation_id', 'to_address')

    create_table_with_id('paymentmethod',
    reference('organisation_id'),
    sa.Column('processor_token', sa.String(length=80), nullable=False),
    sa.Column('brand', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('last4', sqlmodel.sql.sqltypes.AutoString(length=4), nullable=False),
    sa.Column('exp_month', sa.Integer(), nullable=False),
    sa.Column('exp_year', sa.Integer(), nullable=False),
    sa.Column('holder_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
    sa.Column('is_default', sa.Boolean(), nullable=False),
    timestamp('created_at'),
    timestamp('deleted_at', nullable=True),
    *foreign_keys(organisation_id='organisation'),
    sa.UniqueConstraint('processor_token')
    )
    index_columns('paymentmethod', 'organisation_id')

    create_table_with_id('person',
    reference('organisation_id'),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('full_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('team', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('is_primary_contact', sa.Boolean(), nullable=False),
    sa.Column('is_billing_contact', sa.Boolean(), nullable=False),
    sa.Column('has_billing_access', sa.Boolean(), nullable=False),
    sa.Column('locale', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    timestamp('last_sign_in_at', nullable=True),
    timestamp('created_at'),
    *foreign_keys(organisation_id='organisation'),
    sa.UniqueConstraint('email')
    )
    index_columns('person', 'organisation_id')

    create_table_with_id('activationkey',
    reference('organisation_id'),
    sa.Column('key', sa.String(length=40), nullable=False),
    reference('product_id'),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.Column('po_number', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    timestamp('issued_at'),
    timestamp('redeemed_at', nullable=True),
    reference('redeemed_by_id', nullable=True),
    *foreign_keys(organisation_id='organisation', product_id='product', redeemed_by_id='person'),
    sa.UniqueConstraint('key')
    )
    index_columns('activationkey', 'organisation_id')

    create_table_with_id('auditevent',
    reference('organisation_id', nullable=True),
    reference('actor_id', nullable=True),
    sa.Column('actor_email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('target_type', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('target_id', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('detail', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('ip', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    timestamp('at'),
    *foreign_keys(actor_id='person', organisation_id='organisation'),
    )
    op.create_index('ix_audit_org_at', 'auditevent', ['organisation_id', 'at'], unique=False)

    create_table_with_id('billingprofile',
    reference('organisation_id'),
    reference('billing_account_id'),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('invoice_email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('po_number', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
    reference('payment_method_id', nullable=True),
    timestamp('created_at'),
    *foreign_keys(billing_account_id='billingaccount', organisation_id='organisation',
                  payment_method_id='paymentmethod'),
    )
    index_columns('billingprofile', 'billing_account_id', 'organisation_id')

    create_table_with_id('usersession',
    reference('person_id'),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    timestamp('created_at'),
    timestamp('last_seen_at'),
    timestamp('expires_at'),
    sa.Column('ip', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('user_agent', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    *foreign_keys(person_id='person'),
    sa.UniqueConstraint('token_hash')
    )
    index_columns('usersession', 'person_id')

    create_table_with_id('contract',
    reference('organisation_id'),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('term_months', sa.Integer(), nullable=False),
    sa.Column('total_minor', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('subscription_terms', sa.Text(), nullable=False),
    sa.Column('billing_address', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
    sa.Column('shipping_address', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
    sa.Column('billing_frequency', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('payment_terms', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('po_number', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('invoice_recipients', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('payment_kind', sa.String(length=32), nullable=False),
    reference('payment_method_id', nullable=True),
    reference('billing_profile_id', nullable=True),
    timestamp('created_at'),
    *foreign_keys(billing_profile_id='billingprofile', organisation_id='organisation',
                  payment_method_id='paymentmethod'),
    sa.UniqueConstraint('number')
    )
    index_columns('contract', 'organisation_id')

    create_table_with_id('accesstoken',
    reference('organisation_id'),
    sa.Column('purpose', sa.String(length=32), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    reference('person_id', nullable=True),
    reference('contract_id', nullable=True),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    timestamp('created_at'),
    timestamp('expires_at'),
    timestamp('used_at', nullable=True),
    *foreign_keys(contract_id='contract', organisation_id='organisation', person_id='person'),
    sa.UniqueConstraint('token_hash')
    )
    index_columns('accesstoken', 'organisation_id')

    create_table_with_id('changerequest',
    reference('organisation_id'),
    reference('contract_id'),
    reference('requested_by_id'),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('current_value', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('requested_value', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    reference('handled_by_id', nullable=True),
    timestamp('created_at'),
    timestamp('completed_at', nullable=True),
    *foreign_keys(contract_id='contract', handled_by_id='person', organisation_id='organisation',
                  requested_by_id='person'),
    )
    index_columns('changerequest', 'organisation_id')

    create_table_with_id('contractadmin',
    reference('organisation_id'),
    reference('contract_id'),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    reference('person_id', nullable=True),
    sa.Column('status', sa.String(length=32), nullable=False),
    reference('invited_by_id', nullable=True),
    timestamp('invited_at'),
    timestamp('last_sent_at'),
    timestamp('accepted_at', nullable=True),
    *foreign_keys(contract_id='contract', invited_by_id='person', organisation_id='organisation', person_id='person'),
    sa.UniqueConstraint('contract_id', 'email')
    )
    index_columns('contractadmin', 'contract_id', 'organisation_id')

    create_table_with_id('subscription',
    reference('organisation_id'),
    reference('product_id'),
    reference('contract_id', nullable=True),
    reference('billing_profile_id', nullable=True),
    reference('buyer_id', nullable=True),
    sa.Column('is_self_service', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price_minor', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('term_months', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('renews_on', sa.Date(), nullable=False),
    sa.Column('auto_renew', sa.Boolean(), nullable=False),
    sa.Column('billing_frequency', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('payment_kind', sa.String(length=32), nullable=False),
    reference('payment_method_id', nullable=True),
    sa.Column('po_number', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('mau_period_start', sa.Date(), nullable=True),
    sa.Column('cancel_reason', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('cancel_feedback', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
    timestamp('cancelled_at', nullable=True),
    timestamp('created_at'),
    *foreign_keys(billing_profile_id='billingprofile', buyer_id='person', contract_id='contract',
                  organisation_id='organisation', payment_method_id='paymentmethod', product_id='product'),
    )
    index_columns('subscription', 'organisation_id')

    create_table_with_id('licenceassignment',
    reference('organisation_id'),
    reference('subscription_id'),
    reference('person_id'),
    reference('assigned_by_id', nullable=True),
    timestamp('assigned_at'),
    timestamp('revoked_at', nullable=True),
    *foreign_keys(assigned_by_id='person', organisation_id='organisation', person_id='person',
                  subscription_id='subscription'),
    )
    op.create_index('ix_assignment_sub_person', 'licenceassignment', ['subscription_id', 'person_id'], unique=False)
    index_columns('licenceassignment', 'organisation_id')

    create_table_with_id('purchase_order',
    reference('organisation_id'),
    sa.Column('number', sa.String(length=40), nullable=False),
    reference('contract_id', nullable=True),
    reference('subscription_id', nullable=True),
    reference('product_id', nullable=True),
    sa.Column('type', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.Column('unit_price_minor', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('total_minor', sa.BigInteger(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('payment_kind', sa.String(length=32), nullable=False),
    reference('payment_method_id', nullable=True),
    sa.Column('billing_country', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('contact_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('contact_email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('order_form_number', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    reference('created_by_id', nullable=True),
    timestamp('created_at'),
    *foreign_keys(contract_id='contract', created_by_id='person', organisation_id='organisation',
                  payment_method_id='paymentmethod', product_id='product', subscription_id='subscription'),
    sa.UniqueConstraint('number')
    )
    index_columns('purchase_order', 'contract_id', 'organisation_id')

    create_table_with_id('usageevent',
    reference('organisation_id'),
    reference('person_id'),
    reference('subscription_id', nullable=True),
    sa.Column('kind', sa.String(length=32), nullable=False),
    timestamp('occurred_at'),
    *foreign_keys(organisation_id='organisation', person_id='person', subscription_id='subscription'),
    )
    op.create_index('ix_usage_org_time', 'usageevent', ['organisation_id', 'occurred_at'], unique=False)

    create_table_with_id('invoice',
    reference('organisation_id'),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('series', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    reference('contract_id', nullable=True),
    reference('order_id', nullable=True),
    reference('subscription_id', nullable=True),
    reference('billing_profile_id', nullable=True),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('issue_date', sa.Date(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=True),
    sa.Column('period_end', sa.Date(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('previous_balance_minor', sa.BigInteger(), nullable=False),
    sa.Column('subtotal_minor', sa.BigInteger(), nullable=False),
    sa.Column('tax_minor', sa.BigInteger(), nullable=False),
    sa.Column('total_minor', sa.BigInteger(), nullable=False),
    sa.Column('payment_kind', sa.String(length=32), nullable=False),
    reference('payment_method_id', nullable=True),
    sa.Column('payment_method_label', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    timestamp('paid_at', nullable=True),
    sa.Column('locale', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('buyer_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('buyer_address', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
    sa.Column('buyer_vat_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('reverse_charge', sa.Boolean(), nullable=False),
    timestamp('created_at'),
    *foreign_keys(billing_profile_id='billingprofile', contract_id='contract', order_id='purchase_order',
                  organisation_id='organisation', payment_method_id='paymentmethod', subscription_id='subscription'),
    sa.UniqueConstraint('number'),
    sa.UniqueConstraint('series', 'sequence')
    )
    index_columns('invoice', 'contract_id')
    op.create_index('ix_invoice_org_issue', 'invoice', ['organisation_id', 'issue_date', 'id'], unique=False)
    index_columns('invoice', 'subscription_id')

    create_table_with_id('creditnote',
    reference('organisation_id'),
    reference('invoice_id'),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('series', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('issue_date', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('subtotal_minor', sa.BigInteger(), nullable=False),
    sa.Column('tax_minor', sa.BigInteger(), nullable=False),
    sa.Column('total_minor', sa.BigInteger(), nullable=False),
    reference('created_by_id', nullable=True),
    timestamp('created_at'),
    *foreign_keys(created_by_id='person', invoice_id='invoice', organisation_id='organisation'),
    sa.UniqueConstraint('number'),
    sa.UniqueConstraint('series', 'sequence')
    )
    index_columns('creditnote', 'invoice_id', 'organisation_id')

    create_table_with_id('invoiceline',
    reference('invoice_id'),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('product_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price_minor', sa.BigInteger(), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('tax_rate_bp', sa.Integer(), nullable=False),
    sa.Column('tax_minor', sa.BigInteger(), nullable=False),
    *foreign_keys(invoice_id='invoice'),
    )
    index_columns('invoiceline', 'invoice_id')

    create_table_with_id('payment',
    reference('organisation_id'),
    reference('invoice_id', nullable=True),
    reference('order_id', nullable=True),
    reference('payment_method_id', nullable=True),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('processor_charge_id', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('idempotency_key', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('failure_code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('failure_message', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    timestamp('created_at'),
    *foreign_keys(invoice_id='invoice', order_id='purchase_order', organisation_id='organisation',
                  payment_method_id='paymentmethod'),
    )
    index_columns('payment', 'organisation_id')

    create_table_with_id('creditnoteline',
    reference('credit_note_id'),
    reference('invoice_line_id'),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('tax_minor', sa.BigInteger(), nullable=False),
    *foreign_keys(credit_note_id='creditnote', invoice_line_id='invoiceline'),
    )
    index_columns('creditnoteline', 'credit_note_id')


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)
