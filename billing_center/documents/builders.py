"""From the domain to a printable Document, in the document's locale (Babel).

An invoice carries what EU VAT Directive art. 226 asks for: the seller's and the buyer's names,
addresses and VAT numbers, a sequential number, the issue date and the date (period) of supply,
quantity and unit price per line, the taxable amount per VAT rate with the rate and the VAT, the
total, and, where the reverse charge applies, the statement that the recipient accounts for VAT.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from babel.numbers import format_decimal, format_percent

from billing_center.documents.labels import order_form_note, order_type_text, pt, reverse_charge_text, status_stamp, t
from billing_center.documents.model import DocLine, Document, TotalRow
from billing_center.domain.money import Money
from billing_center.formatting import format_day, format_money, norm_locale
from billing_center.settings import Settings, get_settings


def rate_text(basis_points: int, locale: str) -> str:
    return format_percent(Decimal(basis_points) / Decimal(10000), locale=norm_locale(locale),
                          format="#,##0.##%" if norm_locale(locale) == "en" else None)


def _seller(settings: Settings, locale: str) -> list[str]:
    return [settings.seller_name, *[p.strip() for p in settings.seller_address.split(",", 1)],
            "{}: {}".format(t("VAT number", locale), settings.seller_vat_id)]


def _buyer(name: str, address: str, vat_id: str | None, locale: str) -> list[str]:
    lines = [name, *[p.strip() for p in address.split(",") if p.strip()]]
    if vat_id:
        lines.append("{}: {}".format(t("VAT number", locale), vat_id))
    return lines


def _period(start, end, locale: str) -> str:
    if start and end:
        return f"{format_day(start, locale)} – {format_day(end, locale)}"
    return format_day(start or end, locale)


def _headers(locale: str) -> tuple[str, str, str, str, str]:
    return (" / ".join((t("Product", locale), t("Description", locale))), t("Qty", locale),
            t("Unit price", locale), t("VAT", locale), t("Amount", locale))


def _vat_breakdown(rows, currency: str, locale: str) -> list[TotalRow]:
    """Taxable amount and VAT per rate (art. 226 (8) and (10))."""
    per_rate: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for rate, net, vat in rows:
        per_rate[rate][0] += net
        per_rate[rate][1] += vat
    result = []
    for rate in sorted(per_rate):
        net, vat = per_rate[rate]
        pct = rate_text(rate, locale)
        taxable, vat_at = t("Taxable amount at", locale), t("VAT at", locale)
        result.append(TotalRow(f"{taxable} {pct}", format_money(Money(net, currency), locale)))
        result.append(TotalRow(f"{vat_at} {pct}", format_money(Money(vat, currency), locale)))
    return result


def invoice_document(detail, settings: Settings | None = None) -> Document:
    """``detail`` is a services.transactions.InvoiceDetail."""
    settings = settings or get_settings()
    loc = norm_locale(detail.locale)
    cur = detail.total.currency
    meta = [
        (t("Invoice number", loc), detail.number),
        (t("Invoice date", loc), format_day(detail.issue_date, loc)),
        (t("Billing period", loc) if detail.period_start else t("Date of supply", loc),
         _period(detail.period_start, detail.period_end, loc) if detail.period_start
         else format_day(detail.issue_date, loc)),
        (pt("document", "Due date", loc), format_day(detail.due_date, loc)),
    ]
    if detail.contract_number:
        meta.append((t("Contract", loc), detail.contract_number))
    if detail.order_number:
        meta.append((pt("document", "Order number", loc), detail.order_number))
    meta.append((t("Payment method", loc), _payment(detail.payment_method, loc)))
    if detail.previous_balance.amount_minor:
        meta.append((t("Previous balance", loc), format_money(detail.previous_balance, loc)))
    lines = _priced_lines(detail.lines, loc)
    totals = [TotalRow(t("Subtotal", loc), format_money(detail.subtotal, loc))]
    totals += _vat_breakdown([(ln.tax_rate_bp, ln.amount.amount_minor, ln.tax.amount_minor) for ln in detail.lines],
                             cur, loc)
    totals.append(TotalRow(t("Total", loc), format_money(detail.total, loc), strong=True))
    notes = [reverse_charge_text(loc)] if detail.reverse_charge else []
    return _document("invoice", t("Invoice", loc), detail.number, loc, settings,
                     _buyer(detail.buyer_name, detail.buyer_address, detail.buyer_vat_id, loc),
                     meta=meta, lines=lines, totals=totals, notes=notes, stamp=status_stamp(detail.status, loc))


def _document(kind: str, title: str, number: str, loc: str, settings: Settings, buyer_lines: list[str],
              **parts) -> Document:
    """A document from the seller to the buyer (``buyer_lines``) in the language of ``loc``: what every
    document prints alike (the parties' headings, the seller, the lines' headers, the footer) and ``parts``."""
    return Document(kind=kind, title=title, number=number, locale=loc,
                    seller_heading=t("Seller", loc), seller_lines=_seller(settings, loc),
                    buyer_heading=t("Customer", loc), buyer_lines=buyer_lines,
                    headers=_headers(loc), footer=_footer(settings, loc), **parts)


def _priced_lines(lines, loc: str, *, credited: bool = False) -> list[DocLine]:
    """An invoice's or a credit note's lines as printed (``credited``: the amounts negative)."""
    return [DocLine(product=ln.product, description=ln.description, quantity=format_decimal(ln.quantity, locale=loc),
                    unit_price=format_money(ln.unit_price, loc), vat_rate=rate_text(ln.tax_rate_bp, loc),
                    amount=format_money(-ln.amount if credited else ln.amount, loc))
            for ln in lines]


def _footer(settings: Settings, locale: str) -> str:
    return "{} · {} {}".format(settings.seller_name, t("VAT number", locale), settings.seller_vat_id)


def _payment(label: str, loc: str) -> str:
    return t("Invoice", loc) if label in ("", "Invoice") else label


def credit_note_document(note, invoice, lines, settings: Settings | None = None) -> Document:
    """``note`` a CreditNote, ``invoice`` its Invoice, ``lines`` PricedLine rows. Amounts are
    printed negative: a credit note reduces what the customer owes."""
    settings = settings or get_settings()
    loc = norm_locale(invoice.locale)
    cur = note.currency
    meta = [
        (t("Credit note number", loc), note.number),
        (t("Credit note date", loc), format_day(note.issue_date, loc)),
        (t("Corrects invoice", loc), f"{invoice.number} ({format_day(invoice.issue_date, loc)})"),
        (t("Date of supply", loc), _period(invoice.period_start, invoice.period_end, loc) if invoice.period_start
         else format_day(invoice.issue_date, loc)),
    ]
    totals = [TotalRow(t("Subtotal", loc), format_money(Money(-int(note.subtotal_minor), cur), loc))]
    totals += _vat_breakdown([(ln.tax_rate_bp, -ln.amount.amount_minor, -ln.tax.amount_minor) for ln in lines],
                             cur, loc)
    totals.append(TotalRow(t("Total credited", loc), format_money(Money(-int(note.total_minor), cur), loc),
                           strong=True))
    notes = ["{}: {}".format(t("Reason", loc), note.reason)]
    if invoice.reverse_charge:
        notes.append(reverse_charge_text(loc))
    return _document("credit_note", t("Credit note", loc), note.number, loc, settings,
                     _buyer(invoice.buyer_name, invoice.buyer_address, invoice.buyer_vat_id, loc),
                     meta=meta, lines=_priced_lines(lines, loc, credited=True), totals=totals, notes=notes)


def order_form_document(order, contract, organisation, product_name: str, payment_label: str,
                        settings: Settings | None = None) -> Document:
    """The order form of an order (R-CON-2): what was bought, for which term, at which price."""
    settings = settings or get_settings()
    loc = norm_locale(organisation.locale)
    cur = order.currency
    number = order.order_form_number or order.number
    meta = [
        (t("Order form number", loc), number),
        (pt("document", "Order number", loc), order.number),
        (t("Order date", loc), format_day(order.created_at.date() if order.created_at else order.start_date, loc)),
        (t("Order type", loc), order_type_text(order.type, loc)),
        (t("Term", loc), _period(order.start_date, order.end_date, loc)),
        (t("Payment method", loc), _payment(payment_label, loc)),
    ]
    if contract is not None:
        meta.append((t("Contract", loc), contract.number))
        if contract.po_number:
            meta.append((pt("document", "PO number", loc), contract.po_number))
    quantity = order.seats or 1
    unit = Money(int(order.unit_price_minor), cur) if order.seats else Money(int(order.total_minor), cur)
    description = f"{format_day(order.start_date, loc)} – {format_day(order.end_date, loc)}"
    if order.seats and order.unit_price_minor and order.total_minor != order.seats * order.unit_price_minor:
        months = round(order.total_minor / (order.seats * order.unit_price_minor))
        description += " · {} {}".format(months, t("months", loc))
        unit = Money(int(order.total_minor) // order.seats, cur) if order.total_minor % order.seats == 0 else unit
    lines = [DocLine(product=product_name, description=description, quantity=format_decimal(quantity, locale=loc),
                     unit_price=format_money(unit, loc), vat_rate="", amount=format_money(Money(int(order.total_minor),
                                                                                                 cur), loc))]
    address = (contract.billing_address if contract else "") or ", ".join(
        p for p in (organisation.address_line, f"{organisation.postal_code} {organisation.city}".strip(),
                    organisation.country) if p)
    return _document(
        "order_form", t("Order form", loc), number, loc, settings,
        _buyer(organisation.name, address, organisation.vat_id, loc), meta=meta, lines=lines,
        totals=[TotalRow(t("Subtotal", loc), format_money(Money(int(order.total_minor), cur), loc), strong=True)],
        notes=[order_form_note(loc)] + ([contract.subscription_terms] if contract and
                                            contract.subscription_terms else []),
    )
