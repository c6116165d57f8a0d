"""What a printed document says, already formatted in its locale. Renderers only draw this, so an
invoice reads the same whichever renderer draws it (the benchmark draws it with reportlab too)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DocLine:
    product: str
    description: str
    quantity: str
    unit_price: str
    vat_rate: str
    amount: str


@dataclass(frozen=True)
class TotalRow:
    label: str
    value: str
    strong: bool = False


@dataclass(frozen=True)
class Document:
    kind: str  # invoice, credit_note, order_form
    title: str
    number: str
    locale: str
    seller_heading: str
    seller_lines: list[str]
    buyer_heading: str
    buyer_lines: list[str]
    meta: list[tuple[str, str]]
    headers: tuple[str, str, str, str, str]  # product/description, qty, unit price, VAT, amount
    lines: list[DocLine]
    totals: list[TotalRow]
    notes: list[str] = field(default_factory=list)
    stamp: str = ""  # "Paid", "Void"... printed beside the title
    footer: str = ""
