"""Amounts and dates as the customer's locale writes them."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from billing_center.domain.money import Money
from billing_center.formatting import format_day, format_money


def plain_spaces(text: str) -> str:
    return text.replace("\u202f", " ").replace("\u00a0", " ")


@pytest.mark.parametrize(
    ("money", "locale", "expected"),
    [
        (Money(1_200_000, "USD"), "nl", "USD 12.000,00"),
        (Money(360_000, "EUR"), "fr", "3 600 €"),
        (Money(1_200_000, "USD"), "en", "$12,000.00"),
        (Money(360_050, "EUR"), "fr", "3 600,50 €"),
        (Money(5400, "EUR"), "en", "€54.00"),
        (Money(-1_200_000, "USD"), "nl", "USD -12.000,00"),
        (Money(1200, "JPY"), "en", "¥1,200"),
        (Money(1_200_000, "USD"), "de", "$12,000.00"),  # unsupported locale falls back to en
    ],
)
def test_money_in_each_locale(money, locale, expected):
    assert plain_spaces(format_money(money, locale)) == expected


def test_dates_in_each_locale():
    day = date(2023, 4, 11)
    assert format_day(day, "nl") == "11 apr 2023"
    assert format_day(day, "fr") == "11 avr. 2023"
    assert format_day(day, "en") == "Apr 11, 2023"


@given(st.integers(min_value=0, max_value=10**11))
def test_nl_format_carries_every_minor_unit(minor):
    text = format_money(Money(minor, "EUR"), "nl")
    digits = "".join(ch for ch in text if ch.isdigit())
    assert int(digits) == minor
