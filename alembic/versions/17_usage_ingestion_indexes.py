"""indexes for usage ingestion (issue 10): a batch's people found by (organisation, e-mail) from the
index alone; the events' (organisation, time) index and the (month, person) pairs' organisation index, which
no query reads, no longer paid on every insert; on SQLite the pairs table keeps its rows in its primary key
(WITHOUT ROWID)"""

from alembic import op

revision = "17_usage_ingestion_indexes"
down_revision = "11_person_language"


def _rebuilt_on_sqlite() -> str:
    """SQLite copies usage_month into its new form (with or without a rowid) as its index changes;
    PostgreSQL only alters the index (the table keyword is SQLite's own)."""
    return "always" if op.get_bind().dialect.name == "sqlite" else "auto"


def upgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.create_index("ix_person_org_email", ["organisation_id", "email"], unique=False)
    with op.batch_alter_table("usageevent", schema=None) as batch_op:
        batch_op.drop_index("ix_usage_org_time")
    with op.batch_alter_table("usage_month", recreate=_rebuilt_on_sqlite(),
                              table_kwargs={"sqlite_with_rowid": False}) as batch_op:
        batch_op.drop_index("ix_usage_month_organisation_id")


def downgrade() -> None:
    with op.batch_alter_table("usage_month", recreate=_rebuilt_on_sqlite(),
                              table_kwargs={"sqlite_with_rowid": True}) as batch_op:
        batch_op.create_index("ix_usage_month_organisation_id", ["organisation_id"], unique=False)
    with op.batch_alter_table("usageevent", schema=None) as batch_op:
        batch_op.create_index("ix_usage_org_time", ["organisation_id", "occurred_at"], unique=False)
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index("ix_person_org_email")
