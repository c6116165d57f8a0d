"""Money as integer minor units plus an ISO 4217 currency code. Never a float.

Rounding happens in exactly one place per invoice line (``line_amount`` / ``tax_on``): half-up
to the currency's minor unit, with the exponent taken from Babel's CLDR data (USD 2, JPY 0, KWD 3).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import get_currency_precision, list_currencies

from billing_center.domain.errors import ValidationFailed

_KNOWN = frozenset(list_currencies())


def exponent(currency: str) -> int:
    """Number of minor-unit digits of a currency (2 for EUR, 0 for JPY, 3 for KWD)."""
    return get_currency_precision(check_currency(currency))


def check_currency(currency: str) -> str:
    code = (currency or "").upper()
    if code not in _KNOWN:
        raise ValidationFailed("currency", "Unknown currency {currency}.", currency=repr(currency))
    return code


@dataclass(frozen=True, slots=True)
class Money:
    amount_minor: int
    currency: str

    def __post_init__(self) -> None:
        if isinstance(self.amount_minor, bool) or not isinstance(self.amount_minor, int):
            raise TypeError("Money needs an integer number of minor units")
        object.__setattr__(self, "currency", check_currency(self.currency))

    # construction -----------------------------------------------------------------
    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

    @classmethod
    def parse(cls, text: str, currency: str) -> Money:
        """Parse a plain decimal such as ``"12000.00"`` or ``"54"``; refuses more digits than the
        currency has and anything that is not a number."""
        cleaned = (text or "").strip().replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
        if "," in cleaned and "." not in cleaned:
            cleaned = cleaned.replace(",", ".")
        try:
            value = Decimal(cleaned)
        except InvalidOperation:
            raise ValidationFailed("amount", "Enter an amount such as 1200.00.") from None
        if not value.is_finite():
            raise ValidationFailed("amount", "Enter an amount such as 1200.00.")
        exp = exponent(currency)
        scaled = value.scaleb(exp)
        if scaled != scaled.to_integral_value():
            raise ValidationFailed("amount", "{currency} has {count} decimals at most.", currency=currency, count=exp)
        return cls(int(scaled), currency)

    # arithmetic -------------------------------------------------------------------
    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValueError(f"cannot combine {self.currency} and {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount_minor + other.amount_minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount_minor - other.amount_minor, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount_minor, self.currency)

    def times(self, quantity: int) -> Money:
        if isinstance(quantity, bool) or not isinstance(quantity, int):
            raise TypeError("quantity must be an integer")
        return Money(self.amount_minor * quantity, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount_minor < other.amount_minor

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount_minor <= other.amount_minor

    @property
    def is_zero(self) -> bool:
        return self.amount_minor == 0

    def to_decimal(self) -> Decimal:
        """Exact decimal value, for formatting and CSV only."""
        return Decimal(self.amount_minor).scaleb(-exponent(self.currency))

    def plain(self) -> str:
        """``12000.00``: a plain decimal with the currency's digits (CSV, API)."""
        exp = exponent(self.currency)
        return f"{self.to_decimal():.{exp}f}"


def total(amounts: list[Money] | tuple[Money, ...], currency: str) -> Money:
    result = Money.zero(currency)
    for amount in amounts:
        result = result + amount
    return result


def round_half_up(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_HALF_UP))


def line_amount(unit_price: Money, quantity: Decimal | int) -> Money:
    """Quantity x unit price, rounded once (half-up) to the minor unit."""
    return Money(round_half_up(Decimal(unit_price.amount_minor) * Decimal(quantity)), unit_price.currency)


def tax_on(net: Money, rate_basis_points: int) -> Money:
    """VAT on a net line amount; rate in basis points (21% = 2100). Rounded once, half-up."""
    if rate_basis_points < 0:
        raise ValidationFailed("tax_rate", "A tax rate cannot be negative.")
    return Money(round_half_up(Decimal(net.amount_minor) * rate_basis_points / Decimal(10000)), net.currency)


def line_taxes(nets: list[Money], rate_basis_points: int) -> list[Money]:
    """The VAT of an invoice's lines at one rate. The invoice's VAT is the VAT of its net total, rounded
    once (what EN 16931 checks: BR-CO-17); it is shared out over the lines by cumulative rounding, so each
    line's VAT is within one minor unit of its own exact VAT and the lines add up to the invoice's. One
    line: exactly :func:`tax_on`. (Rounding each line on its own drifts by up to half a unit a line: a
    JPY invoice of three small lines came out 2 yen above its category's VAT.)"""
    if rate_basis_points < 0:
        raise ValidationFailed("tax_rate", "A tax rate cannot be negative.")
    shares, running, before = [], Decimal(0), 0
    for net in nets:
        running += Decimal(net.amount_minor) * rate_basis_points / Decimal(10000)
        rounded = round_half_up(running)
        shares.append(Money(rounded - before, net.currency))
        before = rounded
    return shares


def annual_seat_price(unit_price_per_month: Money, seats: int) -> Money:
    """R-ORD-2: seats x unit price per month x 12 (4 x $4 x 12 = $192)."""
    return unit_price_per_month.times(seats).times(12)
