"""Proration of a licence change, to the day (R-LIC-1, issue 8). Pure: no database, no clock.

A change of the licence total on ``proration_date`` inside the term ``[term_start, term_end)`` gives two
lines: a credit for the unused days of the old quantity and a charge for the same days of the new one.
Each line is rounded once, half-up (away from zero), from the exact fraction
``unit price x quantity x days left / days in the term``; the net is the sum of the two rounded lines.
The early termination fee (R-ACC-3) is half the price of the days left, rounded once the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from billing_center.domain.money import Money


def round_fraction(value: Fraction) -> int:
    """Half-up to the nearest integer, symmetric around zero (-2.5 -> -3), exactly."""
    sign = -1 if value < 0 else 1
    magnitude = abs(value)
    whole, rest = divmod(magnitude.numerator, magnitude.denominator)
    if 2 * rest >= magnitude.denominator:
        whole += 1
    return sign * whole


@dataclass(frozen=True, slots=True)
class Period:
    """The days of a term still to run from ``on``: ``days_left`` of ``days_in_term``."""

    start: date
    end: date  # exclusive: the renewal date
    on: date

    def __post_init__(self) -> None:
        if not self.start < self.end:
            raise ValueError("a term ends after it starts")
        if not self.start <= self.on <= self.end:
            raise ValueError("the proration date lies inside the term")

    @property
    def days_in_term(self) -> int:
        return (self.end - self.start).days

    @property
    def days_left(self) -> int:
        return (self.end - self.on).days

    @property
    def days_used(self) -> int:
        return (self.on - self.start).days

    def share(self) -> Fraction:
        return Fraction(self.days_left, self.days_in_term)


def prorated(unit_price: Money, quantity: int, period: Period, *, factor: Fraction = Fraction(1)) -> Money:
    """``unit_price x quantity x days left / days in term x factor``, rounded once to the minor unit."""
    exact = Fraction(unit_price.amount_minor) * quantity * period.share() * factor
    return Money(round_fraction(exact), unit_price.currency)


@dataclass(frozen=True, slots=True)
class LicenceChange:
    credit: Money  # negative: the unused time of the old quantity
    charge: Money  # positive: the same time for the new quantity

    @property
    def net(self) -> Money:
        return self.credit + self.charge


def licence_change(unit_price: Money, old_quantity: int, new_quantity: int, period: Period) -> LicenceChange:
    return LicenceChange(credit=-prorated(unit_price, old_quantity, period),
                         charge=prorated(unit_price, new_quantity, period))


def early_termination_fee(unit_price: Money, quantity: int, period: Period) -> Money:
    """R-ACC-3: 50 % of the price of the remaining committed period."""
    return prorated(unit_price, quantity, period, factor=Fraction(1, 2))
