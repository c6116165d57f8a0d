"""The fixtures of the unit and service tests, registered by ``tests/conftest.py`` (``pytest_plugins``):
tests name them as arguments and never import them.

- ``engine`` / ``session``: a migrated database holding the demo data, once on SQLite and once on
  PostgreSQL; every change a test makes is rolled back after it;
- the demo's people as actors: ``flexis_admin``, ``contract_admin`` (FL123133), ``buyer``,
  ``support_agent``, ``contoso_admin``; and ``flexis``, their organisation;
- ``org`` and ``org_admin``: a new, empty organisation and its billing admin, for tests that build
  their data with ``tests/factories.py`` instead of leaning on the demo;
- ``smtp_server`` (a real SMTP server the app sends to) and ``no_smtp`` (mail stays in the outbox);
- ``processor`` (the sandbox card processor in its own process) and ``gateway`` (the app's client);
- ``client``: the app's HTTP API (``billing_center/api``) over a demo SQLite database of the test
  module's own.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from billing_center.domain.enums import Role
from billing_center.models import Organisation
from billing_center.services.actors import Actor
from tests import factories
from tests.factories import actor_for
from tests.processor import Processor, running_processor
from tests.smtp_server import SmtpServer, running_smtp_server
from tests.support import database, seeded_engine

BACKENDS = ["sqlite", "postgresql"]


# --- databases -----------------------------------------------------------------------------------
@pytest.fixture(scope="session", params=BACKENDS)
def engine(request, tmp_path_factory) -> Iterator[Engine]:
    """A migrated database holding the demo data, one per backend for the whole run."""
    tmp = tmp_path_factory.mktemp(f"db-{request.param}")
    with database(request.param, tmp) as url:
        eng = seeded_engine(url)
        yield eng
        eng.dispose()


@pytest.fixture(params=BACKENDS)
def own_engine(request, tmp_path) -> Iterator[Engine]:
    """A database of the test's own, on each backend, for tests whose transactions really commit
    (concurrency): nothing they write reaches the shared ``engine``."""
    with database(request.param, tmp_path) as url:
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


# --- the demo's people, and a fresh organisation -------------------------------------------------
@pytest.fixture
def flexis(session: Session) -> Organisation:
    return session.exec(select(Organisation).where(Organisation.slug == "flexis")).one()


def _demo_actor(email: str, about: str):
    def fixture(session: Session) -> Actor:
        return actor_for(session, email)

    fixture.__doc__ = about
    return pytest.fixture(fixture)


flexis_admin = _demo_actor("aleroy@flexis.com", "Alex Leroy, billing admin of Flexis.")
contract_admin = _demo_actor("jdevries@flexis.com", "Jan de Vries, admin of Flexis's contract FL123133 only.")
buyer = _demo_actor("mbakker@flexis.com", "Mila Bakker, a self-service buyer at Flexis who administers no contract.")
support_agent = _demo_actor("support@billing-center.example", "Sam Support, the vendor's support agent.")
contoso_admin = _demo_actor("admin@contoso.com", "Camille Durand, billing admin of Contoso.")


@pytest.fixture
def org(session: Session) -> Organisation:
    """A new organisation with nothing in it yet (tests/factories.py adds what a test needs)."""
    return factories.organisation(session)


@pytest.fixture
def org_admin(session: Session, org: Organisation) -> Actor:
    """The billing admin of ``org``."""
    return factories.actor(session, org, role=Role.BILLING_ADMIN)


# --- mail ----------------------------------------------------------------------------------------
@pytest.fixture
def smtp_server(monkeypatch) -> Iterator[SmtpServer]:
    """A running SMTP server, with the application's settings pointing at it."""
    from billing_center.settings import get_settings

    with running_smtp_server() as server:
        settings = get_settings()
        monkeypatch.setattr(settings, "smtp_host", server.host)
        monkeypatch.setattr(settings, "smtp_port", server.port)
        yield server


@pytest.fixture
def no_smtp(monkeypatch) -> None:
    """The demo set-up: no SMTP host, messages stay in the outbox."""
    from billing_center.settings import get_settings

    monkeypatch.setattr(get_settings(), "smtp_host", None)


# --- the card processor --------------------------------------------------------------------------
@pytest.fixture(scope="session")
def processor(tmp_path_factory) -> Iterator[Processor]:
    with running_processor(tmp_path_factory.mktemp("processor")) as proc:
        yield proc


@pytest.fixture
def gateway(processor: Processor):
    from billing_center.payments import HttpGateway

    return HttpGateway(processor.url, timeout=5)


# --- the HTTP API --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def client(tmp_path_factory):
    """The app's HTTP API over a demo SQLite database of the test module's own."""
    from fastapi.testclient import TestClient

    import billing_center.db as db
    from billing_center.api.routes import api

    engine = seeded_engine(f"sqlite:///{tmp_path_factory.mktemp('api') / 'api.db'}")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(db, "get_engine", lambda: engine)
        yield TestClient(api)
    engine.dispose()
