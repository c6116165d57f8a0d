"""R-INV-4: unique, gapless numbers per series, taken inside the caller's transaction.

The series row is locked (SELECT ... FOR UPDATE on PostgreSQL; SQLite transactions already hold
the write lock from BEGIN IMMEDIATE), so concurrent finalisations queue instead of colliding, and a
rolled-back transaction gives its number back.
"""

from __future__ import annotations

from sqlmodel import Session, select

from billing_center.models import NumberSeries

DEFAULT_PREFIXES = {"INV": "INV", "CN": "CN"}


def _create_series(session: Session, code: str) -> None:
    """Create a missing series; when concurrent transactions both try, one insert wins and the
    other does nothing (then waits on the row lock below) instead of failing."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - only the two supported databases
        session.add(NumberSeries(code=code, prefix=DEFAULT_PREFIXES.get(code, code), next_number=1))
        session.flush()
        return
    session.execute(
        insert(NumberSeries.__table__)
        .values(code=code, prefix=DEFAULT_PREFIXES.get(code, code), next_number=1)
        .on_conflict_do_nothing(index_elements=["code"])
    )


def take_next(*, session: Session, code: str) -> tuple[int, str]:
    query = select(NumberSeries).where(NumberSeries.code == code).with_for_update()
    row = session.exec(query).first()
    if row is None:
        _create_series(session, code)
        row = session.exec(query.execution_options(populate_existing=True)).one()
    sequence = row.next_number
    row.next_number = sequence + 1
    session.add(row)
    session.flush()
    return sequence, f"{row.prefix}{sequence}"
