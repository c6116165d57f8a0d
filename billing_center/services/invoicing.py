"""Issuing invoices: lines are priced and taxed once per line, totals are sums of rounded lines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from billing_center.domain.enums import InvoiceStatus
from billing_center.domain.errors import ValidationFailed
from billing_center.domain.money import Money, line_amount, line_taxes
from billing_center.models import Invoice, InvoiceLine, Organisation
from billing_center.services.numbering import take_next


@dataclass(frozen=True)
class LineInput:
    product_name: str
    quantity: int
    unit_price: Money
    description: str = ""
    # A line priced elsewhere and already rounded once (a prorated licence change, issue 8); it may be negative.
    amount: Money | None = None


def tax_rate_for(org: Organisation, seller_country: str) -> tuple[int, bool]:
    """VAT in basis points and whether the reverse charge applies (EU B2B across borders)."""
    eu = {"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT",
          "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"}
    if org.country == seller_country:
        return {"NL": 2100, "BE": 2100, "FR": 2000, "DE": 1900}.get(seller_country, 2100), False
    if org.country in eu and org.vat_id:
        return 0, True
    if org.country in eu:
        return {"BE": 2100, "FR": 2000, "DE": 1900}.get(org.country, 2100), False
    return 0, False  # outside the EU: no EU VAT


def issue_invoice(
    *,
    session: Session,
    organisation: Organisation,
    lines: list[LineInput],
    currency: str,
    issue_date: date,
    due_date: date,
    seller_country: str,
    period_start: date | None = None,
    period_end: date | None = None,
    contract_id: int | None = None,
    order_id: int | None = None,
    subscription_id: int | None = None,
    billing_profile_id: int | None = None,
    payment_kind: str = "invoice",
    payment_method_id: int | None = None,
    payment_method_label: str = "",
    previous_balance: Money | None = None,
) -> Invoice:
    if not lines:
        raise ValidationFailed("lines", "An invoice needs at least one line.")
    if due_date < issue_date:
        raise ValidationFailed("due_date", "The due date cannot be before the invoice date.")
    rate, reverse_charge = tax_rate_for(organisation, seller_country)
    sequence, number = take_next(session=session, code="INV")
    invoice = Invoice(
        organisation_id=organisation.id,
        number=number,
        series="INV",
        sequence=sequence,
        contract_id=contract_id,
        order_id=order_id,
        subscription_id=subscription_id,
        billing_profile_id=billing_profile_id,
        status=InvoiceStatus.OPEN,
        issue_date=issue_date,
        due_date=due_date,
        period_start=period_start,
        period_end=period_end,
        currency=currency,
        previous_balance_minor=(previous_balance.amount_minor if previous_balance else 0),
        payment_kind=payment_kind,
        payment_method_id=payment_method_id,
        payment_method_label=payment_method_label,
        locale=organisation.locale,
        buyer_name=organisation.name,
        buyer_address=", ".join(
            p for p in (organisation.address_line, f"{organisation.postal_code} {organisation.city}".strip(),
                        organisation.country) if p
        ),
        buyer_vat_id=organisation.vat_id,
        reverse_charge=reverse_charge,
    )
    session.add(invoice)
    session.flush()
    for item in lines:
        if item.quantity <= 0:
            raise ValidationFailed("quantity", "A line needs a quantity of at least 1.")
        if item.unit_price.currency != currency:
            raise ValidationFailed("currency", "Every line must be in the invoice's currency.")
    nets = [item.amount if item.amount is not None else line_amount(item.unit_price, item.quantity) for item in lines]
    subtotal = tax = 0
    for position, (item, net, vat) in enumerate(zip(lines, nets, line_taxes(nets, rate), strict=True), start=1):
        session.add(
            InvoiceLine(
                invoice_id=invoice.id,
                position=position,
                product_name=item.product_name,
                description=item.description,
                quantity=item.quantity,
                unit_price_minor=item.unit_price.amount_minor,
                amount_minor=net.amount_minor,
                tax_rate_bp=rate,
                tax_minor=vat.amount_minor,
            )
        )
        subtotal += net.amount_minor
        tax += vat.amount_minor
    invoice.subtotal_minor = subtotal
    invoice.tax_minor = tax
    invoice.total_minor = subtotal + tax
    session.add(invoice)
    session.flush()
    return invoice
