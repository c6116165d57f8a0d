"""View rows more than one section shows: the choices of a select."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping

from billing_center.labels import card_label
from billing_center.services.wallet import CardView


@dataclasses.dataclass
class Option:
    """One choice of a select: the value sent back and the words shown."""

    value: str
    label: str


def options(labels: Mapping[str, str]) -> list[Option]:
    return [Option(str(value), label) for value, label in labels.items()]


def card_options(cards: Iterable[CardView], *, with_expiry: bool = True, leave_out: int | None = None) -> list[Option]:
    """The wallet's usable cards (not expired, not ``leave_out``) as choices: ``Visa •••• 4242 (expires 04/29)``."""
    return [Option(str(c.id), card_label(c.brand, c.last4, expiry=c.expiry if with_expiry else ""))
            for c in cards if not c.expired and c.id != leave_out]
