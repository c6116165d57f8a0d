"""R-INV-4: unique, gapless numbers per series, taken inside the caller's transaction.

The series row is locked (SELECT ... FOR UPDATE on PostgreSQL; SQLite transactions already hold
the write lock from BEGIN IMMEDIATE), so concurrent finalisations queue instead of colliding, and a
rolled-back transaction gives its number back.
"""

from __future__ import annotations

from sqlmodel import Session, select

from billing_center.models import NumberSeries

DEFAULT_PREFIXES = {"INV": "INV", "CN": "CN"}


def take_next(*, session: Session, code: str) -> tuple[int, str]:
    row = session.exec(select(NumberSeries).where(NumberSeries.code == code).with_for_update()).first()
    if row is None:
        row = NumberSeries(code=code, prefix=DEFAULT_PREFIXES.get(code, code), next_number=1)
        session.add(row)
        session.flush()
    sequence = row.next_number
    row.next_number = sequence + 1
    session.add(row)
    session.flush()
    return sequence, f"{row.prefix}{sequence}"
