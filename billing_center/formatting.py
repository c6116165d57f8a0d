"""Money and dates as the customer's locale writes them (Babel). Display only: never parse these.

nl: ``USD 12.000,00`` (ISO code, the ``¤¤`` pattern), fr: ``3 600 €`` (whole amounts without
decimals, as French invoices and the vendor's pages write them) or ``3 600,50 €``, en: ``$12,000.00``.
"""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.numbers import format_currency, format_decimal

from billing_center.domain.money import Money

SUPPORTED_LOCALES = ("nl", "fr", "en")


def norm_locale(locale: str | None) -> str:
    code = (locale or "en").split("_")[0].split("-")[0].lower()
    return code if code in SUPPORTED_LOCALES else "en"


def format_money(money: Money, locale: str | None = "en") -> str:
    loc = norm_locale(locale)
    value = money.to_decimal()
    if loc == "nl":
        return format_currency(value, money.currency, locale="nl", format="¤¤ #,##0.00;¤¤ -#,##0.00")
    if loc == "fr" and money.amount_minor % (10 ** _digits(money)) == 0:
        return format_currency(value, money.currency, locale="fr", format="#,##0 ¤", currency_digits=False)
    return format_currency(value, money.currency, locale=loc)


def money(amount_minor: int, currency: str, locale: str | None = "en") -> str:
    return format_money(Money(int(amount_minor), currency), locale)


def _digits(m: Money) -> int:
    from billing_center.domain.money import exponent

    return exponent(m.currency)


def format_day(day: date | None, locale: str | None = "en", fmt: str = "medium") -> str:
    if day is None:
        return "—"
    return _babel_date(day, format=fmt, locale=norm_locale(locale))


def format_period(start: date | None, end: date | None, locale: str | None = "en") -> str:
    """``1 Jan 2026 – 31 Dec 2026``; ``—`` when either end is unknown."""
    if start is None or end is None:
        return "—"
    return f"{format_day(start, locale)} – {format_day(end, locale)}"


def format_moment(moment: datetime | None, locale: str | None = "en") -> str:
    if moment is None:
        return "—"
    return _babel_datetime(moment, format="medium", locale=norm_locale(locale), tzinfo=None)


def format_count(value: int, locale: str | None = "en") -> str:
    return format_decimal(value, locale=norm_locale(locale))
