"""A double submit that really is concurrent (two threads, two transactions, same idempotency key)
yields one charge, one order and one invoice, on SQLite and PostgreSQL (R-ORD-1..3). Runs on a
database of its own, since these transactions commit."""

from __future__ import annotations

import secrets

from sqlmodel import func, select

from billing_center.db import session_scope
from billing_center.models import Invoice, Order
from billing_center.payments import HttpGateway
from billing_center.services.seat_orders import place_card_order
from tests.factories import actor_for
from tests.support import at_once


def test_two_simultaneous_submits_of_one_checkout_make_one_order(own_engine, processor):
    gateway = HttpGateway(processor.url, timeout=10)
    with session_scope(own_engine) as session:
        actor = actor_for(session, "aleroy@flexis.com")
    token, key = processor.token("4242424242424242"), secrets.token_urlsafe(24)
    # Slow the processor down so that the second submit arrives while the first is being charged.
    processor.faults(delay_replies=1, delay_seconds=0.5)

    def submit():
        with session_scope(own_engine) as session:
            return place_card_order(session=session, actor=actor, gateway=gateway, idempotency_key=key, seats="12",
                                    country="US", contact_name="Alex Leroy", contact_email="aleroy@flexis.com",
                                    card_token=token)

    results, errors = at_once(submit)
    assert errors == []
    assert len(results) == 2 and results[0].order_number == results[1].order_number
    assert sorted(r.replayed for r in results) == [False, True]
    with session_scope(own_engine) as session:
        orders = session.exec(select(func.count()).select_from(Order).where(Order.number == results[0].order_number))
        assert orders.one() == 1
        assert session.exec(select(func.count()).select_from(Invoice)
                            .where(Invoice.order_id == results[0].order_id)).one() == 1
    assert len(processor.charges(f"seat_card_order:{actor.organisation_id}:{key}")) == 1
