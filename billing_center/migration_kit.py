"""The pieces the Alembic migrations (``alembic/versions``) write again and again, written once: a table
keyed by ``id``, a column holding another row's id and the table's foreign keys, a timestamp column, the
one-column indexes SQLModel's ``index=True`` names ``ix_<table>_<column>``, and columns added to or dropped
from one table.

Each piece renders exactly the DDL its long form did, so a migration that uses it builds the same schema.
A helper here never changes once a migration uses it: a new need gets a new helper.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel

from alembic import op


def create_table_with_id(name: str, *columns_and_constraints) -> None:
    """``op.create_table`` of a table whose first column is ``id``, its integer primary key."""
    op.create_table(name, sa.Column("id", sa.Integer(), nullable=False, primary_key=True), *columns_and_constraints)


def reference(name: str, *, nullable: bool = False) -> sa.Column:
    """The id of a row of another table; its foreign key is listed with the table's ``foreign_keys``."""
    return sa.Column(name, sa.Integer(), nullable=nullable)


def timestamp(name: str, *, nullable: bool = False) -> sa.Column:
    """A moment in time, stored in UTC (SQLModel's ``UTCDateTime``)."""
    return sa.Column(name, sqlmodel.sql.sqltypes.UTCDateTime(), nullable=nullable)


def foreign_keys(**referred: str) -> list[sa.ForeignKeyConstraint]:
    """A foreign key from each column named to the ``id`` of its table (``organisation_id="organisation"``),
    in the order given: the order of the columns' names, as Alembic's autogenerate writes them."""
    return [sa.ForeignKeyConstraint([column], [f"{table}.id"]) for column, table in referred.items()]


def index_columns(table: str, *columns: str) -> None:
    """One index on each of ``columns``, named ``ix_<table>_<column>``."""
    for column in columns:
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column], unique=False)


def add_columns(table: str, *columns: sa.Column) -> None:
    """``columns`` added to ``table`` (on SQLite in one batch)."""
    with op.batch_alter_table(table) as batch_op:
        for column in columns:
            batch_op.add_column(column)


def drop_columns(table: str, *names: str) -> None:
    """The columns ``names`` dropped from ``table`` (on SQLite in one batch)."""
    with op.batch_alter_table(table) as batch_op:
        for name in names:
            batch_op.drop_column(name)
