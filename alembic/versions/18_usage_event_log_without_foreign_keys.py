"""usage events as an append-only log without foreign keys (issue 10): each reference (organisation,
person, subscription) is checked when a batch is checked, and none of those rows is ever deleted; the
(month, person) pairs, which billing counts, keep theirs. On PostgreSQL the three per-row checks were two
thirds of an event's insert."""

from alembic import op

revision = "18_usage_event_log"
down_revision = "17_usage_ingestion_indexes"

REFERENCES = (("organisation_id", "organisation"), ("person_id", "person"), ("subscription_id", "subscription"))
# SQLite's foreign keys have no name: batch mode names them by this convention to drop them.
NAMING = {"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"}


def _name(column: str, table: str, sqlite: bool) -> str:
    return f"fk_usageevent_{column}_{table}" if sqlite else f"usageevent_{column}_fkey"


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table("usageevent", naming_convention=NAMING) as batch_op:
        for column, table in REFERENCES:
            batch_op.drop_constraint(_name(column, table, sqlite), type_="foreignkey")


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table("usageevent") as batch_op:
        for column, table in REFERENCES:
            batch_op.create_foreign_key(_name(column, table, sqlite), table, [column], ["id"])
