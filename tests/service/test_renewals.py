"""Time moves (billing_center/services/renewals.py, issue 8, R-ORD-4): renewals on their date, the dunning
schedule of a declined renewal (tries on days 1, 3, 5 and 7, then Suspended), a new card reactivates,
terms without auto-renew end, and two concurrent ticks renew nothing twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, func, select

from billing_center import scheduler
from billing_center.db import session_scope
from billing_center.domain import clock
from billing_center.domain.errors import ValidationFailed
from billing_center.models import AuditEvent, Invoice, Order, OutgoingEmail, Subscription
from billing_center.payments.gateway import use_gateway
from billing_center.services import renewals
from billing_center.services import subscriptions as subs
from tests import factories
from tests.support import at_once


@pytest.fixture
def processor_gateway(gateway):
    use_gateway(gateway)
    yield gateway
    use_gateway(None)


def due(session: Session, org, *, card=None, days_ago: int = 0, **fields) -> Subscription:
    """A subscription whose term ended ``days_ago`` days ago (today by default)."""
    end = clock.today() - timedelta(days=days_ago)
    start = clock.add_months(end, -12)
    return factories.subscription(session, org, card=card, start_date=start, renews_on=end, **fields)


def run(session: Session, day, job) -> int:
    return job(session=session, now=clock.at(day, 3))


def actions(session: Session, sub: Subscription) -> list[str]:
    return session.exec(select(AuditEvent.action).where(AuditEvent.target_type == "subscription",
                                                       AuditEvent.target_id == str(sub.id))
                        .order_by(AuditEvent.id)).all()


def test_a_card_subscription_renews_once_on_its_date(session, org, processor_gateway):
    card = factories.card(session, org)
    sub = due(session, org, card=card, quantity=5, scheduled_quantity=3)
    old_end = sub.renews_on
    assert run(session, old_end, renewals.renew_due_subscriptions) >= 1
    assert run(session, old_end, renewals.renew_due_subscriptions) == 0  # the same day again: nothing
    session.refresh(sub)
    assert (sub.renews_on, sub.quantity, sub.scheduled_quantity) == (clock.add_months(old_end, 12), 3, None)
    invoice = session.exec(select(Invoice).where(Invoice.subscription_id == sub.id)).one()
    assert invoice.status == "paid" and invoice.period_start == old_end
    assert session.exec(select(Order).where(Order.subscription_id == sub.id, Order.type == "renew")).one().seats == 3


def test_an_invoiced_subscription_renews_with_an_open_invoice(session, org, processor_gateway):
    sub = due(session, org)
    run(session, sub.renews_on, renewals.renew_due_subscriptions)
    invoice = session.exec(select(Invoice).where(Invoice.subscription_id == sub.id)).one()
    assert invoice.status == "open" and (invoice.due_date - invoice.issue_date).days == 30


def test_declined_renewal_dunning_suspension_and_a_new_card(session, org, org_admin, processor, processor_gateway):
    bad = factories.card(session, org, processor_token=processor.token("4000000000000002"))
    sub = due(session, org, card=bad)
    renewal_day = sub.renews_on
    run(session, renewal_day, renewals.renew_due_subscriptions)
    session.refresh(sub)
    assert (sub.status, sub.dunning_attempts, sub.next_retry_on) == ("active", 1, renewal_day + timedelta(days=1))
    for offset, attempts in ((1, 2), (3, 3), (5, 4)):
        assert run(session, renewal_day + timedelta(days=offset - 1), renewals.retry_declined_renewals) == 0
        assert run(session, renewal_day + timedelta(days=offset), renewals.retry_declined_renewals) == 1
        session.refresh(sub)
        assert sub.dunning_attempts == attempts and sub.status == "active"
    run(session, renewal_day + timedelta(days=7), renewals.retry_declined_renewals)
    session.refresh(sub)
    assert (sub.status, sub.next_retry_on) == ("suspended", None)
    mails = session.exec(select(OutgoingEmail.template).where(OutgoingEmail.organisation_id == org.id)
                         .order_by(OutgoingEmail.id)).all()
    assert mails == ["renewal_declined", "renewal_last_try", "subscription_suspended"]

    good = factories.card(session, org)
    subs.set_payment_method(session=session, actor=org_admin, subscription_id=sub.id, card_id=good.id)
    assert (sub.status, sub.dunning_attempts) == ("active", 0)
    assert session.exec(select(Invoice).where(Invoice.subscription_id == sub.id)).one().status == "paid"
    assert actions(session, sub)[-2:] == ["subscription_payment_method", "subscription_reactivated"]


def test_terms_without_auto_renew_end_and_cancellations_complete(session, org, processor_gateway):
    off = due(session, org, auto_renew=False)
    leaving = due(session, org, status="cancellation_started", auto_renew=False)
    trial = due(session, org, status="trial", auto_renew=False)
    later = due(session, org, days_ago=-3, status="cancellation_started", auto_renew=False)
    assert run(session, clock.today(), renewals.end_finished_terms) >= 3
    for row in (off, leaving, trial, later):
        session.refresh(row)
    assert (off.status, leaving.status, trial.status, later.status) == ("expired", "cancelled", "expired",
                                                                        "cancellation_started")
    assert run(session, clock.today(), renewals.renew_due_subscriptions) == 0 or off.status == "expired"


def test_two_concurrent_ticks_renew_each_subscription_once(own_engine, processor_gateway):
    with session_scope(own_engine) as session:
        org = factories.organisation(session)
        ids = [due(session, org, card=factories.card(session, org)).id for _ in range(20)]

    def tick() -> list[str]:
        return [o.error for o in scheduler.tick(clock.now(), engine=own_engine) if o.error]

    reported, raised = at_once(tick, timeout=120)
    assert (reported, raised) == ([[], []], [])
    with session_scope(own_engine) as session:
        per_sub = session.exec(select(Invoice.subscription_id, func.count()).where(Invoice.subscription_id.in_(ids))
                               .group_by(Invoice.subscription_id)).all()
        assert sorted(per_sub) == sorted((i, 1) for i in ids)
        renewed = session.exec(select(func.count()).select_from(Order).where(Order.subscription_id.in_(ids))).one()
        assert renewed == 20


def test_a_declining_new_card_changes_nothing(session, org, org_admin, processor, processor_gateway):
    bad = factories.card(session, org, processor_token=processor.token("4000000000000002"))
    sub = due(session, org, card=bad, status="active")
    run(session, sub.renews_on, renewals.renew_due_subscriptions)
    also_bad = factories.card(session, org, processor_token=processor.token("4000000000009995"))
    with pytest.raises(ValidationFailed, match="could not be charged"), session.begin_nested():
        subs.set_payment_method(session=session, actor=org_admin, subscription_id=sub.id, card_id=also_bad.id)
    session.refresh(sub)
    assert sub.payment_method_id == bad.id and sub.dunning_attempts == 1
