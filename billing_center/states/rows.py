"""View rows more than one section shows (the choices of a select), and the empty view row a state holds
before its page's load fills it."""

from __future__ import annotations

import dataclasses
import typing
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


Row = typing.TypeVar("Row")


def blank(row_type: type[Row], **values: typing.Any) -> Row:
    """A view row with every field empty ("", 0, False, [], a blank nested row) but ``values``: the value of a
    state's ``detail: InvoiceDetail = blank(InvoiceDetail)`` until its page's load fills it. The row types
    themselves have no defaults, so the function filling one from a service result forgets no field."""
    hints = typing.get_type_hints(row_type)

    def empty(kind: typing.Any) -> typing.Any:
        origin = typing.get_origin(kind) or kind
        return blank(origin) if dataclasses.is_dataclass(origin) else origin()

    return row_type(**{f.name: values[f.name] if f.name in values else empty(hints[f.name])
                       for f in dataclasses.fields(row_type)})
