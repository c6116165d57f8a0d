"""Proration of a licence change to the day, each line rounded once (billing_center/domain/proration.py)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from billing_center.domain.money import Money, exponent
from billing_center.domain.proration import Period, early_termination_fee, licence_change, round_fraction


def reference(unit_minor: int, quantity: int, days_left: int, days: int, factor: Decimal = Decimal(1)) -> int:
    """The same amount with Decimal at high precision, as a cross-check of the Fraction arithmetic."""
    from decimal import localcontext

    with localcontext() as ctx:
        ctx.prec = 80
        exact = Decimal(unit_minor) * quantity * days_left / days * factor
        return int(exact.to_integral_value(rounding=ROUND_HALF_UP))


@given(unit=st.integers(1, 10_000_000), old=st.integers(1, 3500), new=st.integers(1, 3500),
       currency=st.sampled_from(["EUR", "JPY", "KWD"]), start=st.dates(date(2020, 1, 1), date(2030, 1, 1)),
       length=st.integers(28, 366), used=st.integers(0, 366))
def test_credit_and_charge_add_up_to_the_net_and_each_is_rounded_once(unit, old, new, currency, start, length, used):
    end = start + timedelta(days=length)
    on = start + timedelta(days=min(used, length))
    period = Period(start=start, end=end, on=on)
    change = licence_change(Money(unit, currency), old, new, period)
    assert change.credit.amount_minor == -reference(unit, old, period.days_left, length)
    assert change.charge.amount_minor == reference(unit, new, period.days_left, length)
    assert change.net.amount_minor == change.credit.amount_minor + change.charge.amount_minor
    assert change.net.currency == currency and exponent(currency) in (0, 2, 3)
    fee = early_termination_fee(Money(unit, currency), old, period)
    assert fee.amount_minor == reference(unit, old, period.days_left, length, Decimal("0.5"))


def test_exchange_online_from_5_to_7_with_200_of_365_days_left():
    start = date(2026, 1, 1)
    period = Period(start=start, end=date(2027, 1, 1), on=start + timedelta(days=165))
    change = licence_change(Money(5400, "EUR"), 5, 7, period)
    # 5 x 54.00 x 200/365 = 147.945... -> 147.95; 7 x 54.00 x 200/365 = 207.123... -> 207.12
    assert (change.credit, change.charge, change.net) == (Money(-14795, "EUR"), Money(20712, "EUR"),
                                                          Money(5917, "EUR"))


@pytest.mark.parametrize(("value", "rounded"), [("5/2", 3), ("-5/2", -3), ("7/3", 2), ("-7/3", -2), ("0", 0)])
def test_half_up_away_from_zero(value, rounded):
    from fractions import Fraction

    assert round_fraction(Fraction(value)) == rounded


def test_a_proration_date_outside_the_term_is_refused():
    with pytest.raises(ValueError):
        Period(start=date(2026, 1, 1), end=date(2027, 1, 1), on=date(2027, 1, 2))
