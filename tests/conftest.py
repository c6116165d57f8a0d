"""Fixtures for unit and service tests. Service tests run once on SQLite and once on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from billing_center.models import Organisation, Person
from billing_center.services.actors import Actor
from billing_center.services.auth import _actor
from tests.support import database, seeded_engine

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session", params=BACKENDS)
def engine(request, tmp_path_factory) -> Iterator[Engine]:
    """A migrated database holding the demo data, one per backend for the whole run."""
    tmp = tmp_path_factory.mktemp(f"db-{request.param}")
    with database(request.param, tmp) as url:
        eng = seeded_engine(url)
        yield eng
        eng.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session whose every change is rolled back after the test, even what the code commits."""
    connection = engine.connect()
    outer = connection.begin()
    db = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield db
    finally:
        db.close()
        outer.rollback()
        connection.close()


def actor_for(session: Session, email: str) -> Actor:
    person = session.exec(select(Person).where(Person.email == email)).one()
    return _actor(person)


@pytest.fixture
def flexis_admin(session: Session) -> Actor:
    return actor_for(session, "aleroy@flexis.com")


@pytest.fixture
def contoso_admin(session: Session) -> Actor:
    return actor_for(session, "admin@contoso.com")


@pytest.fixture
def flexis(session: Session) -> Organisation:
    return session.exec(select(Organisation).where(Organisation.slug == "flexis")).one()
