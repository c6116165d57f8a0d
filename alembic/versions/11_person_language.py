"""person language: the console language a person chose in the language menu (issue 11)"""
import sqlalchemy as sa

from billing_center.migration_kit import add_columns, drop_columns

revision = "11_person_language"
down_revision = "13_invoice_status_indexes"


def upgrade() -> None:
    add_columns("person", sa.Column("language", sa.String(length=5), nullable=True))


def downgrade() -> None:
    drop_columns("person", "language")
