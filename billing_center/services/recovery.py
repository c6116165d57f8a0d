"""Recovery after a fault (issue 16, docs/operations.md): the two periodic jobs that put things right.

- **Stray charges.** A worker may die after the processor charged a card and before our transaction
  committed the order (``kill -9``, a crash, the machine going down). Nothing of that checkout is in
  our database; the charge is at the processor, under the idempotency key the checkout gave it. While
  the customer still has that checkout open, *Complete order* again gets that very charge back and
  records the order (the gateway's key makes the retry safe). Once the charge is older than
  ``RECONCILE_AFTER_SECONDS`` and still unrecorded, :func:`reconcile_card_charges` refunds it and marks
  the checkout refunded (a late retry of it is then refused and orders nothing). It takes the
  organisation's row lock first, the lock every card order holds from before its charge to its
  commit, so it never refunds a charge whose order is being written at that moment.
- **E-mail.** A message SMTP refused stays in the outbox as ``failed`` with the error, its attempts
  and the time of its next try; :func:`retry_failed_mail` sends it again with exponential backoff.

Both run in the scheduler's tick (every worker, at its start and then every ``SCHEDULER_SECONDS``) and
are safe when two workers run them at once.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta

from sqlmodel import Session, select

from billing_center import scheduler
from billing_center.domain.enums import EmailStatus
from billing_center.domain.money import Money
from billing_center.models import IdempotencyRecord, Organisation, OutgoingEmail, Payment
from billing_center.payments import get_gateway
from billing_center.payments.gateway import Charge, PaymentGateway
from billing_center.services import audit, mail
from billing_center.services.seat_orders import OPERATION, REFUNDED, checkout_of
from billing_center.settings import get_settings

log = logging.getLogger(__name__)


@scheduler.job("reconcile card charges")
def reconcile_job(*, session: Session, now: datetime) -> int:
    return reconcile_card_charges(session=session, now=now, gateway=get_gateway())


def reconcile_card_charges(*, session: Session, now: datetime, gateway: PaymentGateway) -> int:
    """Refund every seat-order charge the processor holds that no payment here records, once it is
    older than ``RECONCILE_AFTER_SECONDS``. Returns how many charges were refunded."""
    settings = get_settings()
    settled_before = now - timedelta(seconds=settings.reconcile_after_seconds)
    charges = gateway.find_charges(key_prefix=f"{OPERATION}:",
                                   created_after=now - timedelta(days=settings.reconcile_lookback_days))
    refunded = 0
    for charge in charges:
        checkout = checkout_of(charge.idempotency_key)
        if checkout is None or charge.status != "succeeded" or charge.created is None:
            continue
        if charge.created > settled_before or _recorded(session, charge) or _settled(session, *checkout):
            continue  # the common cases, without taking a lock
        refunded += _refund_stray(session, gateway, charge, *checkout)
    return refunded


def _recorded(session: Session, charge: Charge) -> bool:
    return session.exec(select(Payment.id).where(Payment.processor_charge_id == charge.charge_id)).first() is not None


def _checkout_record(session: Session, org_id: int, key: str) -> IdempotencyRecord | None:
    return session.exec(select(IdempotencyRecord).where(IdempotencyRecord.organisation_id == org_id,
                                                        IdempotencyRecord.key == key)).first()


def _settled(session: Session, org_id: int, key: str) -> bool:
    """The checkout is marked refunded: its refund was made in the transaction that wrote the mark."""
    stored = _checkout_record(session, org_id, key)
    return stored is not None and stored.status == REFUNDED


def _refund_stray(session: Session, gateway: PaymentGateway, charge: Charge, org_id: int, key: str) -> int:
    """Under the organisation's order lock (another worker may have settled it while we waited): still
    unrecorded and unsettled? Mark the checkout refunded and refund what is left of the charge."""
    org = session.exec(select(Organisation).where(Organisation.id == org_id).with_for_update()).first()
    if org is None or _recorded(session, charge):
        return 0
    stored = _checkout_record(session, org_id, key)
    if stored is not None:
        if stored.status != REFUNDED:
            log.error("charge %s: checkout %s is %s but no payment records the charge", charge.charge_id, key,
                      stored.status)
        return 0
    session.add(IdempotencyRecord(organisation_id=org_id, key=key, operation=OPERATION, request_hash="",
                                  status=REFUNDED, result_json=json.dumps({"charge_id": charge.charge_id})))
    session.flush()
    left = charge.amount.amount_minor - charge.refunded_minor
    if left <= 0:  # refunded at the processor by a run whose commit was lost: only the mark was missing
        return 0
    gateway.refund(charge_id=charge.charge_id, amount=Money(left, charge.amount.currency),
                   idempotency_key=f"reconcile:{charge.charge_id}")
    audit.record(session=session, action="charge_refunded", organisation_id=org_id, actor_email="Billing Center",
                 target_type="charge", target_id=charge.charge_id,
                 detail=f"{charge.amount.plain()} {charge.amount.currency}: the checkout was interrupted before "
                        "its order was written, so the charge was refunded")
    log.warning("refunded stray charge %s of organisation %d (checkout never recorded)", charge.charge_id, org_id)
    return 1


@scheduler.job("retry failed e-mail")
def retry_failed_mail(*, session: Session, now: datetime) -> int:
    """Send again the failed messages whose next try is due (claimed first, so one worker sends each)."""
    settings = get_settings()
    if not settings.smtp_host:
        return 0
    due = session.exec(select(OutgoingEmail.id).where(
        OutgoingEmail.status == EmailStatus.FAILED, OutgoingEmail.attempts < settings.mail_max_attempts,
        OutgoingEmail.next_attempt_at <= now).order_by(OutgoingEmail.id).limit(100)).all()
    claimed = [row_id for row_id in due if mail.claim_retry(session=session, row_id=row_id, now=now)]
    if not claimed:
        return 0
    return mail.deliver(session=session, ids=claimed, now=now)
