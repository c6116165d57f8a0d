"""subscriptions: a scheduled licence decrease and the dunning of a declined renewal (issue 8)"""
import sqlalchemy as sa

from alembic import op
from billing_center.migration_kit import add_columns, drop_columns

revision = "8_subscriptions"
down_revision = "16_fault_recovery"


def upgrade() -> None:
    add_columns("subscription",
                sa.Column("scheduled_quantity", sa.Integer(), nullable=True),
                sa.Column("dunning_attempts", sa.Integer(), nullable=False, server_default="0"),
                sa.Column("next_retry_on", sa.Date(), nullable=True))
    op.create_index("ix_subscription_renews_on", "subscription", ["renews_on"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_subscription_renews_on", table_name="subscription")
    drop_columns("subscription", "next_retry_on", "dunning_attempts", "scheduled_quantity")
