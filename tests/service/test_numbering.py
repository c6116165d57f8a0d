"""R-INV-4: invoices finalised in parallel get unique, gapless numbers, on SQLite and PostgreSQL.

Each thread runs one use case in its own transaction (``session_scope``) on a dedicated, committed
database, exactly as concurrent requests would. Some transactions fail after taking their number:
their numbers go back to the series, so the issued numbers still have no gaps.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlmodel import select

from billing_center.db import build_engine, session_scope
from billing_center.domain import clock
from billing_center.domain.money import Money
from billing_center.models import CreditNote, Invoice, NumberSeries, Organisation
from billing_center.services.invoicing import LineInput, issue_invoice
from tests.support import database, migrate

PARALLEL = 50


class Boom(Exception):
    pass


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_engine(request, tmp_path):
    with database(request.param, tmp_path) as url:
        migrate(url)
        engine = build_engine(url)
        with session_scope(engine) as session:
            session.add(Organisation(name="Parallel", slug="parallel", country="NL", locale="nl"))
            session.add(NumberSeries(code="INV", prefix="INV", next_number=1))
        try:
            yield engine
        finally:
            engine.dispose()


def _finalise(engine, index: int, barrier: threading.Barrier, fail: bool) -> str | None:
    barrier.wait(timeout=60)
    try:
        with session_scope(engine) as session:
            org = session.exec(select(Organisation).where(Organisation.slug == "parallel")).one()
            invoice = issue_invoice(session=session, organisation=org, currency="EUR", issue_date=clock.today(),
                                    due_date=clock.today(), seller_country="NL",
                                    lines=[LineInput("Seat", index + 1, Money(5400, "EUR"))])
            if fail:
                raise Boom()  # e.g. a later step of the use case fails: everything rolls back
            return invoice.number
    except Boom:
        return None


def test_fifty_parallel_finalisations_get_unique_gapless_numbers(fresh_engine):
    fresh_engine.pool.dispose()
    failing = {7, 19, 33}
    barrier = threading.Barrier(PARALLEL)
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        results = list(pool.map(lambda i: _finalise(fresh_engine, i, barrier, i in failing), range(PARALLEL)))
    issued = [r for r in results if r is not None]
    assert len(issued) == PARALLEL - len(failing)
    assert len(set(issued)) == len(issued), "numbers are unique"
    with session_scope(fresh_engine) as session:
        sequences = sorted(session.exec(select(Invoice.sequence)).all())
        series = session.get(NumberSeries, "INV")
        next_number = series.next_number
    assert sequences == list(range(1, len(issued) + 1)), "numbers are gapless"
    assert next_number == len(issued) + 1
    assert sorted(issued, key=lambda n: int(n[3:])) == [f"INV{i}" for i in range(1, len(issued) + 1)]


def test_credit_notes_have_their_own_series(fresh_engine):
    from billing_center.models import Person
    from billing_center.services.actors import Actor
    from billing_center.services.credit_notes import issue_credit_note

    with session_scope(fresh_engine) as session:
        org = session.exec(select(Organisation).where(Organisation.slug == "parallel")).one()
        admin = Person(organisation_id=org.id, email="admin@parallel.example", full_name="Admin",
                       role="billing_admin")
        session.add(admin)
        session.flush()
        actor = Actor(person_id=admin.id, organisation_id=org.id, email=admin.email, full_name="Admin",
                      role="billing_admin")
        invoices = [issue_invoice(session=session, organisation=org, currency="EUR", issue_date=clock.today(),
                                  due_date=clock.today(), seller_country="NL",
                                  lines=[LineInput("Seat", 2, Money(5400, "EUR"))]).number for _ in range(10)]
    barrier = threading.Barrier(len(invoices))

    def credit(number: str) -> str:
        barrier.wait(timeout=60)
        with session_scope(fresh_engine) as session:
            return issue_credit_note(session=session, actor=actor, invoice_number=number, reason="r", full=True).number

    with ThreadPoolExecutor(max_workers=len(invoices)) as pool:
        numbers = list(pool.map(credit, invoices))
    assert sorted(numbers, key=lambda n: int(n[2:])) == [f"CN{i}" for i in range(1, 11)]
    with session_scope(fresh_engine) as session:
        assert len(session.exec(select(CreditNote)).all()) == 10
