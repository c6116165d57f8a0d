"""The demo data the benchmarks start from (``billing_center/seed.py``), and who acts in it."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

from billing_center.db import session_scope
from billing_center.models import Organisation, Person
from billing_center.services import transactions as tx
from billing_center.services.actors import Actor
from billing_center.services.auth import actor_of
from tests.support import seeded_engine

FLEXIS_ADMIN = "aleroy@flexis.com"


def flexis_id(session: Session) -> int:
    return session.exec(select(Organisation.id).where(Organisation.slug == "flexis")).one()[0]


def flexis_admin(session: Session) -> Actor:
    """Alex Leroy, billing admin of Flexis."""
    return actor_of(session.exec(select(Person).where(Person.email == FLEXIS_ADMIN)).scalar_one())


@contextmanager
def demo_session() -> Iterator[tuple[Session, Actor]]:
    """A session in a throw-away SQLite database holding the demo, and Flexis's billing admin."""
    with tempfile.TemporaryDirectory() as tmp:
        engine = seeded_engine(f"sqlite:///{Path(tmp) / 'demo.db'}")
        with session_scope(engine) as session:
            yield session, flexis_admin(session)
        engine.dispose()


def newest_invoice_number(session: Session, actor: Actor) -> str:
    """The number of the newest invoice ``actor`` sees (for Flexis's admin: nl, reverse charge)."""
    return tx.list_invoices(session=session, actor=actor, flt=tx.InvoiceFilter()).rows[0].number
