"""R-ORD-1..3, R-ORD-5: ordering Learning Manager seats with a card.

One order is one use case in one transaction, keyed by an idempotency key that the checkout form
creates when it opens:

1. guard clauses: seats (R-ORD-1), country and currency (R-ORD-3), contact, card token;
2. the organisation row is locked (SQLite: the transaction's write lock), so a double click waits;
   the processor call happens under that lock, bounded by the gateway's timeout and single retry;
3. an earlier result for the same key is returned as it is (same request) or refused (another one);
4. the card is charged with the *same* key: a retry after a lost reply gets the charge that was
   already made, never a second one;
5. order, subscription, paid invoice, payment, idempotency record and receipt e-mail are written.

If the processor's reply is lost the transaction rolls back and nothing is written here; the
customer (or the next click) retries with the same key and the processor answers with the charge it
already committed, so there is exactly one charge, one order and one invoice.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from billing_center.domain import clock
from billing_center.domain.enums import (
    InvoiceStatus,
    OrderStatus,
    PaymentKind,
    PaymentStatus,
    Role,
)
from billing_center.domain.errors import (
    Conflict,
    NotFound,
    ServiceError,
    ValidationFailed,
)
from billing_center.domain.money import Money, annual_seat_price, tax_on
from billing_center.formatting import format_day, format_money
from billing_center.models import (
    IdempotencyRecord,
    Order,
    Organisation,
    Payment,
    PaymentMethod,
    Product,
    Subscription,
)
from billing_center.payments.gateway import (
    CardDeclined,
    IdempotencyMismatch,
    PaymentError,
    PaymentGateway,
    ProcessorUnavailable,
)
from billing_center.services import audit
from billing_center.services.actors import Actor
from billing_center.services.invoicing import LineInput, issue_invoice, tax_rate_for
from billing_center.services.mail import is_email_address, send_email
from billing_center.services.numbering import take_next
from billing_center.services.wallet import card_label, get_card
from billing_center.settings import get_settings

SEAT_PRODUCT = "LM-SEAT"
OPERATION = "seat_card_order"

# R-ORD-3: the billing country decides the currency of the estimate and of the charge.
COUNTRIES = {
    "US": ("United States", "USD"),
    "NL": ("Netherlands", "EUR"),
    "BE": ("Belgium", "EUR"),
    "FR": ("France", "EUR"),
    "DE": ("Germany", "EUR"),
    "GB": ("United Kingdom", "GBP"),
}
# Price per learner per month in each currency (the list price is USD 4.00).
MONTHLY_SEAT_PRICE = {"USD": 400, "EUR": 400, "GBP": 350}


class PaymentNotConfirmed(ServiceError):
    """The processor did not answer: the charge may or may not have happened. Retrying is safe."""

    code = "payment_not_confirmed"


@dataclass(frozen=True)
class Estimate:
    seats: int
    unit_price: Money  # per learner per month
    annual: Money  # R-ORD-2: seats x unit price x 12
    country: str
    first_order: bool
    tax: Money  # VAT where it applies (0 under the reverse charge or outside the EU)
    total: Money  # what the card is charged


@dataclass(frozen=True)
class OrderResult:
    order_id: int
    order_number: str
    invoice_number: str
    total: Money
    charge_id: str
    replayed: bool = False


@dataclass(frozen=True)
class OrderRow:
    number: str
    product: str
    seats: int
    status: str
    total: Money
    start: object
    end: object
    payment: str
    country: str


def seat_product(session: Session) -> Product:
    product = session.exec(select(Product).where(Product.code == SEAT_PRODUCT)).first()
    if product is None:
        raise NotFound("product")
    return product


def _require_buyer(actor: Actor) -> None:
    actor.require(Role.BILLING_ADMIN, Role.BUYER)


def parse_seats(text: str | int) -> int:
    raw = str(text).strip()
    if not raw:
        raise ValidationFailed("seats", "Enter the number of seats.")
    if not raw.lstrip("-").isdigit():
        raise ValidationFailed("seats", "Enter a whole number of seats, such as 25.")
    if len(raw) > 9:
        raise ValidationFailed("seats", "One order holds at most 3500 seats.")
    return int(raw)


def is_first_order(session: Session, org_id: int) -> bool:
    """The account has never ordered seats (R-ORD-1)."""
    count = session.exec(
        select(func.count()).select_from(Order)
        .where(Order.organisation_id == org_id, Order.seats > 0, Order.status != OrderStatus.CANCELLED)
    ).one()
    return count == 0


def currency_for(country: str) -> str:
    code = (country or "").strip().upper()
    if code not in COUNTRIES:
        raise ValidationFailed("country", "Choose the billing country.")
    return COUNTRIES[code][1]


def estimate(*, session: Session, actor: Actor, seats: str | int, country: str = "US") -> Estimate:
    """R-ORD-1, R-ORD-2: validate the seats and price them for a year."""
    _require_buyer(actor)
    product = seat_product(session)
    count = parse_seats(seats)
    first = is_first_order(session, actor.organisation_id)
    if count <= 0:
        raise ValidationFailed("seats", "Enter at least 1 seat.")
    if count > product.max_seats_per_order:
        raise ValidationFailed("seats", f"One order holds at most {product.max_seats_per_order} seats. "
                                        "For more, place several orders or ask sales for an activation key.")
    if first and count < product.min_first_order_seats:
        raise ValidationFailed("seats", f"Your first order must be for at least {product.min_first_order_seats} "
                                        "seats.")
    currency = currency_for(country)
    unit = Money(MONTHLY_SEAT_PRICE[currency], currency)
    annual = annual_seat_price(unit, count)
    org = session.get(Organisation, actor.organisation_id)
    rate, _reverse = tax_rate_for(org, get_settings().seller_country)
    tax = tax_on(annual, rate)
    return Estimate(seats=count, unit_price=unit, annual=annual, country=country.upper(), first_order=first,
                    tax=tax, total=annual + tax)


def _request_hash_of(seats, country: str, name: str, email: str, token: str) -> str:
    payload = {"seats": str(seats).strip(), "country": (country or "").upper(), "name": name, "email": email,
               "token": token}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def _check_contact(name: str, email: str) -> tuple[str, str]:
    name = " ".join((name or "").split())
    email = (email or "").strip().lower()
    if not name:
        raise ValidationFailed("contact_name", "Enter the name of the contact for this order.")
    if len(name) > 200:
        raise ValidationFailed("contact_name", "Use at most 200 characters.")
    if not is_email_address(email):  # the receipt goes there: the same rule as the mailer's
        raise ValidationFailed("contact_email", "Enter an e-mail address such as name@company.com.")
    return name, email


def _stored(record: IdempotencyRecord) -> OrderResult:
    data = json.loads(record.result_json)
    return OrderResult(order_id=data["order_id"], order_number=data["order_number"],
                       invoice_number=data["invoice_number"], total=Money(data["total_minor"], data["currency"]),
                       charge_id=data["charge_id"], replayed=True)


def place_card_order(
    *,
    session: Session,
    actor: Actor,
    gateway: PaymentGateway,
    idempotency_key: str,
    seats: str | int,
    country: str,
    contact_name: str,
    contact_email: str,
    card_token: str = "",
    saved_card_id: int | None = None,
) -> OrderResult:
    """R-ORD-1..3: charge the card and create the order, its subscription and its paid invoice."""
    _require_buyer(actor)
    key = (idempotency_key or "").strip()
    if not 16 <= len(key) <= 80:
        raise ValidationFailed("order", "This checkout has expired. Reload the page to start again.")
    org_id = actor.organisation_id
    # The organisation row is the lock of this use case: concurrent clicks queue here.
    org = session.exec(select(Organisation).where(Organisation.id == org_id).with_for_update()).one()

    stored = session.exec(select(IdempotencyRecord).where(IdempotencyRecord.organisation_id == org_id,
                                                          IdempotencyRecord.key == key)).first()
    quote = estimate(session=session, actor=actor, seats=seats, country=country) if stored is None else None
    name, email = _check_contact(contact_name, contact_email)

    if stored is not None:  # a double click or a retry: the stored result, if it is the same request
        token = card_token or ""
        if saved_card_id is not None:
            wallet_card = session.exec(select(PaymentMethod).where(PaymentMethod.id == saved_card_id,
                                                                   PaymentMethod.organisation_id == org_id)).first()
            token = wallet_card.processor_token if wallet_card else ""
        same = stored.request_hash == _request_hash_of(seats, country, name, email, token)
        if stored.operation != OPERATION or not same:
            raise Conflict("This checkout was already used for another order. Reload the page to start a new one.")
        return _stored(stored)

    saved: PaymentMethod | None = None
    if saved_card_id is not None:
        saved = get_card(session=session, actor=actor, card_id=saved_card_id)
        token = saved.processor_token
    else:
        token = card_token or ""
        if not token.startswith("tok_") or len(token) > 80:
            raise ValidationFailed("card", "Enter your card details.")
        # A token already in a wallet may only pay for its own organisation, and only while it is there.
        saved = session.exec(select(PaymentMethod).where(PaymentMethod.processor_token == token)).first()
        if saved is not None and (saved.organisation_id != org_id or saved.deleted_at is not None):
            raise ValidationFailed("card", "Enter your card details.")
    request_hash = _request_hash_of(seats, country, name, email, token)

    product = seat_product(session)
    today = clock.today()
    end = clock.add_months(today, 12) - timedelta(days=1)
    net, tax, total = quote.annual, quote.tax, quote.total
    try:
        charge = gateway.charge(token=token, amount=total, idempotency_key=f"{OPERATION}:{org_id}:{key}",
                                description=f"{quote.seats} x {product.name}")
    except CardDeclined as exc:
        raise ValidationFailed("card", f"Your card was not charged: {_plain(exc)}") from None
    except IdempotencyMismatch:
        raise Conflict("This checkout was already used for another order. Reload the page to start a new one.") \
            from None
    except PaymentError as exc:
        raise ValidationFailed("card", f"The payment could not be made: {exc.message}") from None
    except ProcessorUnavailable:
        raise PaymentNotConfirmed(
            "The payment processor did not confirm the payment. Nothing was ordered yet. Select Complete order "
            "again: you will not be charged twice."
        ) from None

    if saved is None:  # a new card: it joins the wallet (the default only if there is none)
        has_default = session.exec(select(func.count()).select_from(PaymentMethod).where(
            PaymentMethod.organisation_id == org_id, PaymentMethod.deleted_at.is_(None),
            PaymentMethod.is_default == True)).one()  # noqa: E712
        saved = PaymentMethod(organisation_id=org_id, processor_token=token, brand=charge.brand or "Card",
                              last4=charge.last4, exp_month=charge.exp_month or 12,
                              exp_year=charge.exp_year or today.year + 1, holder_name=name,
                              is_default=not has_default)
        session.add(saved)
        session.flush()
    label = card_label(saved)

    sequence, _ = take_next(session=session, code="ORD")
    number = f"LM{100000 + sequence}"
    subscription = Subscription(organisation_id=org_id, product_id=product.id, buyer_id=actor.person_id,
                                is_self_service=actor.role == Role.BUYER, quantity=quote.seats,
                                unit_price_minor=quote.unit_price.amount_minor * 12, currency=total.currency,
                                start_date=today, renews_on=clock.add_months(today, 12),
                                billing_frequency="annual_prepaid", payment_kind=PaymentKind.CARD,
                                payment_method_id=saved.id)
    session.add(subscription)
    session.flush()
    order = Order(organisation_id=org_id, number=number, subscription_id=subscription.id, product_id=product.id,
                  type="buy", status=OrderStatus.ACTIVE, seats=quote.seats,
                  unit_price_minor=quote.unit_price.amount_minor, currency=total.currency,
                  total_minor=total.amount_minor, start_date=today, end_date=end, payment_kind=PaymentKind.CARD,
                  payment_method_id=saved.id, billing_country=quote.country, contact_name=name,
                  contact_email=email, created_by_id=actor.person_id)
    session.add(order)
    session.flush()
    invoice = issue_invoice(session=session, organisation=org, currency=total.currency, issue_date=today,
                            due_date=today, seller_country=get_settings().seller_country, period_start=today,
                            period_end=end, order_id=order.id, subscription_id=subscription.id,
                            payment_kind=PaymentKind.CARD, payment_method_id=saved.id, payment_method_label=label,
                            lines=[LineInput(product.name, quote.seats, quote.unit_price.times(12),
                                             f"Annual seats, {format_day(today, 'en')} - {format_day(end, 'en')}")])
    if invoice.total_minor != total.amount_minor:  # the invoice rounds per line; the charge must match it
        raise AssertionError("charged amount and invoice total differ")
    invoice.status = InvoiceStatus.PAID
    invoice.paid_at = clock.now()
    session.add(invoice)
    session.add(Payment(organisation_id=org_id, invoice_id=invoice.id, order_id=order.id, payment_method_id=saved.id,
                        amount_minor=total.amount_minor, currency=total.currency, status=PaymentStatus.SUCCEEDED,
                        processor_charge_id=charge.charge_id, idempotency_key=key))
    if org.status in ("trial", "inactive"):
        org.status = "active"
        session.add(org)
    result = OrderResult(order_id=order.id, order_number=number, invoice_number=invoice.number, total=total,
                         charge_id=charge.charge_id)
    session.add(IdempotencyRecord(organisation_id=org_id, key=key, operation=OPERATION, request_hash=request_hash,
                                  status="completed", result_json=json.dumps({
                                      "order_id": order.id, "order_number": number,
                                      "invoice_number": invoice.number, "total_minor": total.amount_minor,
                                      "currency": total.currency, "charge_id": charge.charge_id})))
    locale = org.locale
    send_email(
        session=session,
        organisation_id=org_id, to=email, template="order_receipt",
        subject=f"Your receipt for order {number}",
        body=(
            f"Hello {name},\n\nThank you for your order {number}.\n\n"
            f"{quote.seats} x {product.name} for 12 months ({format_day(today, locale)} - {format_day(end, locale)})\n"
            f"Estimate: {quote.seats} seats x {format_money(quote.unit_price, locale)} x 12 months = "
            f"{format_money(net, locale)}\n"
            f"Tax: {format_money(tax, locale)}\nTotal charged to {label}: {format_money(total, locale)}\n"
            f"Invoice: {invoice.number} (paid)\n\nBilling Center"
        ),
    )
    audit.record(session=session, action="order_completed", actor=actor, target_type="order", target_id=number,
                 detail=f"{quote.seats} seats, {total.plain()} {total.currency}, {label}")
    session.flush()
    return result


def _plain(exc: CardDeclined) -> str:
    words = {
        "card_declined": "your bank declined it. Use another card or contact your bank.",
        "insufficient_funds": "the card has insufficient funds. Use another card.",
        "expired_card": "the card has expired. Use another card.",
        "incorrect_cvc": "the security code is incorrect. Check the 3 digits on the back of the card.",
        "processing_error": "the processor had an error. Try again in a moment.",
    }
    return words.get(exc.code, exc.message)


def order_history(*, session: Session, actor: Actor, limit: int = 20, offset: int = 0) -> tuple[list[OrderRow], int]:
    """Seat orders of the organisation, newest first (a page of them)."""
    _require_buyer(actor)
    org_id = actor.organisation_id
    base = select(Order, Product.name, PaymentMethod).join(Product, Product.id == Order.product_id, isouter=True) \
        .join(PaymentMethod, PaymentMethod.id == Order.payment_method_id, isouter=True) \
        .where(Order.organisation_id == org_id, Order.seats > 0)
    if actor.role == Role.BUYER:
        base = base.where(Order.created_by_id == actor.person_id)
    total = session.exec(select(func.count()).select_from(base.subquery())).one()
    rows = session.exec(base.order_by(Order.created_at.desc(), Order.id.desc()).offset(offset).limit(limit)).all()
    return [
        OrderRow(number=o.number, product=name or "Learning Manager (per learner)", seats=o.seats, status=o.status,
                 total=Money(o.total_minor, o.currency), start=o.start_date, end=o.end_date,
                 payment=card_label(pm) if o.payment_kind == PaymentKind.CARD else "Invoice", country=o.billing_country)
        for o, name, pm in rows
    ], total


def change_order_payment_method(*, session: Session, actor: Actor, order_number: str, card_id: int) -> Order:
    """R-ORD-5: an active order's card (and its subscription's) can be changed."""
    _require_buyer(actor)
    order = session.exec(select(Order).where(Order.organisation_id == actor.organisation_id,
                                             Order.number == order_number)).first()
    if order is None or (actor.role == Role.BUYER and order.created_by_id != actor.person_id):
        raise NotFound("order")
    if order.status != OrderStatus.ACTIVE:
        raise ValidationFailed("card", "Only an active order's payment method can be changed.")
    card = get_card(session=session, actor=actor, card_id=card_id)
    order.payment_method_id = card.id
    order.payment_kind = PaymentKind.CARD
    session.add(order)
    if order.subscription_id:
        sub = session.get(Subscription, order.subscription_id)
        if sub is not None and sub.organisation_id == actor.organisation_id:
            sub.payment_method_id = card.id
            sub.payment_kind = PaymentKind.CARD
            session.add(sub)
    audit.record(session=session, action="order_payment_method_changed", actor=actor, target_type="order",
                 target_id=order.number, detail=card_label(card))
    return order
