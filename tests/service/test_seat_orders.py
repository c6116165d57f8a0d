"""Ordering seats by card (R-ORD-1..3, R-ORD-5) on SQLite and PostgreSQL, against the sandbox processor."""

from __future__ import annotations

import secrets

import pytest
from sqlmodel import func, select

from billing_center.domain.errors import Conflict, Forbidden, NotFound, ValidationFailed
from billing_center.domain.money import Money
from billing_center.models import IdempotencyRecord, Invoice, Order, OutgoingEmail, Payment, PaymentMethod, Subscription
from billing_center.payments import HttpGateway
from billing_center.services import seat_orders
from billing_center.services.seat_orders import PaymentNotConfirmed, estimate, order_history, place_card_order
from tests.factories import actor_for


def new_key() -> str:
    return secrets.token_urlsafe(24)


def count(session, model, **where) -> int:
    query = select(func.count()).select_from(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return session.exec(query).one()


def order(session, actor, gateway, token, *, key=None, seats="12", country="US", name="Alex Leroy",
          email="aleroy@flexis.com", **kw):
    return place_card_order(session=session, actor=actor, gateway=gateway, idempotency_key=key or new_key(),
                            seats=seats, country=country, contact_name=name, contact_email=email,
                            card_token=token, **kw)


def test_estimate_is_seats_times_monthly_price_times_twelve(session, flexis_admin):
    quote = estimate(session=session, actor=flexis_admin, seats="4", country="US")
    assert quote.annual == Money(19_200, "USD")  # 4 x $4 x 12 = $192 (R-ORD-2)
    assert quote.unit_price == Money(400, "USD")


@pytest.mark.parametrize(("country", "currency"), [("US", "USD"), ("NL", "EUR"), ("BE", "EUR"), ("FR", "EUR"),
                                                   ("DE", "EUR"), ("GB", "GBP")])
def test_the_currency_follows_the_billing_country(session, flexis_admin, country, currency):
    assert estimate(session=session, actor=flexis_admin, seats=10, country=country).annual.currency == currency


@pytest.mark.parametrize(("seats", "message"), [
    ("0", "at least 1 seat"), ("-5", "at least 1 seat"), ("3501", "at most 3500"), ("99999999999", "at most 3500"),
    ("ten", "whole number"), ("4.5", "whole number"), ("", "Enter the number"),
])
def test_bad_seat_numbers_are_refused_next_to_the_field(session, flexis_admin, seats, message):
    with pytest.raises(ValidationFailed) as error:
        estimate(session=session, actor=flexis_admin, seats=seats)
    assert error.value.field == "seats" and message in error.value.message


def test_the_offer_says_the_price_and_the_first_order_minimum_only_before_a_first_order(session, flexis_admin,
                                                                                       contoso_admin):
    first = seat_orders.seat_offer(session=session, actor=contoso_admin)
    assert (first.unit_price, first.first_order, first.min_first_order, first.max_per_order) == \
        (Money(400, "USD"), True, 10, 3500)
    later = seat_orders.seat_offer(session=session, actor=flexis_admin, country="GB")
    assert (later.unit_price, later.first_order) == (Money(350, "GBP"), False)


def test_a_first_order_needs_ten_seats_and_nothing_is_created(session, contoso_admin, processor, gateway):
    token = processor.token("4242424242424242")
    before = count(session, Order), count(session, Invoice)
    with pytest.raises(ValidationFailed) as error:
        order(session, contoso_admin, gateway, token, seats="9", country="FR", email="admin@contoso.com")
    assert error.value.field == "seats" and "at least 10" in error.value.message
    assert (count(session, Order), count(session, Invoice)) == before
    assert processor.charges() == [] or all(c["token"] != token for c in processor.charges())


def test_a_complete_order_is_charged_invoiced_paid_and_receipted(session, contoso_admin, processor, gateway):
    token = processor.token("4242424242424242")
    key = new_key()
    result = order(session, contoso_admin, gateway, token, key=key, seats="12", country="FR",
                   name="Camille Durand", email="admin@contoso.com")
    assert result.total == Money(57_600, "EUR")  # 12 x EUR 4 x 12, reverse charge (FR VAT id)
    placed = session.get(Order, result.order_id)
    assert (placed.status, placed.seats, placed.payment_kind, placed.billing_country) == ("active", 12, "card", "FR")
    invoice = session.exec(select(Invoice).where(Invoice.order_id == placed.id)).one()
    assert (invoice.status, invoice.total_minor, invoice.currency) == ("paid", 57_600, "EUR")
    assert invoice.payment_method_label == "Visa - 4242" and invoice.paid_at is not None
    payment = session.exec(select(Payment).where(Payment.order_id == placed.id)).one()
    assert payment.processor_charge_id == result.charge_id and payment.amount_minor == 57_600
    charged = processor.charges(f"seat_card_order:{contoso_admin.organisation_id}:{key}")
    assert [(c["id"], c["amount"], c["currency"]) for c in charged] == [(result.charge_id, 57_600, "EUR")]
    subscription = session.get(Subscription, placed.subscription_id)
    assert (subscription.quantity, subscription.payment_kind, subscription.status) == (12, "card", "active")
    card = session.get(PaymentMethod, placed.payment_method_id)
    assert (card.brand, card.last4, card.processor_token) == ("Visa", "4242", token)
    mail = session.exec(select(OutgoingEmail).where(OutgoingEmail.template == "order_receipt",
                                                    OutgoingEmail.to_address == "admin@contoso.com")).one()
    assert result.order_number in mail.subject and invoice.number in mail.body_text
    rows, total = order_history(session=session, actor=contoso_admin)
    assert total == 1 and rows[0].number == result.order_number and rows[0].status == "active"


def test_after_the_first_order_a_small_order_is_accepted(session, flexis_admin, processor, gateway):
    # Flexis ordered 125 seats before (FL123133): 4 seats are fine; Belgium bills in EUR.
    result = order(session, flexis_admin, gateway, processor.token("4242424242424242"), seats="4", country="US")
    assert result.total == Money(19_200, "USD")


def test_a_double_submit_gives_one_charge_one_order_one_invoice(session, flexis_admin, processor, gateway):
    token, key = processor.token("4242424242424242"), new_key()
    orders_before, invoices_before = count(session, Order), count(session, Invoice)
    first = order(session, flexis_admin, gateway, token, key=key)
    second = order(session, flexis_admin, gateway, token, key=key)
    assert second.order_number == first.order_number and second.replayed
    assert (count(session, Order), count(session, Invoice)) == (orders_before + 1, invoices_before + 1)
    assert len(processor.charges(f"seat_card_order:{flexis_admin.organisation_id}:{key}")) == 1
    assert count(session, IdempotencyRecord, key=key) == 1


def test_the_same_checkout_with_other_details_is_refused(session, flexis_admin, processor, gateway):
    token, key = processor.token("4242424242424242"), new_key()
    order(session, flexis_admin, gateway, token, key=key, seats="12")
    with pytest.raises(Conflict):
        order(session, flexis_admin, gateway, token, key=key, seats="13")


def test_a_lost_reply_then_a_retry_gives_exactly_one_charge(session, flexis_admin, processor):
    once = HttpGateway(processor.url, timeout=5, retries=0)
    token, key = processor.token("4242424242424242"), new_key()
    orders_before = count(session, Order)
    processor.faults(drop_reply_after_commit=1)
    with pytest.raises(PaymentNotConfirmed) as unknown:
        order(session, flexis_admin, once, token, key=key)
    assert "not be charged twice" in unknown.value.message
    assert count(session, Order) == orders_before  # nothing written while the outcome is unknown
    charged = processor.charges(f"seat_card_order:{flexis_admin.organisation_id}:{key}")
    assert len(charged) == 1 and charged[0]["status"] == "succeeded"
    result = order(session, flexis_admin, once, token, key=key)
    assert result.charge_id == charged[0]["id"]
    assert count(session, Order) == orders_before + 1
    assert count(session, Invoice, order_id=result.order_id) == 1
    assert len(processor.charges(f"seat_card_order:{flexis_admin.organisation_id}:{key}")) == 1


@pytest.mark.parametrize(("number", "words"), [
    ("4000000000000002", "declined"), ("4000000000009995", "insufficient funds"), ("4000000000000069", "expired"),
    ("4000000000000127", "security code"), ("4000000000000119", "Try again"), ("4000000000000341", "declined"),
])
def test_a_declined_card_creates_nothing_and_says_why(session, flexis_admin, processor, gateway, number, words):
    token = processor.token(number)
    before = count(session, Order), count(session, Invoice), count(session, Payment), count(session, PaymentMethod)
    with pytest.raises(ValidationFailed) as error:
        order(session, flexis_admin, gateway, token)
    assert error.value.field == "card" and words in error.value.message
    after = count(session, Order), count(session, Invoice), count(session, Payment), count(session, PaymentMethod)
    assert after == before


def test_bad_contact_and_missing_card_are_refused(session, flexis_admin, processor, gateway):
    token = processor.token("4242424242424242")
    with pytest.raises(ValidationFailed) as error:
        order(session, flexis_admin, gateway, token, name="  ")
    assert error.value.field == "contact_name"
    with pytest.raises(ValidationFailed) as error:
        order(session, flexis_admin, gateway, token, email="not-an-address")
    assert error.value.field == "contact_email"
    with pytest.raises(ValidationFailed) as error:
        order(session, flexis_admin, gateway, "")
    assert error.value.field == "card"
    with pytest.raises(ValidationFailed) as error:
        order(session, flexis_admin, gateway, token, country="XX")
    assert error.value.field == "country"


def test_another_organisations_saved_card_is_a_missing_one(session, flexis_admin, contoso_admin, gateway):
    contoso_card = session.exec(select(PaymentMethod).where(
        PaymentMethod.organisation_id == contoso_admin.organisation_id)).first()
    with pytest.raises(NotFound):
        order(session, flexis_admin, gateway, "", saved_card_id=contoso_card.id)


def test_a_saved_wallet_card_can_pay(session, flexis_admin, gateway):
    visa = session.exec(select(PaymentMethod).where(PaymentMethod.last4 == "4392")).one()
    result = order(session, flexis_admin, gateway, "", saved_card_id=visa.id)
    assert session.get(Order, result.order_id).payment_method_id == visa.id


def test_members_and_contract_admins_cannot_order(session, gateway):
    with pytest.raises(Forbidden):
        estimate(session=session, actor=actor_for(session, "jdevries@flexis.com"), seats=10)


def test_an_active_orders_card_can_be_changed(session, flexis_admin, processor, gateway):
    result = order(session, flexis_admin, gateway, processor.token("4242424242424242"))
    master = session.exec(select(PaymentMethod).where(PaymentMethod.last4 == "5100")).one()
    seat_orders.change_order_payment_method(session=session, actor=flexis_admin, order_number=result.order_number,
                                            card_id=master.id)
    placed = session.get(Order, result.order_id)
    assert placed.payment_method_id == master.id
    assert session.get(Subscription, placed.subscription_id).payment_method_id == master.id
    with pytest.raises(NotFound):
        seat_orders.change_order_payment_method(session=session, actor=flexis_admin, order_number="CT500100-1",
                                                card_id=master.id)


def test_vat_is_added_where_it_applies_and_the_charge_equals_the_invoice(session, flexis_admin, flexis, processor,
                                                                        gateway):
    flexis.country, flexis.vat_id = "NL", None  # a Dutch customer without a VAT id pays 21% VAT
    session.add(flexis)
    session.flush()
    quote = estimate(session=session, actor=flexis_admin, seats="4", country="NL")
    assert (quote.annual, quote.tax, quote.total) == (Money(19_200, "EUR"), Money(4_032, "EUR"),
                                                       Money(23_232, "EUR"))
    key = new_key()
    result = order(session, flexis_admin, gateway, processor.token("4242424242424242"), key=key, seats="4",
                   country="NL")
    invoice = session.exec(select(Invoice).where(Invoice.order_id == result.order_id)).one()
    assert invoice.total_minor == 23_232 and invoice.tax_minor == 4_032
    assert [c["amount"] for c in processor.charges(f"seat_card_order:{flexis.id}:{key}")] == [23_232]


def test_another_organisations_card_token_is_never_charged(session, contoso_admin, processor, gateway):
    charges_before = len(processor.charges())
    with pytest.raises(ValidationFailed) as error:
        order(session, contoso_admin, gateway, "tok_demo_flexis_visa_4392", email="admin@contoso.com")
    assert error.value.field == "card"
    assert len(processor.charges()) == charges_before


def test_a_self_service_buyer_orders_with_their_own_card_and_sees_only_their_orders(session, processor, gateway):
    buyer = actor_for(session, "mbakker@flexis.com")
    result = order(session, buyer, gateway, processor.token("4242424242424242"), name="Mila Bakker",
                   email="mbakker@flexis.com")
    subscription = session.get(Subscription, session.get(Order, result.order_id).subscription_id)
    assert subscription.is_self_service and subscription.buyer_id == buyer.person_id
    rows, total = order_history(session=session, actor=buyer)
    assert total == 1 and [r.number for r in rows] == [result.order_number]  # not the admins' FL123133 orders
