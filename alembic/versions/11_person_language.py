"""person language: the console language a person chose in the language menu (issue 11)

Revision ID: 11_person_language
Revises: 15_session_tickets
"""
import sqlalchemy as sa

from alembic import op

revision = "11_person_language"
down_revision = "13_invoice_status_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=5), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("language")
