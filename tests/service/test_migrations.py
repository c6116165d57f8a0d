"""The Alembic migrations yield exactly the models (alembic/versions), on SQLite and PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import billing_center.models  # noqa: F401  (every table registers itself on SQLModel.metadata)


def test_alembic_head_matches_the_models(engine):
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(ctx, SQLModel.metadata) == []
        assert ctx.get_current_revision() is not None
