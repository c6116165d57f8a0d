"""licences and people: members can be removed, products members may buy, indexes for the holders list (issue 9)

Revision ID: 9_licences
Revises: 8_subscriptions
Create Date: 2026-11-23 17:10:00
"""
import sqlalchemy as sa
import sqlmodel

from alembic import op

revision = '9_licences'
down_revision = '8_subscriptions'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('selfserviceproduct',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('allowed', sa.Boolean(), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('organisation_id', 'product_id')
    )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('removed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
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
