"""R-ORD-1..3, R-ORD-5: ordering Learning Manager seats with a card.

One order is one use case in one transaction, keyed by an idempotency key that the checkout form
creates when it opens. ``place_card_order`` reads as its steps:

1. the organisation row is locked (SQLite: the transaction's write lock), so a double click waits;
   the processor call happens under that lock, bounded by the gateway's timeout and single retry;
2. replay: an earlier result for the same key is returned as it is (same request) or refused
   (another one);
3. guard: seats (R-ORD-1), country and currency (R-ORD-3), contact, card;
4. charge: the card is charged with the *same* key, so a retry after a lost reply gets the charge
   that was already made, never a second one;
5. record: order, subscription, paid invoice, payment and idempotency record are written;
6. receipt: the e-mail to the order's contact, and the audit entry.

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

from billing_center import faults, i18n
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
    Forbidden,
    NotFound,
    ServiceError,
    ValidationFailed,
)
from billing_center.domain.money import Money, annual_seat_price, tax_on
from billing_center.formatting import format_day, format_money
from billing_center.i18n import N_, _
from billing_center.models import (
    IdempotencyRecord,
    Invoice,
    Order,
    Organisation,
    Payment,
    PaymentMethod,
    Person,
    Product,
    Subscription,
)
from billing_center.payments.declines import decline_reason
from billing_center.payments.gateway import (
    CardDeclined,
    Charge,
    IdempotencyMismatch,
    PaymentError,
    PaymentGateway,
    ProcessorUnavailable,
)
from billing_center.services import audit, policy
from billing_center.services.actors import Actor
from billing_center.services.invoicing import LineInput, issue_invoice, tax_rate_for
from billing_center.services.mail import is_email_address, send_email
from billing_center.services.numbering import take_next
from billing_center.services.self_service import may_buy
from billing_center.services.wallet import card_label, find_card
from billing_center.settings import get_settings

SEAT_PRODUCT = "LM-SEAT"
OPERATION = "seat_card_order"

# R-ORD-3: the billing country decides the currency of the estimate and of the charge.
COUNTRIES = {
    "US": (N_("United States"), "USD"),
    "NL": (N_("Netherlands"), "EUR"),
    "BE": (N_("Belgium"), "EUR"),
    "FR": (N_("France"), "EUR"),
    "DE": (N_("Germany"), "EUR"),
    "GB": (N_("United Kingdom"), "GBP"),
}
# Price per learner per month in each currency (the list price is USD 4.00).
MONTHLY_SEAT_PRICE = {"USD": 400, "EUR": 400, "GBP": 350}
CHECKOUT_USED = N_("This checkout was already used for another order. Reload the page to start a new one.")
CHECKOUT_REFUNDED = N_("This checkout was interrupted before the order was written, and its payment was refunded. "
                       "Nothing was ordered. Reload the page to start a new order.")
REFUNDED = "refunded"  # IdempotencyRecord.status of a checkout whose stray charge reconciliation refunded


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
    paid_by_card: bool = False


def seat_product(session: Session) -> Product:
    product = session.exec(select(Product).where(Product.code == SEAT_PRODUCT)).first()
    if product is None:
        raise NotFound("product")
    return product


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


@dataclass(frozen=True)
class SeatOffer:
    """What the Order seats page says before any number is typed (R-ORD-1, R-ORD-2)."""
    unit_price: Money  # per learner per month, in the billing country's currency
    first_order: bool
    min_first_order: int
    max_per_order: int


@policy.allowed(*policy.BUYERS)
def seat_offer(*, session: Session, actor: Actor, country: str = "US") -> SeatOffer:
    product = seat_product(session)
    currency = currency_for(country)
    return SeatOffer(unit_price=Money(MONTHLY_SEAT_PRICE[currency], currency),
                     first_order=is_first_order(session, actor.organisation_id),
                     min_first_order=product.min_first_order_seats, max_per_order=product.max_seats_per_order)


@policy.allowed(*policy.BUYERS)
def estimate(*, session: Session, actor: Actor, seats: str | int, country: str = "US") -> Estimate:
    """R-ORD-1, R-ORD-2: validate the seats and price them for a year."""
    product = seat_product(session)
    if actor.role == Role.BUYER and not may_buy(session, actor.organisation_id, product.id):
        raise Forbidden("Your organisation does not let members buy {product} themselves: ask a billing admin.",
                        product=product.name)
    count = parse_seats(seats)
    first = is_first_order(session, actor.organisation_id)
    if count <= 0:
        raise ValidationFailed("seats", "Enter at least 1 seat.")
    if count > product.max_seats_per_order:
        raise ValidationFailed("seats", "One order holds at most {count} seats. For more, place several orders or "
                                        "ask sales for an activation key.", count=product.max_seats_per_order)
    if first and count < product.min_first_order_seats:
        raise ValidationFailed("seats", "Your first order must be for at least {count} seats.",
                               count=product.min_first_order_seats)
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


@dataclass(frozen=True)
class _Checkout:
    """What a card order is about, once its input passed the guards."""

    key: str
    quote: Estimate
    contact_name: str
    contact_email: str
    token: str  # the processor token that pays
    card: PaymentMethod | None  # the wallet card behind that token, if it is in the wallet already
    request_hash: str


@policy.allowed(*policy.BUYERS)
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
    key = _checkout_key(idempotency_key)
    # The organisation row is the lock of this use case: concurrent clicks queue here.
    org = session.exec(select(Organisation).where(Organisation.id == actor.organisation_id).with_for_update()).one()
    stored = session.exec(select(IdempotencyRecord).where(IdempotencyRecord.organisation_id == org.id,
                                                          IdempotencyRecord.key == key)).first()
    if stored is not None:
        return _replay(session, org.id, stored, seats=seats, country=country, contact_name=contact_name,
                       contact_email=contact_email, card_token=card_token, saved_card_id=saved_card_id)
    checkout = _guard(session, actor, key, seats=seats, country=country, contact_name=contact_name,
                      contact_email=contact_email, card_token=card_token, saved_card_id=saved_card_id)
    product = seat_product(session)
    faults.point("order.before_charge")
    charge = _charge(gateway, checkout, org.id, product)
    faults.point("order.after_charge")  # charged at the processor, nothing committed here yet
    card = checkout.card or _add_paying_card(session, org.id, checkout, charge)
    order, invoice = _record(session, actor, org, checkout, product, card, charge)
    _send_receipt(session, org, checkout, product, card, order, invoice)
    total = checkout.quote.total
    audit.record(session=session, action="order_completed", actor=actor, target_type="order", target_id=order.number,
                 detail=f"{checkout.quote.seats} seats, {total.plain()} {total.currency}, {card_label(card)}")
    session.flush()
    faults.point_after_commit(session, "order.after_commit")  # committed, the reply not yet sent
    return OrderResult(order_id=order.id, order_number=order.number, invoice_number=invoice.number, total=total,
                       charge_id=charge.charge_id)


@policy.allowed(*policy.BUYERS)
def checkout_result(*, session: Session, actor: Actor, idempotency_key: str) -> OrderResult | None:
    """What became of an open checkout (after a reconnect or a reload): its order if it was completed,
    None if nothing was recorded yet (Complete order may be selected again), Conflict if reconciliation
    refunded its charge."""
    key = (idempotency_key or "").strip()
    stored = session.exec(select(IdempotencyRecord).where(IdempotencyRecord.organisation_id == actor.organisation_id,
                                                          IdempotencyRecord.key == key)).first() if key else None
    if stored is None or stored.operation != OPERATION:
        return None
    if stored.status == REFUNDED:
        raise Conflict(CHECKOUT_REFUNDED)
    return _stored(stored)


def processor_key(org_id: int, checkout_key: str) -> str:
    """The idempotency key a checkout's charge carries at the processor."""
    return f"{OPERATION}:{org_id}:{checkout_key}"


def checkout_of(processor_idempotency_key: str) -> tuple[int, str] | None:
    """(organisation id, checkout key) of a seat order's charge, or None for any other charge."""
    operation, _, rest = processor_idempotency_key.partition(":")
    org, _, key = rest.partition(":")
    if operation != OPERATION or not org.isdigit() or not key:
        return None
    return int(org), key


def _checkout_key(idempotency_key: str) -> str:
    key = (idempotency_key or "").strip()
    if ":" in key:  # the processor key is OPERATION:organisation:checkout (reconciliation splits it)
        raise ValidationFailed("order", "This checkout has expired. Reload the page to start again.")
    if not 16 <= len(key) <= 80:
        raise ValidationFailed("order", "This checkout has expired. Reload the page to start again.")
    return key


def _replay(session: Session, org_id: int, stored: IdempotencyRecord, *, seats: str | int, country: str,
            contact_name: str, contact_email: str, card_token: str, saved_card_id: int | None) -> OrderResult:
    """A double click or a retry: the stored result, if it is the same request; Conflict otherwise (and
    after reconciliation refunded this checkout's charge)."""
    if stored.status == REFUNDED:
        raise Conflict(CHECKOUT_REFUNDED)
    name, email = _check_contact(contact_name, contact_email)
    token = card_token or ""
    if saved_card_id is not None:
        wallet_card = session.exec(select(PaymentMethod).where(PaymentMethod.id == saved_card_id,
                                                               PaymentMethod.organisation_id == org_id)).first()
        token = wallet_card.processor_token if wallet_card else ""
    same = stored.request_hash == _request_hash_of(seats, country, name, email, token)
    if stored.operation != OPERATION or not same:
        raise Conflict(CHECKOUT_USED)
    return _stored(stored)


def _guard(session: Session, actor: Actor, key: str, *, seats: str | int, country: str, contact_name: str,
           contact_email: str, card_token: str, saved_card_id: int | None) -> _Checkout:
    """Every check of a new order, before the card is charged: seats and country (R-ORD-1, R-ORD-3),
    the contact, and a card of this organisation's wallet or a fresh token."""
    quote = estimate(session=session, actor=actor, seats=seats, country=country)
    name, email = _check_contact(contact_name, contact_email)
    card: PaymentMethod | None = None
    if saved_card_id is not None:
        card = find_card(session, actor.organisation_id, saved_card_id)
        token = card.processor_token
    else:
        token = card_token or ""
        if not token.startswith("tok_") or len(token) > 80:
            raise ValidationFailed("card", "Enter your card details.")
        # A token already in a wallet may only pay for its own organisation, and only while it is there.
        card = session.exec(select(PaymentMethod).where(PaymentMethod.processor_token == token)).first()
        if card is not None and (card.organisation_id != actor.organisation_id or card.deleted_at is not None):
            raise ValidationFailed("card", "Enter your card details.")
    return _Checkout(key=key, quote=quote, contact_name=name, contact_email=email, token=token, card=card,
                     request_hash=_request_hash_of(seats, country, name, email, token))


def _charge(gateway: PaymentGateway, checkout: _Checkout, org_id: int, product: Product) -> Charge:
    """Charge the card with the checkout's key: a retry after a lost reply gets the same charge."""
    quote = checkout.quote
    try:
        return gateway.charge(token=checkout.token, amount=quote.total,
                              idempotency_key=processor_key(org_id, checkout.key),
                              description=f"{quote.seats} x {product.name}")
    except CardDeclined as exc:
        raise ValidationFailed("card", "Your card was not charged: {reason}", reason=decline_reason(exc),
                               words=("reason",)) from None
    except IdempotencyMismatch:
        raise Conflict(CHECKOUT_USED) from None
    except PaymentError as exc:
        raise ValidationFailed("card", "The payment could not be made: {reason}", reason=exc.message) from None
    except ProcessorUnavailable:
        raise PaymentNotConfirmed(N_(
            "The payment processor did not confirm the payment. Nothing was ordered yet. Select Complete order "
            "again: you will not be charged twice."
        )) from None


def _add_paying_card(session: Session, org_id: int, checkout: _Checkout, charge: Charge) -> PaymentMethod:
    """A new card joins the wallet (the default only if there is none)."""
    has_default = session.exec(select(func.count()).select_from(PaymentMethod).where(
        PaymentMethod.organisation_id == org_id, PaymentMethod.deleted_at.is_(None),
        PaymentMethod.is_default == True)).one()  # noqa: E712
    card = PaymentMethod(organisation_id=org_id, processor_token=checkout.token, brand=charge.brand or "Card",
                         last4=charge.last4, exp_month=charge.exp_month or 12,
                         exp_year=charge.exp_year or clock.today().year + 1, holder_name=checkout.contact_name,
                         is_default=not has_default)
    session.add(card)
    session.flush()
    return card


def _record(session: Session, actor: Actor, org: Organisation, checkout: _Checkout, product: Product,
            card: PaymentMethod, charge: Charge) -> tuple[Order, Invoice]:
    """Write what was paid for: subscription, order, paid invoice, payment and the idempotency record."""
    quote, total = checkout.quote, checkout.quote.total
    today = clock.today()
    end = clock.add_months(today, 12) - timedelta(days=1)
    sequence, _ = take_next(session=session, code="ORD")
    number = f"LM{100000 + sequence}"
    subscription = Subscription(organisation_id=org.id, product_id=product.id, buyer_id=actor.person_id,
                                is_self_service=actor.role == Role.BUYER, quantity=quote.seats,
                                unit_price_minor=quote.unit_price.amount_minor * 12, currency=total.currency,
                                start_date=today, renews_on=clock.add_months(today, 12),
                                billing_frequency="annual_prepaid", payment_kind=PaymentKind.CARD,
                                payment_method_id=card.id)
    session.add(subscription)
    session.flush()
    order = Order(organisation_id=org.id, number=number, subscription_id=subscription.id, product_id=product.id,
                  type="buy", status=OrderStatus.ACTIVE, seats=quote.seats,
                  unit_price_minor=quote.unit_price.amount_minor, currency=total.currency,
                  total_minor=total.amount_minor, start_date=today, end_date=end, payment_kind=PaymentKind.CARD,
                  payment_method_id=card.id, billing_country=quote.country, contact_name=checkout.contact_name,
                  contact_email=checkout.contact_email, created_by_id=actor.person_id)
    session.add(order)
    session.flush()
    invoice = issue_invoice(session=session, organisation=org, currency=total.currency, issue_date=today,
                            due_date=today, seller_country=get_settings().seller_country, period_start=today,
                            period_end=end, order_id=order.id, subscription_id=subscription.id,
                            payment_kind=PaymentKind.CARD, payment_method_id=card.id,
                            payment_method_label=card_label(card),
                            lines=[LineInput(product.name, quote.seats, quote.unit_price.times(12),
                                             f"Annual seats, {format_day(today, 'en')} - {format_day(end, 'en')}")])
    if invoice.total_minor != total.amount_minor:  # the invoice rounds per line; the charge must match it
        raise AssertionError("charged amount and invoice total differ")
    invoice.status = InvoiceStatus.PAID
    invoice.paid_at = clock.now()
    session.add(invoice)
    session.add(Payment(organisation_id=org.id, invoice_id=invoice.id, order_id=order.id, payment_method_id=card.id,
                        amount_minor=total.amount_minor, currency=total.currency, status=PaymentStatus.SUCCEEDED,
                        processor_charge_id=charge.charge_id, idempotency_key=checkout.key))
    if org.status in ("trial", "inactive"):
        org.status = "active"
        session.add(org)
    session.add(IdempotencyRecord(organisation_id=org.id, key=checkout.key, operation=OPERATION,
                                  request_hash=checkout.request_hash, status="completed", result_json=json.dumps({
                                      "order_id": order.id, "order_number": number,
                                      "invoice_number": invoice.number, "total_minor": total.amount_minor,
                                      "currency": total.currency, "charge_id": charge.charge_id})))
    return order, invoice


def _send_receipt(session: Session, org: Organisation, checkout: _Checkout, product: Product, card: PaymentMethod,
                  order: Order, invoice: Invoice) -> None:
    quote, locale = checkout.quote, org.locale
    period = f"{format_day(order.start_date, locale)} - {format_day(order.end_date, locale)}"
    # In the recipient's language: their profile's when they have one, else the organisation's.
    contact = session.exec(select(Person).where(Person.email == checkout.contact_email)).first()
    with i18n.using(i18n.choose(profile=contact.language if contact else None, organisation=org.locale)):
        lines = [
            _("{count} x {product} for 12 months ({period})").format(count=quote.seats, product=product.name,
                                                                     period=period),
            _("Estimate: {count} seats x {price} x 12 months = {annual}").format(
                count=quote.seats, price=format_money(quote.unit_price, locale),
                annual=format_money(quote.annual, locale)),
            _("Tax: {amount}").format(amount=format_money(quote.tax, locale)),
            _("Total charged to {card}: {total}").format(card=card_label(card),
                                                         total=format_money(quote.total, locale)),
            _("Invoice: {number} (paid)").format(number=invoice.number),
        ]
        body = "\n\n".join([_("Hello {name},").format(name=checkout.contact_name),
                             _("Thank you for your order {number}.").format(number=order.number),
                             "\n".join(lines), "Billing Center"])
        subject = _("Your receipt for order {number}").format(number=order.number)
    send_email(session=session, organisation_id=org.id, to=checkout.contact_email, template="order_receipt",
               subject=subject, body=body)


@policy.allowed(*policy.BUYERS)
def order_history(*, session: Session, actor: Actor, limit: int = 20, offset: int = 0) -> tuple[list[OrderRow], int]:
    """Seat orders of the organisation, newest first (a page of them); a buyer sees the ones they placed."""
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
                 payment=card_label(pm) if o.payment_kind == PaymentKind.CARD else "Invoice", country=o.billing_country,
                 paid_by_card=o.payment_kind == PaymentKind.CARD and pm is not None)
        for o, name, pm in rows
    ], total


@policy.allowed(*policy.BUYERS)
def change_order_payment_method(*, session: Session, actor: Actor, order_number: str, card_id: int) -> Order:
    """R-ORD-5: an active order's card (and its subscription's) can be changed."""
    order = session.exec(select(Order).where(Order.organisation_id == actor.organisation_id,
                                             Order.number == order_number)).first()
    if order is None or (actor.role == Role.BUYER and order.created_by_id != actor.person_id):
        raise NotFound("order")
    if order.status != OrderStatus.ACTIVE:
        raise ValidationFailed("card", "Only an active order's payment method can be changed.")
    card = find_card(session, actor.organisation_id, card_id)
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
