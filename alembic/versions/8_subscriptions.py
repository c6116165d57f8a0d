"""subscriptions: a scheduled licence decrease and the dunning of a declined renewal (issue 8)

Revision ID: 8_subscriptions
Revises: 16_fault_recovery
"""
import sqlalchemy as sa

from alembic import op

revision = "8_subscriptions"
down_revision = "16_fault_recovery"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("subscription", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scheduled_quantity", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("dunning_attempts", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("next_retry_on", sa.Date(), nullable=True))
        batch_op.create_index("ix_subscription_renews_on", ["renews_on"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("subscription", schema=None) as batch_op:
        batch_op.drop_index("ix_subscription_renews_on")
        batch_op.drop_column("next_retry_on")
        batch_op.drop_column("dunning_attempts")
        batch_op.drop_column("scheduled_quantity")
