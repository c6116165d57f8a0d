"""Time moves for subscriptions (issue 8, R-ORD-4): renewals, dunning and the end of a term, as
scheduler jobs (``billing_center/scheduler.py``).

Every job claims each row with a conditional UPDATE (``WHERE renews_on = <the date it read>``), so two
workers ticking at the same moment never renew a subscription twice: the second one's UPDATE matches
no row (PostgreSQL re-checks the condition after the first commits; SQLite serialises writers).

Dunning schedule of a declined renewal (docs/rules.md, R-ORD-4): the renewal invoice stays open and
the card is tried again on days 1, 3, 5 and 7 after the renewal date. The owner (the buyer, or the
first billing admin) gets an e-mail at the first failure and another after the day-5 failure, before
the suspension; when the day-7 try fails the subscription is **Suspended**. A successful retry, or a
new card set on the subscription, pays the invoice and makes it Active again.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from billing_center import scheduler
from billing_center.domain import clock
from billing_center.domain.enums import InvoiceStatus, OrderStatus, OrderType, PaymentKind, SubscriptionStatus
from billing_center.domain.money import Money
from billing_center.models import Invoice, Order, Organisation, Product, Subscription
from billing_center.payments.gateway import PaymentGateway, get_gateway
from billing_center.services import audit
from billing_center.services.invoicing import LineInput
from billing_center.services.mail import send_email
from billing_center.services.subscriptions import bill, charge_invoice, owner_email

RETRY_DAYS = (1, 3, 5, 7)  # days after the renewal date on which a declined renewal is tried again
WARN_BEFORE_SUSPENSION = 4  # the failure after which the "last try" e-mail goes out (the day-5 retry)
BATCH = 200  # subscriptions per job per tick: short transactions (SQLite holds its write lock for one)


def _claim(session: Session, sub_id: int, *conditions, **values) -> bool:
    result = session.execute(update(Subscription).where(Subscription.id == sub_id, *conditions).values(**values)
                             .execution_options(synchronize_session=False))
    return result.rowcount == 1


def _note(session: Session, sub: Subscription, action: str, detail: str, who: str = "") -> None:
    audit.record(session=session, action=action, organisation_id=sub.organisation_id,
                 actor_email=who or "Billing Center (scheduler)", target_type="subscription", target_id=sub.id,
                 detail=detail)


def _mail(session: Session, sub: Subscription, template: str, subject: str, body: str) -> None:
    to = owner_email(session, sub)
    if to:
        send_email(session=session, organisation_id=sub.organisation_id, to=to, template=template,
                   subject=subject, body=body + "\n\nBilling Center")


@scheduler.job("subscriptions: end the terms that are over")
def end_finished_terms(*, session: Session, now: datetime) -> int:
    """Cancellation started -> Cancelled, and a term without auto-renew (or a trial) -> Expired, on its end date."""
    today = now.date()
    rows = session.exec(select(Subscription.id, Subscription.status, Subscription.auto_renew).where(
        Subscription.renews_on <= today,
        Subscription.status.in_((SubscriptionStatus.CANCELLATION_STARTED, SubscriptionStatus.TRIAL,
                                 SubscriptionStatus.ACTIVE)))
        .order_by(Subscription.id).limit(BATCH)).all()
    done = 0
    for sub_id, status, auto_renew in rows:
        if status == SubscriptionStatus.ACTIVE and auto_renew:
            continue  # renewed by the next job
        final = SubscriptionStatus.CANCELLED if status == SubscriptionStatus.CANCELLATION_STARTED \
            else SubscriptionStatus.EXPIRED
        if _claim(session, sub_id, Subscription.status == status, status=final):
            sub = session.get(Subscription, sub_id, populate_existing=True)
            _note(session, sub, "subscription_ended", f"{final.replace('_', ' ')} on {sub.renews_on.isoformat()}")
            done += 1
    session.flush()
    return done


@scheduler.job("subscriptions: renew the ones due")
def renew_due_subscriptions(*, session: Session, now: datetime) -> int:
    """One renewal per subscription per period: renew order, invoice for the new term, card charge."""
    today = now.date()
    due = session.exec(select(Subscription.id, Subscription.renews_on, Subscription.term_months).where(
        Subscription.renews_on <= today, Subscription.status == SubscriptionStatus.ACTIVE,
        Subscription.auto_renew == True)  # noqa: E712
        .order_by(Subscription.renews_on, Subscription.id).limit(BATCH)).all()
    gateway = None
    renewed = 0
    for sub_id, old_end, term in due:
        new_end = clock.add_months(old_end, term)
        if not _claim(session, sub_id, Subscription.renews_on == old_end,
                      Subscription.status == SubscriptionStatus.ACTIVE, renews_on=new_end):
            continue  # another worker renewed it
        sub = session.get(Subscription, sub_id, populate_existing=True)
        if sub.payment_kind == PaymentKind.CARD and gateway is None:
            gateway = get_gateway()
        _renew(session, sub, old_end, today, gateway)
        renewed += 1
    session.flush()
    return renewed


def _renew(session: Session, sub: Subscription, start: date, today: date, gateway: PaymentGateway | None) -> None:
    org = session.get(Organisation, sub.organisation_id)
    product = session.get(Product, sub.product_id)
    if sub.scheduled_quantity is not None:
        sub.quantity, sub.scheduled_quantity = sub.scheduled_quantity, None
    end = sub.renews_on - timedelta(days=1)
    unit = Money(sub.unit_price_minor, sub.currency)
    order = Order(organisation_id=sub.organisation_id, number=f"R{sub.id}-{start:%Y%m%d}", contract_id=sub.contract_id,
                  subscription_id=sub.id, product_id=sub.product_id, type=OrderType.RENEW, status=OrderStatus.ACTIVE,
                  seats=sub.quantity, unit_price_minor=sub.unit_price_minor, currency=sub.currency,
                  total_minor=unit.times(sub.quantity).amount_minor, start_date=start, end_date=end,
                  payment_kind=sub.payment_kind, payment_method_id=sub.payment_method_id,
                  billing_country=org.country or "NL")
    session.add(order)
    session.flush()
    invoice = bill(session, org, sub, [LineInput(product.name, sub.quantity, unit,
                                                 f"Renewal, {start.isoformat()} - {end.isoformat()}")],
                   period=(start, end), today=today)
    invoice.order_id = order.id
    session.add(sub)
    detail = f"{sub.quantity} licences until {end.isoformat()}, {invoice.number}"
    _note(session, sub, "subscription_renewed", detail)
    if sub.payment_kind == PaymentKind.CARD and invoice.total_minor > 0:
        failure = charge_invoice(session, sub, invoice, gateway, key=f"renewal:{sub.id}:{start.isoformat()}")
        if failure:
            _failed(session, sub, org, invoice, attempt=1, reason=failure)


def _failed(session: Session, sub: Subscription, org: Organisation, invoice: Invoice, *, attempt: int,
            reason: str) -> None:
    """Follow the dunning schedule after the ``attempt``-th failed charge of the renewal invoice."""
    renewal_day = invoice.period_start or invoice.issue_date
    sub.dunning_attempts = attempt
    amount = f"{Money(invoice.total_minor, invoice.currency).plain()} {invoice.currency}"
    if attempt <= len(RETRY_DAYS):
        sub.next_retry_on = renewal_day + timedelta(days=RETRY_DAYS[attempt - 1])
        _note(session, sub, "renewal_declined", f"{invoice.number}: try {attempt} failed ({reason}); next try on "
                                                f"{sub.next_retry_on.isoformat()}")
        if attempt == 1:
            _mail(session, sub, "renewal_declined", f"We could not charge the renewal {invoice.number}",
                  f"The renewal of your subscription ({amount}) could not be charged: {reason}\nWe will try "
                  f"again on days {', '.join(map(str, RETRY_DAYS))} after {renewal_day.isoformat()}. "
                  "Update the card on the subscription page to pay now.")
        elif attempt == WARN_BEFORE_SUSPENSION:
            _mail(session, sub, "renewal_last_try", f"Last try before suspension: {invoice.number}",
                  f"The renewal ({amount}) is still unpaid: {reason}\nWe try a last time on "
                  f"{sub.next_retry_on.isoformat()}; if that fails the subscription is suspended.")
    else:
        sub.next_retry_on = None
        sub.status = SubscriptionStatus.SUSPENDED
        _note(session, sub, "subscription_suspended", f"{invoice.number} unpaid after {attempt} tries ({reason})")
        _mail(session, sub, "subscription_suspended", "Your subscription is suspended",
              f"The renewal {invoice.number} ({amount}) stayed unpaid, so the subscription is suspended. "
              "Set a working card on the subscription page to reactivate it.")
    session.add(sub)


def open_renewal_invoice(session: Session, sub: Subscription) -> Invoice | None:
    return session.exec(select(Invoice).where(
        Invoice.organisation_id == sub.organisation_id, Invoice.subscription_id == sub.id,
        Invoice.status == InvoiceStatus.OPEN, Invoice.total_minor > 0, Invoice.order_id.is_not(None))
        .order_by(Invoice.issue_date.desc(), Invoice.id.desc())).first()


def retry_open_renewal(session: Session, sub: Subscription, gateway: PaymentGateway, *, who: str = "",
                       scheduled: bool = False) -> str:
    """Charge the open renewal invoice again: "" when paid (the subscription is Active again), else why not."""
    invoice = open_renewal_invoice(session, sub)
    if invoice is None:
        sub.dunning_attempts, sub.next_retry_on = 0, None
        session.add(sub)
        return ""
    attempt = sub.dunning_attempts + 1
    failure = charge_invoice(session, sub, invoice, gateway, key=f"renewal-retry:{invoice.number}:{attempt}")
    if not failure:
        was = sub.status
        sub.dunning_attempts, sub.next_retry_on, sub.status = 0, None, SubscriptionStatus.ACTIVE
        session.add(sub)
        _note(session, sub, "subscription_reactivated" if was == SubscriptionStatus.SUSPENDED else "renewal_paid",
              f"{invoice.number} paid on try {attempt}", who)
    elif scheduled:
        _failed(session, sub, session.get(Organisation, sub.organisation_id), invoice, attempt=attempt,
                reason=failure)
    return failure


@scheduler.job("subscriptions: retry declined renewals")
def retry_declined_renewals(*, session: Session, now: datetime) -> int:
    today = now.date()
    due = session.exec(select(Subscription.id, Subscription.next_retry_on).where(
        Subscription.next_retry_on <= today, Subscription.status == SubscriptionStatus.ACTIVE)
        .order_by(Subscription.id).limit(BATCH)).all()
    gateway = get_gateway() if due else None
    tried = 0
    for sub_id, day in due:
        if not _claim(session, sub_id, Subscription.next_retry_on == day, next_retry_on=None):
            continue
        sub = session.get(Subscription, sub_id, populate_existing=True)
        retry_open_renewal(session, sub, gateway, scheduled=True)
        tried += 1
    session.flush()
    return tried
