"""The gateway contract against the sandbox processor: every test card, idempotency, lost replies
(R-PAY-2, R-ORD-3)."""

from __future__ import annotations

import secrets

import httpx
import pytest

from billing_center.domain.money import Money
from billing_center.payments import (
    CardDeclined,
    HttpGateway,
    IdempotencyMismatch,
    PaymentError,
    ProcessorUnavailable,
)
from billing_center.payments.sandbox import luhn_ok

USD_192 = Money(19200, "USD")


def key() -> str:
    return secrets.token_hex(16)


def test_a_good_card_is_charged_and_only_token_brand_last4_expiry_come_back(processor, gateway):
    response = processor.tokenise("4242 4242 4242 4242", exp="08/31", cvc="123")
    assert response.status_code == 200
    card = response.json()
    assert card["brand"] == "Visa" and card["last4"] == "4242" and card["exp_month"] == 8
    assert card["exp_year"] == 2031 and card["token"].startswith("tok_")
    assert "4242424242424242" not in response.text and "123" not in {str(v) for v in card.values()}
    check = gateway.verify_card(token=card["token"])
    assert (check.brand, check.last4) == ("Visa", "4242")
    charge = gateway.charge(token=card["token"], amount=USD_192, idempotency_key=key())
    assert charge.amount == USD_192 and charge.charge_id.startswith("ch_") and charge.last4 == "4242"


@pytest.mark.parametrize(("number", "code", "words"), [
    ("4000000000000002", "card_declined", "declined"),
    ("4000000000009995", "insufficient_funds", "insufficient funds"),
    ("4000000000000069", "expired_card", "expired"),
    ("4000000000000127", "incorrect_cvc", "security code"),
    ("4000000000000119", "processing_error", "error occurred"),
])
def test_declining_test_cards_fail_to_attach_and_to_charge_with_their_reason(processor, gateway, number, code,
                                                                            words):
    token = processor.token(number)
    with pytest.raises(CardDeclined) as attach:
        gateway.verify_card(token=token)
    assert attach.value.code == code and words in attach.value.message
    k = key()
    with pytest.raises(CardDeclined) as charge:
        gateway.charge(token=token, amount=USD_192, idempotency_key=k)
    assert charge.value.code == code
    assert [c["status"] for c in processor.charges(k)] == ["failed"]


def test_card_0341_attaches_but_every_charge_fails(processor, gateway):
    token = processor.token("4000000000000341")
    assert gateway.verify_card(token=token).last4 == "0341"
    for _ in range(2):
        with pytest.raises(CardDeclined) as declined:
            gateway.charge(token=token, amount=USD_192, idempotency_key=key())
        assert declined.value.code == "card_declined"


@pytest.mark.parametrize("number", ["4242424242424241", "1234567812345678", "4242", "abcd efgh ijkl mnop", ""])
def test_a_number_failing_the_luhn_check_is_rejected_before_any_token_exists(processor, number):
    assert not luhn_ok(number.replace(" ", ""))
    response = processor.tokenise(number)
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_number"


@pytest.mark.parametrize(("exp", "cvc", "code"), [
    ("01/20", "123", "invalid_expiry"), ("13/30", "123", "invalid_expiry"),
    ("12/30", "12", "invalid_cvc"), ("12/30", "abc", "invalid_cvc"),
])
def test_bad_expiry_or_security_code_is_rejected(processor, exp, cvc, code):
    response = processor.tokenise("4242424242424242", exp=exp, cvc=cvc)
    assert response.status_code == 400 and response.json()["error"]["code"] == code


def test_same_key_same_request_returns_the_stored_charge_and_another_request_is_refused(processor, gateway):
    token, k = processor.token("4242424242424242"), key()
    first = gateway.charge(token=token, amount=USD_192, idempotency_key=k)
    again = gateway.charge(token=token, amount=USD_192, idempotency_key=k)
    assert again.charge_id == first.charge_id
    with pytest.raises(IdempotencyMismatch):
        gateway.charge(token=token, amount=Money(19300, "USD"), idempotency_key=k)
    assert len(processor.charges(k)) == 1


def test_a_charge_without_idempotency_key_is_refused(processor):
    token = processor.token("4242424242424242")
    response = httpx.post(f"{processor.url}/v1/charges", json={"token": token, "amount": 100, "currency": "USD"})
    assert response.status_code == 400 and response.json()["error"]["code"] == "idempotency_key_missing"


def test_a_dropped_reply_is_unknown_and_the_retry_with_the_same_key_finds_the_one_charge(processor):
    no_retry = HttpGateway(processor.url, timeout=5, retries=0)
    token, k = processor.token("4242424242424242"), key()
    processor.faults(drop_reply_after_commit=1)
    with pytest.raises(ProcessorUnavailable):
        no_retry.charge(token=token, amount=USD_192, idempotency_key=k)
    committed = processor.charges(k)
    assert len(committed) == 1 and committed[0]["status"] == "succeeded"  # it happened, the reply was lost
    retried = no_retry.charge(token=token, amount=USD_192, idempotency_key=k)
    assert retried.charge_id == committed[0]["id"]
    assert len(processor.charges(k)) == 1


def test_the_gateway_retries_a_lost_reply_itself_with_the_same_key(processor, gateway):
    token, k = processor.token("4242424242424242"), key()
    processor.faults(drop_reply_after_commit=1)
    charge = gateway.charge(token=token, amount=USD_192, idempotency_key=k)
    assert [c["id"] for c in processor.charges(k)] == [charge.charge_id]


def test_a_timeout_after_commit_is_unknown_and_retrying_finds_the_charge(processor):
    impatient = HttpGateway(processor.url, timeout=0.5, retries=0)
    token, k = processor.token("4242424242424242"), key()
    processor.faults(delay_replies=1, delay_seconds=2)
    with pytest.raises(ProcessorUnavailable):
        impatient.charge(token=token, amount=USD_192, idempotency_key=k)
    again = impatient.charge(token=token, amount=USD_192, idempotency_key=k)
    assert [c["id"] for c in processor.charges(k)] == [again.charge_id]


def test_an_unreachable_processor_is_unknown_not_a_decline():
    nowhere = HttpGateway("http://127.0.0.1:9", timeout=1, retries=1)
    with pytest.raises(ProcessorUnavailable):
        nowhere.charge(token="tok_x", amount=USD_192, idempotency_key=key())


def test_refunds_are_idempotent_and_bounded(processor, gateway):
    token = processor.token("4242424242424242")
    charge = gateway.charge(token=token, amount=USD_192, idempotency_key=key())
    k = key()
    first = gateway.refund(charge_id=charge.charge_id, amount=Money(9600, "USD"), idempotency_key=k)
    assert gateway.refund(charge_id=charge.charge_id, amount=Money(9600, "USD"), idempotency_key=k).refund_id == \
        first.refund_id
    with pytest.raises(PaymentError):
        gateway.refund(charge_id=charge.charge_id, amount=Money(9601, "USD"), idempotency_key=key())


def test_unknown_token_is_an_error(gateway):
    with pytest.raises(PaymentError) as error:
        gateway.charge(token="tok_does_not_exist", amount=USD_192, idempotency_key=key())
    assert error.value.code == "token_not_found"


def test_the_hosted_card_form_is_served_by_the_processor_for_allowed_origins_only(processor):
    page = httpx.get(f"{processor.url}/hosted-fields")
    assert page.status_code == 200
    assert "frame-ancestors http://localhost:3000" in page.headers["content-security-policy"]
    assert 'fetch("/v1/tokens"' in page.text and "Card number" in page.text
    preflight = httpx.options(f"{processor.url}/v1/tokens", headers={
        "Origin": "http://localhost:3000", "Access-Control-Request-Method": "POST"})
    assert preflight.headers.get("access-control-allow-origin") == "http://localhost:3000"
    foreign = httpx.options(f"{processor.url}/v1/tokens", headers={
        "Origin": "http://evil.example", "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in foreign.headers
