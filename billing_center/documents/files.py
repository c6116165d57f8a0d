"""The files a user downloads: invoice, credit note and order form PDFs, a ZIP of invoices and the
CSV of a filtered transactions list. Every function takes the actor and finds what it prints through
the scoped services, so a number the actor may not see is NotFound here too."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlmodel import Session, select

from billing_center.documents import builders, pdf
from billing_center.domain.errors import ValidationFailed
from billing_center.models import Organisation, Product, Subscription
from billing_center.services import contracts as contract_service
from billing_center.services import credit_notes as credit_service
from billing_center.services import transactions as tx
from billing_center.services.actors import Actor

MAX_ZIP_INVOICES = 500
CSV_COLUMNS = ["Invoice number", "Status", "Issue date", "Due date", "Payment method", "Contract", "Total",
               "Currency", "Credit notes"]


@dataclass(frozen=True)
class File:
    filename: str
    content: bytes
    media_type: str


def invoice_pdf(*, session: Session, actor: Actor, number: str) -> File:
    detail = tx.get_invoice(session=session, actor=actor, number=number)
    content = pdf.render(builders.invoice_document(detail))
    return File(f"{detail.number}.pdf", content, "application/pdf")


def credit_note_pdf(*, session: Session, actor: Actor, number: str) -> File:
    note, invoice, lines = credit_service.find_credit_note(session=session, actor=actor, number=number)
    content = pdf.render(builders.credit_note_document(note, invoice, lines))
    return File(f"{note.number}.pdf", content, "application/pdf")


def order_form_pdf(*, session: Session, actor: Actor, number: str) -> File:
    order, contract = contract_service.find_order(session=session, actor=actor, number=number)
    organisation = session.get(Organisation, actor.organisation_id)
    product_name = ""
    if order.product_id:
        product = session.get(Product, order.product_id)
        product_name = product.name if product else ""
    if not product_name and order.contract_id:
        names = session.exec(
            select(Product.name).join(Subscription, Subscription.product_id == Product.id)
            .where(Subscription.organisation_id == actor.organisation_id,
                   Subscription.contract_id == order.contract_id).order_by(Product.name)
        ).all()
        product_name = ", ".join(dict.fromkeys(names))
    product_name = product_name or (f"Contract {contract.number}" if contract else order.number)
    methods = contract_service._methods(session, actor.organisation_id, {order.payment_method_id})
    label = contract_service.payment_method_label(order.payment_kind, methods.get(order.payment_method_id))
    content = pdf.render(builders.order_form_document(order, contract, organisation, product_name, label))
    return File(f"order-form-{order.order_form_number or order.number}.pdf", content, "application/pdf")


def csv_rows(rows: Iterable[tx.InvoiceRow]) -> Iterable[list[str]]:
    for row in rows:
        yield [row.number, row.status, row.issue_date.isoformat(), row.due_date.isoformat(), row.payment_method,
               row.contract, row.total.plain(), row.total.currency, " ".join(row.credit_notes)]


def transactions_csv(*, session: Session, actor: Actor, flt: tx.InvoiceFilter) -> File:
    """The filtered list, columns as on screen; amounts as plain decimals with their currency."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(csv_rows(tx.all_invoices(session=session, actor=actor, flt=flt)))
    return File("transactions.csv", buffer.getvalue().encode("utf-8-sig"), "text/csv; charset=utf-8")


def resolve_numbers(*, session: Session, actor: Actor, numbers: list[str] | None,
                    flt: tx.InvoiceFilter | None) -> list[str]:
    """The invoice numbers of a ZIP: the chosen ones, or every one of a filter."""
    if numbers:
        cleaned = list(dict.fromkeys(n.strip() for n in numbers if n and n.strip()))
    elif flt is not None:
        cleaned = []
        for row in tx.all_invoices(session=session, actor=actor, flt=flt):
            cleaned.append(row.number)
            if len(cleaned) > MAX_ZIP_INVOICES:
                break
    else:
        cleaned = []
    if not cleaned:
        raise ValidationFailed("invoices", "Select at least one invoice.")
    if len(cleaned) > MAX_ZIP_INVOICES:
        raise ValidationFailed("invoices", f"A ZIP holds at most {MAX_ZIP_INVOICES} invoices; narrow the filter.")
    for number in cleaned:  # every number must be visible before anything is rendered
        tx.find_invoice(session=session, actor=actor, number=number)
    return cleaned


def invoices_zip(*, session: Session, actor: Actor, numbers: list[str],
                 progress: Callable[[int, int], None] | None = None) -> File:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for done, number in enumerate(numbers, start=1):
            file = invoice_pdf(session=session, actor=actor, number=number)
            archive.writestr(file.filename, file.content)
            if progress:
                progress(done, len(numbers))
    return File("invoices.zip", buffer.getvalue(), "application/zip")
