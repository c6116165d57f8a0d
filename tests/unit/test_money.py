"""Money: integer minor units, Babel exponents, one rounding per line, no float anywhere."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from billing_center.domain.errors import ValidationFailed
from billing_center.domain.money import Money, annual_seat_price, exponent, line_amount, tax_on, total

amounts = st.integers(min_value=-10**12, max_value=10**12)
currencies = st.sampled_from(["EUR", "USD", "JPY", "KWD", "GBP"])


def test_exponents_come_from_cldr():
    assert (exponent("EUR"), exponent("JPY"), exponent("KWD")) == (2, 0, 3)


def test_annual_price_of_seats_follows_r_ord_2():
    # 4 users x $4 x 12 = $192
    assert annual_seat_price(Money(400, "USD"), 4) == Money(19200, "USD")


def test_money_refuses_floats_and_unknown_currencies():
    with pytest.raises(TypeError):
        Money(1.5, "EUR")  # type: ignore[arg-type]
    with pytest.raises(ValidationFailed):
        Money(1, "XYZ")


def test_cannot_mix_currencies():
    with pytest.raises(ValueError):
        Money(1, "EUR") + Money(1, "USD")


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [("12000.00", "USD", 1_200_000), ("54", "EUR", 5400), ("3600,5", "EUR", 360_050), ("1200", "JPY", 1200),
     ("1.234", "KWD", 1234)],
)
def test_parse_plain_decimals(text, currency, minor):
    assert Money.parse(text, currency) == Money(minor, currency)


@pytest.mark.parametrize(("text", "currency"), [("abc", "EUR"), ("1.234", "EUR"), ("1.5", "JPY"), ("NaN", "EUR"),
                                                ("", "EUR")])
def test_parse_refuses_what_is_not_an_amount(text, currency):
    with pytest.raises(ValidationFailed):
        Money.parse(text, currency)


def test_tax_rounds_half_up_once_per_line():
    assert tax_on(Money(250, "EUR"), 2100) == Money(53, "EUR")  # 52.5 -> 53
    assert tax_on(Money(249, "EUR"), 2100) == Money(52, "EUR")  # 52.29 -> 52
    assert line_amount(Money(333, "EUR"), Decimal("1.5")) == Money(500, "EUR")  # 499.5 -> 500


@given(amounts, amounts, currencies)
def test_addition_is_exact_and_commutative(a, b, currency):
    assert Money(a, currency) + Money(b, currency) == Money(b, currency) + Money(a, currency)
    assert (Money(a, currency) + Money(b, currency)).amount_minor == a + b


@given(st.lists(st.integers(min_value=0, max_value=10**9), max_size=30), currencies)
def test_total_equals_integer_sum(values, currency):
    assert total([Money(v, currency) for v in values], currency).amount_minor == sum(values)


@given(st.integers(min_value=0, max_value=10**10), st.integers(min_value=0, max_value=10000))
def test_tax_is_never_off_by_more_than_half_a_minor_unit(net, rate):
    exact = Decimal(net) * rate / 10000
    assert abs(Decimal(tax_on(Money(net, "EUR"), rate).amount_minor) - exact) <= Decimal("0.5")


@given(st.integers(min_value=-10**12, max_value=10**12), currencies)
def test_plain_round_trips_through_parse(minor, currency):
    money = Money(minor, currency)
    assert Money.parse(money.plain(), currency) == money


def test_line_taxes_add_up_to_the_vat_of_the_net_total_and_stay_within_a_unit_of_each_line():
    from billing_center.domain.money import line_taxes

    nets = [Money(3, "JPY"), Money(3, "JPY"), Money(170, "JPY")]  # each rounded alone: 1 + 1 + 36 = 38
    shares = line_taxes(nets, 2100)
    assert sum(s.amount_minor for s in shares) == tax_on(Money(176, "JPY"), 2100).amount_minor == 37
    assert line_taxes([Money(250, "EUR")], 2100) == [tax_on(Money(250, "EUR"), 2100)]
    assert line_taxes([Money(-9099, "EUR"), Money(12739, "EUR")], 2100)[0].amount_minor in (-1911, -1910)
    with pytest.raises(ValidationFailed):
        line_taxes(nets, -1)


@given(st.lists(st.integers(-2_000_000, 2_000_000), min_size=1, max_size=30), st.sampled_from([0, 600, 2000, 2100]))
def test_line_taxes_never_drift(amounts, rate):
    from billing_center.domain.money import line_taxes

    shares = line_taxes([Money(a, "EUR") for a in amounts], rate)
    assert sum(s.amount_minor for s in shares) == tax_on(Money(sum(amounts), "EUR"), rate).amount_minor
    for amount, share in zip(amounts, shares, strict=True):
        assert abs(Decimal(share.amount_minor) - Decimal(amount) * rate / 10000) < 1
