"""One e-invoice (EN 16931 semantic model) built from an invoice or a credit note, for the writers
of ``cii.py`` (Factur-X) and ``ubl.py`` (Peppol BIS Billing 3.0).

The amounts are the ones the PDF and the invoice page show, in integer minor units: the lines as
stored (rounded once each), the VAT per category and rate as the sum of its lines' VAT, the totals
as stored on the invoice (or credit note). Business-term ids (BT-n) are EN 16931's.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from billing_center.documents.labels import reverse_charge_text
from billing_center.domain import tax_ids
from billing_center.domain.money import Money
from billing_center.settings import Settings, get_settings

INVOICE, CREDIT_NOTE = "380", "381"
UNIT = "C62"  # UN/ECE rec. 20 "one": a licence, a seat
# UNTDID 4461 payment means: credit transfer, SEPA credit transfer, bank card.
CREDIT_TRANSFER, SEPA_TRANSFER, BANK_CARD = "30", "58", "48"
# VAT exemption reason code (BT-121) and text (BT-120). The text stays English on purpose: a receiving
# system reads the code; the reader's statement is the note (BT-22), in the customer's language
# (documents/labels.reverse_charge_text).
EXEMPTIONS = {
    "AE": ("VATEX-EU-AE", "Reverse charge"),
    "O": ("VATEX-EU-O", "Not subject to VAT"),
}
CARD_NETWORKS = {"visa": "VISA", "mastercard": "MASTERCARD", "amex": "AMEX", "american express": "AMEX"}


@dataclass(frozen=True)
class Party:
    name: str
    street: str
    postcode: str
    city: str
    country: str
    vat_id: str | None
    endpoint: tax_ids.Endpoint | None
    legal_id: tuple[str, str] | None = None  # (scheme, id), BT-30 / BT-47


@dataclass(frozen=True)
class Line:
    number: int
    name: str
    description: str
    quantity: int
    unit_price: Money
    net: Money
    category: str
    rate_bp: int
    base_quantity: int = 1  # the quantity unit_price is for (BT-149): quantity x unit_price / base = net


@dataclass(frozen=True)
class VatGroup:
    category: str
    rate_bp: int
    taxable: Money
    tax: Money

    @property
    def exemption(self) -> tuple[str, str] | None:
        return EXEMPTIONS.get(self.category)


@dataclass(frozen=True)
class Payment:
    code: str
    reference: str
    iban: str | None = None
    card_last4: str | None = None
    card_network: str | None = None


@dataclass(frozen=True)
class EInvoice:
    type_code: str
    number: str
    issue_date: date
    due_date: date | None
    currency: str
    seller: Party
    buyer: Party
    buyer_reference: str
    lines: list[Line]
    vat: list[VatGroup]
    line_total: Money
    tax_total: Money
    grand_total: Money
    prepaid: Money
    payment: Payment
    note: str = ""
    payment_terms: str = ""
    period: tuple[date, date] | None = None
    order_reference: str = ""
    contract_reference: str = ""
    preceding: tuple[str, date] | None = None
    language: str = "en"
    extra: dict = field(default_factory=dict)

    @property
    def is_credit_note(self) -> bool:
        return self.type_code == CREDIT_NOTE

    @property
    def outside_scope(self) -> bool:
        """Category O: no VAT id of either party may be named (BR-O-02..04)."""
        return any(group.category == "O" for group in self.vat)

    @property
    def payable(self) -> Money:
        return self.grand_total - self.prepaid


def amount(value: Money) -> str:
    """A plain decimal with the currency's digits (``1200.00``, JPY ``1200``)."""
    return value.plain()


def percent(rate_bp: int) -> str:
    return f"{Decimal(rate_bp) / 100:.2f}"


_POSTCODE_CITY = re.compile(r"^(?P<postcode>\d[\dA-Z -]*?\d(?: ?[A-Z]{2})?|[A-Z]{1,2}\d[\dA-Z ]*?)\s+(?P<city>\D.*)$")


def split_address(text: str, default_country: str) -> tuple[str, str, str, str]:
    """``"Herengracht 100, 1015 BS Amsterdam, Netherlands"`` -> street, postcode, city, country code."""
    parts = [p.strip() for p in (text or "").split(",") if p.strip()]
    street = parts[0] if parts else ""
    postcode = city = ""
    if len(parts) > 1:
        match = _POSTCODE_CITY.match(parts[1])
        postcode, city = (match["postcode"], match["city"]) if match else ("", parts[1])
    country = parts[-1] if len(parts) > 2 and re.fullmatch(r"[A-Z]{2}", parts[-1]) else default_country
    return street, postcode, city, country


def seller_party(settings: Settings) -> Party:
    street, postcode, city, country = split_address(settings.seller_address, settings.seller_country)
    vat_id = tax_ids.normalise_vat_id(settings.seller_vat_id, field="seller_vat_id")
    return Party(name=settings.seller_name, street=street, postcode=postcode, city=city, country=country,
                 vat_id=vat_id, endpoint=tax_ids.default_endpoint(country, vat_id),
                 legal_id=("0106", settings.seller_kvk) if settings.seller_kvk else None)


def buyer_party(invoice, organisation, email: str = "") -> Party:
    """The buyer as the invoice names them (name, address and VAT id are copied onto the invoice when
    it is issued); the Peppol endpoint is the organisation's, or follows from its VAT id, or else is
    the billing e-mail ``email`` (scheme EM)."""
    street, postcode, city, country = split_address(invoice.buyer_address, organisation.country)
    endpoint = None
    if organisation.peppol_scheme and organisation.peppol_id:
        endpoint = tax_ids.Endpoint(organisation.peppol_scheme, organisation.peppol_id)
    endpoint = endpoint or tax_ids.default_endpoint(country, invoice.buyer_vat_id)
    if endpoint is None and email:
        endpoint = tax_ids.Endpoint("EM", email)
    return Party(name=invoice.buyer_name or organisation.name, street=street, postcode=postcode, city=city,
                 country=country, vat_id=invoice.buyer_vat_id or None, endpoint=endpoint)


def category(rate_bp: int, reverse_charge: bool) -> str:
    """S (standard rate), AE (reverse charge) or O (outside the scope of EU VAT: a buyer outside the EU)."""
    if rate_bp > 0:
        return "S"
    return "AE" if reverse_charge else "O"


def vat_groups(lines: list[Line], taxes: list[Money], currency: str) -> list[VatGroup]:
    per: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0])
    for line, tax in zip(lines, taxes, strict=True):
        per[(line.category, line.rate_bp)][0] += line.net.amount_minor
        per[(line.category, line.rate_bp)][1] += tax.amount_minor
    return [VatGroup(cat, rate, Money(net, currency), Money(tax, currency))
            for (cat, rate), (net, tax) in sorted(per.items())]


def payment(invoice, settings: Settings, reference: str) -> Payment:
    if invoice.payment_kind == "card":
        label = (invoice.payment_method_label or "").lower()
        brand = label.split(" - ")[0].strip()
        digits = re.findall(r"\d{4}$", label)
        return Payment(BANK_CARD, reference, card_last4=digits[0] if digits else None,
                       card_network=CARD_NETWORKS.get(brand, brand.upper() or None))
    code = SEPA_TRANSFER if invoice.currency == "EUR" else CREDIT_TRANSFER
    return Payment(code, reference, iban=settings.seller_iban)


def _priced(quantity: int, unit_price: Money, net: Money) -> tuple[int, Money, int]:
    """(quantity, price, base quantity) of a line as the e-invoice states it, so that quantity x price /
    base quantity is the line's amount (PEPPOL-EN16931-R120) and the price is never negative (BR-27).
    A line priced as quantity x unit price stays so; a prorated one (a licence change: the unused days of
    the old total as a credit, the remaining days of the new one, each rounded once) is its quantity
    at the line's own amount for that quantity, negative for a credit."""
    if quantity > 0 and unit_price.amount_minor >= 0 and unit_price.amount_minor * quantity == net.amount_minor:
        return quantity, unit_price, 1
    count = max(abs(quantity), 1)
    return (count if net.amount_minor >= 0 else -count), Money(abs(net.amount_minor), net.currency), count


def _lines(rows, reverse_charge: bool) -> tuple[list[Line], list[Money]]:
    lines = []
    for n, r in enumerate(rows, start=1):
        quantity, price, base = _priced(r.quantity, r.unit_price, r.amount)
        lines.append(Line(number=n, name=r.product, description=r.description, quantity=quantity,
                          unit_price=price, net=r.amount, category=category(r.tax_rate_bp, reverse_charge),
                          rate_bp=r.tax_rate_bp, base_quantity=base))
    return lines, [r.tax for r in rows]


def _period(start: date | None, end: date | None) -> tuple[date, date] | None:
    return (start, end) if start and end else None


def _note(reverse_charge: bool, locale: str, extra: str = "") -> str:
    parts = [extra] if extra else []
    if reverse_charge:
        parts.append(reverse_charge_text(locale))
    return " — ".join(parts)


def from_invoice(invoice, detail, organisation, settings: Settings | None = None, email: str = "") -> EInvoice:
    """``invoice`` the Invoice row, ``detail`` its services.invoices.InvoiceDetail (what the PDF prints),
    ``email`` where the buyer gets invoices when it has no Peppol id."""
    settings = settings or get_settings()
    cur = detail.total.currency
    period = _period(detail.period_start, detail.period_end)
    lines, taxes = _lines(detail.lines, detail.reverse_charge)
    paid = detail.status == "paid"
    return EInvoice(
        type_code=INVOICE, number=detail.number, issue_date=detail.issue_date, due_date=detail.due_date,
        currency=cur, seller=seller_party(settings), buyer=buyer_party(invoice, organisation, email),
        buyer_reference=detail.contract_number or detail.number, lines=lines,
        vat=vat_groups(lines, taxes, cur), line_total=detail.subtotal, tax_total=detail.tax,
        grand_total=detail.total, prepaid=detail.total if paid else Money(0, cur),
        payment=payment(invoice, settings, detail.number), note=_note(detail.reverse_charge, detail.locale),
        period=period, order_reference=detail.order_number, contract_reference=detail.contract_number,
        language=detail.locale,
    )


def from_credit_note(note, invoice, rows, organisation, settings: Settings | None = None,
                     email: str = "") -> EInvoice:
    """``note`` a CreditNote, ``invoice`` the Invoice it corrects, ``rows`` its PricedLine rows. Amounts
    are positive: the type code (381) says they are credited."""
    settings = settings or get_settings()
    cur = note.currency
    lines, taxes = _lines(rows, invoice.reverse_charge)
    return EInvoice(
        type_code=CREDIT_NOTE, number=note.number, issue_date=note.issue_date, due_date=None, currency=cur,
        seller=seller_party(settings), buyer=buyer_party(invoice, organisation, email),
        buyer_reference=invoice.number,
        lines=lines, vat=vat_groups(lines, taxes, cur), line_total=Money(int(note.subtotal_minor), cur),
        tax_total=Money(int(note.tax_minor), cur), grand_total=Money(int(note.total_minor), cur),
        prepaid=Money(0, cur), payment=payment(invoice, settings, note.number),
        note=_note(invoice.reverse_charge, invoice.locale, note.reason),
        payment_terms=f"Credited against invoice {invoice.number}.",
        period=_period(invoice.period_start, invoice.period_end),
        preceding=(invoice.number, invoice.issue_date), language=invoice.locale,
    )
