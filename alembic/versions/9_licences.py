"""licences and people: members can be removed, products members may buy, indexes for the holders list (issue 9)"""
import sqlalchemy as sa

from alembic import op
from billing_center.migration_kit import create_table_with_id, foreign_keys, reference, timestamp

revision = '9_licences'
down_revision = '8_subscriptions'


def upgrade() -> None:
    create_table_with_id('selfserviceproduct',
    reference('organisation_id'),
    reference('product_id'),
    sa.Column('allowed', sa.Boolean(), nullable=False),
    reference('changed_by_id', nullable=True),
    timestamp('changed_at'),
    *foreign_keys(changed_by_id='person', organisation_id='organisation', product_id='product'),
    sa.UniqueConstraint('organisation_id', 'product_id')
    )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(timestamp('removed_at', nullable=True))
        batch_op.create_index('ix_person_org_name', ['organisation_id', 'full_name', 'id'], unique=False)
    with op.batch_alter_table('licenceassignment', schema=None) as batch_op:
        batch_op.create_index('ix_assignment_person_live', ['person_id', 'revoked_at'], unique=False)
        batch_op.create_index('ix_assignment_sub_live', ['subscription_id', 'revoked_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('licenceassignment', schema=None) as batch_op:
        batch_op.drop_index('ix_assignment_sub_live')
        batch_op.drop_index('ix_assignment_person_live')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index('ix_person_org_name')
        batch_op.drop_column('removed_at')
    op.drop_table('selfserviceproduct')
