"""The payment processor as Billing Center sees it: one protocol, one HTTP implementation, a factory.

Billing Center never handles card numbers: the browser tokenises the card at the processor (hosted
fields) and Billing Center only verifies, charges and refunds tokens. Every charge and refund carries
an idempotency key, so a retry after a lost reply returns the charge that was already made.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Protocol

import httpx

from billing_center.domain.money import Money
from billing_center.settings import get_settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CardCheck:
    token: str
    brand: str
    last4: str
    exp_month: int
    exp_year: int


@dataclass(frozen=True)
class Charge:
    charge_id: str
    amount: Money
    brand: str
    last4: str
    exp_month: int = 0
    exp_year: int = 0
    refunded_minor: int = 0  # what was refunded of it already
    idempotency_key: str = ""
    status: str = "succeeded"
    created: datetime | None = None

    @property
    def refunded(self) -> bool:
        return self.refunded_minor > 0


@dataclass(frozen=True)
class Refund:
    refund_id: str
    charge_id: str
    amount: Money


class PaymentError(Exception):
    """A definite answer from the processor that the operation did not happen."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class CardDeclined(PaymentError):
    """The card was refused (decline, insufficient funds, expired, wrong security code, ...)."""


class IdempotencyMismatch(PaymentError):
    """The key was already used for another request."""


class ProcessorUnavailable(Exception):
    """No answer (timeout, connection refused or dropped): the outcome is unknown. Retry with the
    same idempotency key to learn it; never with a new key."""


class PaymentGateway(Protocol):
    def browser_url(self) -> str:
        """Where the browser reaches the processor (hosted card fields)."""

    def verify_card(self, *, token: str) -> CardCheck: ...

    def charge(self, *, token: str, amount: Money, idempotency_key: str, description: str = "") -> Charge: ...

    def refund(self, *, charge_id: str, amount: Money, idempotency_key: str) -> Refund: ...

    def find_charges(self, *, key_prefix: str, created_after: datetime) -> list[Charge]:
        """The charges made since ``created_after`` whose idempotency key starts with ``key_prefix``
        (what reconciliation compares with the payments recorded here)."""


class HttpGateway:
    """The processor over HTTP (the sandbox, or any processor speaking the same small API)."""

    def __init__(self, base_url: str, *, timeout: float = 10.0, retries: int = 1,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.retries = retries
        # One pooled client per gateway: connections are reused (httpx clients are thread-safe).
        self._client = httpx.Client(timeout=timeout, transport=transport)

    def browser_url(self) -> str:
        return self.base_url

    def _post(self, path: str, body: dict, *, idempotency_key: str | None = None) -> tuple[int, dict]:
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        # Only idempotent requests are retried after a lost reply: the key makes the retry safe.
        attempts = 1 + (self.retries if idempotency_key else 0)
        last: Exception | None = None
        for attempt in range(attempts):
            try:
                response = self._client.post(f"{self.base_url}{path}", json=body, headers=headers)
                data = response.json()
                return response.status_code, data if isinstance(data, dict) else {}
            except (httpx.TransportError, ValueError) as exc:  # timeout, refused, dropped, cut-off body
                last = exc
                log.warning("payment processor did not answer %s (attempt %d of %d): %s", path, attempt + 1,
                            attempts, type(exc).__name__)
        raise ProcessorUnavailable(str(last))

    @staticmethod
    def _raise_for(status: int, data: dict) -> None:
        if status < 400:
            return
        error = data.get("error") or {}
        code, message = str(error.get("code", "processor_error")), str(error.get("message", "Payment failed."))
        if status == 402:
            raise CardDeclined(code, message)
        if status == 409:
            raise IdempotencyMismatch(code, message)
        raise PaymentError(code, message)

    def verify_card(self, *, token: str) -> CardCheck:
        status, data = self._post(f"/v1/tokens/{token}/verify", {})
        self._raise_for(status, data)
        return CardCheck(token=data["token"], brand=data["brand"], last4=data["last4"],
                         exp_month=int(data["exp_month"]), exp_year=int(data["exp_year"]))

    def charge(self, *, token: str, amount: Money, idempotency_key: str, description: str = "") -> Charge:
        status, data = self._post(
            "/v1/charges",
            {"token": token, "amount": amount.amount_minor, "currency": amount.currency, "description": description},
            idempotency_key=idempotency_key,
        )
        self._raise_for(status, data)
        return _charge_of(data)

    def find_charges(self, *, key_prefix: str, created_after: datetime) -> list[Charge]:
        try:
            response = self._client.get(f"{self.base_url}/v1/charges", params={
                "idempotency_key_prefix": key_prefix, "created_after": created_after.isoformat()})
            data = response.json()
        except (httpx.TransportError, ValueError) as exc:
            raise ProcessorUnavailable(str(exc)) from None
        self._raise_for(response.status_code, data if isinstance(data, dict) else {})
        return [_charge_of(row) for row in data.get("charges", [])]

    def refund(self, *, charge_id: str, amount: Money, idempotency_key: str) -> Refund:
        status, data = self._post("/v1/refunds", {"charge": charge_id, "amount": amount.amount_minor},
                                  idempotency_key=idempotency_key)
        self._raise_for(status, data)
        return Refund(refund_id=data["id"], charge_id=data["charge"], amount=Money(int(data["amount"]),
                                                                                    data["currency"]))


def _charge_of(data: dict) -> Charge:
    return Charge(charge_id=data["id"], amount=Money(int(data["amount"]), data["currency"]),
                  brand=data.get("brand", ""), last4=data.get("last4", ""),
                  exp_month=int(data.get("exp_month") or 0), exp_year=int(data.get("exp_year") or 0),
                  refunded_minor=int(data.get("refunded_amount") or 0),
                  idempotency_key=str(data.get("idempotency_key") or ""), status=str(data.get("status") or ""),
                  created=datetime.fromisoformat(data["created"]) if data.get("created") else None)


_override: PaymentGateway | None = None


@lru_cache
def _configured(url: str, timeout: float) -> HttpGateway:
    return HttpGateway(url, timeout=timeout)


def get_gateway() -> PaymentGateway:
    """The configured processor (``PROCESSOR_URL``, ``PROCESSOR_TIMEOUT_SECONDS``); tests may install
    another with ``use_gateway``."""
    if _override is not None:
        return _override
    settings = get_settings()
    return _configured(settings.processor_url, settings.processor_timeout_seconds)


def use_gateway(gateway: PaymentGateway | None) -> None:
    global _override
    _override = gateway
