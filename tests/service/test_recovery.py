"""Recovery after faults (issue 16, services/recovery.py) on SQLite and PostgreSQL: a charge the processor
holds for a checkout that never recorded its order is refunded once, never while the checkout may still
complete it; failed e-mail is retried by the tick with backoff; a database that does not answer is a
"try again" (Unavailable), never a stack trace."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlmodel import func, select

from billing_center.db import build_engine, session_scope
from billing_center.domain import clock
from billing_center.domain.enums import EmailStatus
from billing_center.domain.errors import Conflict, Unavailable
from billing_center.models import AuditEvent, IdempotencyRecord, Order, OutgoingEmail, Payment
from billing_center.payments import HttpGateway
from billing_center.services import mail, recovery, seat_orders
from billing_center.services.seat_orders import estimate, place_card_order, processor_key
from billing_center.settings import get_settings
from tests.processor import Processor, running_processor
from tests.support import free_port

GRACE = timedelta(seconds=get_settings().reconcile_after_seconds)


@pytest.fixture(scope="module")
def own_processor(tmp_path_factory) -> Iterator[Processor]:
    """A processor of this module's own: reconciliation looks at every charge in its ledger."""
    with running_processor(tmp_path_factory.mktemp("recovery-processor")) as proc:
        yield proc


@pytest.fixture
def own_gateway(own_processor: Processor) -> HttpGateway:
    own_processor.reset()  # each test reconciles only the charges it made
    return HttpGateway(own_processor.url, timeout=5)


def count(session, model, *where) -> int:
    return session.exec(select(func.count()).select_from(model).where(*where)).one()


def order(session, actor, gateway, key: str, token: str, seats: str = "12"):
    return place_card_order(session=session, actor=actor, gateway=gateway, idempotency_key=key, seats=seats,
                            country="US", contact_name="Alex Leroy", contact_email="aleroy@flexis.com",
                            card_token=token)


def stray_charge(session, actor, gateway, key: str, token: str, seats: str = "12"):
    """What a worker killed between the charge and its commit leaves: the charge, nothing recorded."""
    quote = estimate(session=session, actor=actor, seats=seats, country="US")
    return gateway.charge(token=token, amount=quote.total, idempotency_key=processor_key(actor.organisation_id, key),
                          description=f"{quote.seats} x Learning Manager (per learner)")


def reconcile(session, gateway, now):
    return recovery.reconcile_card_charges(session=session, now=now, gateway=gateway)


def test_a_stray_charge_is_refunded_once_after_the_grace_and_its_checkout_orders_nothing(
        session, flexis_admin, own_processor, own_gateway):
    key, token = secrets.token_urlsafe(24), own_processor.token("4242424242424242")
    charge = stray_charge(session, flexis_admin, own_gateway, key, token)
    orders = count(session, Order)

    assert reconcile(session, own_gateway, clock.now()) == 0  # within the grace: the customer may retry
    assert own_processor.charges(processor_key(flexis_admin.organisation_id, key))[0]["refunded_amount"] == 0

    later = clock.now() + GRACE + timedelta(seconds=1)
    assert reconcile(session, own_gateway, later) == 1
    [held] = own_processor.charges(processor_key(flexis_admin.organisation_id, key))
    assert held["refunded_amount"] == charge.amount.amount_minor
    marker = session.exec(select(IdempotencyRecord).where(IdempotencyRecord.key == key)).one()
    assert marker.status == seat_orders.REFUNDED
    assert count(session, AuditEvent, AuditEvent.action == "charge_refunded",
                 AuditEvent.target_id == charge.charge_id) == 1
    assert reconcile(session, own_gateway, later) == 0  # twice (two workers, two ticks): refunded once

    with pytest.raises(Conflict) as refused:  # the late retry of that checkout
        order(session, flexis_admin, own_gateway, key, token)
    assert "refunded" in refused.value.message
    assert count(session, Order) == orders
    assert len(own_processor.charges(processor_key(flexis_admin.organisation_id, key))) == 1


def test_the_same_checkout_retried_within_the_grace_records_that_charge_and_nothing_is_refunded(
        session, flexis_admin, own_processor, own_gateway):
    key, token = secrets.token_urlsafe(24), own_processor.token("4242424242424242")
    charge = stray_charge(session, flexis_admin, own_gateway, key, token, seats="13")
    result = order(session, flexis_admin, own_gateway, key, token, seats="13")
    assert result.charge_id == charge.charge_id
    assert count(session, Payment, Payment.processor_charge_id == charge.charge_id) == 1
    assert reconcile(session, own_gateway, clock.now() + GRACE + timedelta(seconds=1)) == 0
    assert own_processor.charges(processor_key(flexis_admin.organisation_id, key))[0]["refunded_amount"] == 0


def test_two_workers_reconciling_at_once_refund_and_audit_once(own_engine, own_processor, own_gateway):
    from tests.factories import actor_for

    key, token = secrets.token_urlsafe(24), own_processor.token("4242424242424242")
    with session_scope(own_engine) as db:
        admin = actor_for(db, "aleroy@flexis.com")
        stray_charge(db, admin, own_gateway, key, token)
    later = clock.now() + GRACE + timedelta(seconds=1)

    def worker() -> int:
        with session_scope(own_engine) as db:
            return reconcile(db, own_gateway, later)

    with ThreadPoolExecutor(2) as pool:
        results = sorted(pool.map(lambda _: worker(), range(2)))
    assert results == [0, 1]
    with session_scope(own_engine) as db:
        assert count(db, AuditEvent, AuditEvent.action == "charge_refunded") == 1
        assert count(db, IdempotencyRecord, IdempotencyRecord.key == key) == 1


def test_a_refund_whose_commit_was_lost_still_marks_the_checkout(session, flexis_admin, own_processor, own_gateway):
    key, token = secrets.token_urlsafe(24), own_processor.token("4242424242424242")
    charge = stray_charge(session, flexis_admin, own_gateway, key, token)
    own_gateway.refund(charge_id=charge.charge_id, amount=charge.amount,
                       idempotency_key=f"reconcile:{charge.charge_id}")
    assert reconcile(session, own_gateway, clock.now() + GRACE + timedelta(seconds=1)) == 0  # nothing left to refund
    with pytest.raises(Conflict):  # ... but the late retry is refused, not recorded on a refunded charge
        order(session, flexis_admin, own_gateway, key, token)


def test_charges_of_other_operations_are_not_reconciled(session, flexis_admin, own_processor, own_gateway):
    token = own_processor.token("4242424242424242")
    quote = estimate(session=session, actor=flexis_admin, seats="12", country="US")
    own_gateway.charge(token=token, amount=quote.total, idempotency_key=f"other:{secrets.token_hex(8)}")
    assert reconcile(session, own_gateway, clock.now() + GRACE + timedelta(seconds=1)) == 0
    assert [c["refunded_amount"] for c in own_processor.charges()] == [0]


def test_a_checkout_key_with_the_processor_separator_is_refused(session, flexis_admin, own_processor, own_gateway):
    token = own_processor.token("4242424242424242")
    with pytest.raises(seat_orders.ValidationFailed):
        order(session, flexis_admin, own_gateway, "x" * 20 + ":1:" + "y" * 10, token)
    assert seat_orders.checkout_of("seat_card_order:12:abc") == (12, "abc")
    assert seat_orders.checkout_of("seat_card_order:x:abc") is None
    assert seat_orders.checkout_of("refund:12:abc") is None


def test_an_unreachable_processor_fails_the_job_and_changes_nothing(session, flexis_admin):
    dead = HttpGateway(f"http://127.0.0.1:{free_port()}", timeout=1, retries=0)
    with pytest.raises(seat_orders.ProcessorUnavailable):
        reconcile(session, dead, clock.now())


# --- e-mail --------------------------------------------------------------------------------------------

def queue(session, to="someone@example.com") -> OutgoingEmail:
    row = OutgoingEmail(to_address=to, subject="Receipt", body_text="Hello", template="order_receipt",
                        status=EmailStatus.QUEUED)
    session.add(row)
    session.flush()
    return row


def test_smtp_down_keeps_the_mail_failed_with_its_error_and_the_next_try_backs_off(session, monkeypatch):
    settings = get_settings()
    monkeypatch.setattr(settings, "smtp_host", "127.0.0.1")
    monkeypatch.setattr(settings, "smtp_port", free_port())  # nothing listens there
    row = queue(session)
    now = clock.now()
    assert mail.deliver(session=session, ids=[row.id], now=now) == 0
    assert (row.status, row.attempts) == (EmailStatus.FAILED, 1)
    assert row.error.startswith("SMTP unavailable")
    assert row.next_attempt_at == now + timedelta(seconds=settings.mail_retry_seconds)
    assert recovery.retry_failed_mail(session=session, now=now) == 0  # not due yet
    assert row.attempts == 1
    due = row.next_attempt_at
    assert recovery.retry_failed_mail(session=session, now=due) == 0  # due, tried, failed again
    assert row.attempts == 2
    assert row.next_attempt_at == due + timedelta(seconds=2 * settings.mail_retry_seconds)  # twice as long
    assert mail.next_attempt(30, now) == now + mail.MAX_BACKOFF


def test_a_failed_mail_is_sent_by_the_tick_once_smtp_is_back(session, smtp_server):
    row = queue(session, to="back@example.com")
    row.status, row.attempts, row.error = EmailStatus.FAILED, 3, "SMTP unavailable: refused"
    row.next_attempt_at = clock.now() - timedelta(seconds=1)
    session.add(row)
    session.flush()
    assert recovery.retry_failed_mail(session=session, now=clock.now()) == 1
    assert (row.status, row.attempts, row.error, row.next_attempt_at) == (EmailStatus.SENT, 4, None, None)
    assert [m.subject for m in smtp_server.to("back@example.com")] == ["Receipt"]
    assert recovery.retry_failed_mail(session=session, now=clock.now()) == 0  # sent once


def test_a_mail_that_failed_too_often_is_left_for_the_operator(session, smtp_server, monkeypatch):
    row = queue(session, to="given-up@example.com")
    row.status, row.attempts = EmailStatus.FAILED, get_settings().mail_max_attempts
    row.next_attempt_at = clock.now() - timedelta(seconds=1)
    session.add(row)
    session.flush()
    assert recovery.retry_failed_mail(session=session, now=clock.now()) == 0
    assert row.status == EmailStatus.FAILED and smtp_server.to("given-up@example.com", wait=0.2) == []


def test_two_workers_claim_a_due_mail_once(own_engine, smtp_server):
    with session_scope(own_engine) as db:
        row = queue(db, to="claimed@example.com")
        row.status, row.next_attempt_at = EmailStatus.FAILED, clock.now() - timedelta(seconds=1)
        row_id = row.id
    now = clock.now()
    with session_scope(own_engine) as db:
        assert mail.claim_retry(session=db, row_id=row_id, now=now)
    with session_scope(own_engine) as db:
        assert not mail.claim_retry(session=db, row_id=row_id, now=now)  # the other worker: already claimed


# --- the database gone -------------------------------------------------------------------------------------

def test_a_database_that_does_not_answer_is_unavailable_try_again():
    engine = build_engine(f"postgresql://postgres@127.0.0.1:{free_port()}/none")  # nothing listens there
    with pytest.raises(Unavailable) as error, session_scope(engine) as db:
        db.exec(text("SELECT 1"))
    assert "Try again" in error.value.message
    engine.dispose()
