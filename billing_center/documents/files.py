"""The files a user downloads: invoice, credit note and order form PDFs (invoices and credit notes as
Factur-X), their Peppol UBL XML, a ZIP of invoices (with the XML if asked) and the CSV of a filtered
transactions list. Every function takes the actor and finds what it prints through
the scoped services, so a number the actor may not see is NotFound here too."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlmodel import Session, select

from billing_center import i18n
from billing_center.documents import builders, einvoice, pdf
from billing_center.documents.labels import t
from billing_center.domain.enums import Role
from billing_center.domain.errors import ValidationFailed
from billing_center.i18n import N_
from billing_center.models import Organisation, Person, Product, Subscription
from billing_center.services import contracts as contract_service
from billing_center.services import credit_notes as credit_service
from billing_center.services import invoices
from billing_center.services import transactions as tx
from billing_center.services.actors import Actor

MAX_ZIP_INVOICES = 500
ZIP_NAME, ZIP_TYPE = "invoices.zip", "application/zip"
# The transactions CSV's columns, in this order whatever the language (English msgids, translated for
# the reader; the values stay machine-readable: ISO dates, plain decimals, status codes).
CSV_COLUMNS = [N_("Invoice number"), N_("Status"), N_("Issue date"), N_("Due date"), N_("Payment method"),
               N_("Contract"), N_("Total"), N_("Currency"), N_("Credit notes")]


@dataclass(frozen=True)
class File:
    filename: str
    content: bytes
    media_type: str


PDF_TYPE, XML_TYPE = "application/pdf", "application/xml"


def _buyer(session: Session, actor: Actor) -> tuple[Organisation, str]:
    """The actor's organisation and the e-mail its invoices go to (a billing contact's, else a billing
    admin's), the Peppol endpoint of last resort."""
    organisation = session.get(Organisation, actor.organisation_id)
    email = session.exec(
        select(Person.email).where(Person.organisation_id == actor.organisation_id,
                                   (Person.is_billing_contact == True) | (Person.role == Role.BILLING_ADMIN))
        .order_by(Person.is_billing_contact.desc(), Person.id)
    ).first()
    return organisation, email or ""


def invoice_and_einvoice(session: Session, actor: Actor, number: str):
    """The invoice's printable detail and its e-invoice (the same amounts)."""
    row = invoices.find_invoice(session=session, actor=actor, number=number)
    detail = invoices.get_invoice(session=session, actor=actor, number=number)
    organisation, email = _buyer(session, actor)
    return detail, einvoice.from_invoice(row, detail, organisation, email=email)


def _credit_note(session: Session, actor: Actor, number: str):
    note, invoice, lines = credit_service.find_credit_note(session=session, actor=actor, number=number)
    organisation, email = _buyer(session, actor)
    return note, invoice, lines, einvoice.from_credit_note(note, invoice, lines, organisation, email=email)


def invoice_pdf(*, session: Session, actor: Actor, number: str, factur_x: bool = True) -> File:
    """The invoice's PDF: a Factur-X PDF/A-3 with its CII embedded (``factur_x=False``: the printed PDF
    alone, which the benchmark compares with)."""
    detail, einv = invoice_and_einvoice(session, actor, number)
    doc = builders.invoice_document(detail)
    content = pdf.render(doc, pdfa=factur_x)
    if factur_x:
        content = einvoice.factur_x(content, einv, title=f"{doc.title} {doc.number}")
    return File(f"{detail.number}.pdf", content, PDF_TYPE)


def invoice_ubl(*, session: Session, actor: Actor, number: str) -> File:
    """The invoice as Peppol BIS Billing 3.0 UBL."""
    detail, einv = invoice_and_einvoice(session, actor, number)
    return File(f"{detail.number}.xml", einvoice.ubl_xml(einv), XML_TYPE)


def credit_note_pdf(*, session: Session, actor: Actor, number: str) -> File:
    note, invoice, lines, einv = _credit_note(session, actor, number)
    doc = builders.credit_note_document(note, invoice, lines)
    content = einvoice.factur_x(pdf.render(doc, pdfa=True), einv, title=f"{doc.title} {doc.number}")
    return File(f"{note.number}.pdf", content, PDF_TYPE)


def credit_note_ubl(*, session: Session, actor: Actor, number: str) -> File:
    note, _invoice_row, _lines, einv = _credit_note(session, actor, number)
    return File(f"{note.number}.xml", einvoice.ubl_xml(einv), XML_TYPE)


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
    if not product_name and contract:  # the order form's language, as its other words (builders)
        product_name = "{} {}".format(t("Contract", organisation.locale if organisation else None), contract.number)
    product_name = product_name or order.number
    methods = contract_service.payment_methods(session, actor.organisation_id, {order.payment_method_id})
    label = contract_service.payment_method_label(order.payment_kind, methods.get(order.payment_method_id))
    content = pdf.render(builders.order_form_document(order, contract, organisation, product_name, label))
    return File(f"order-form-{order.order_form_number or order.number}.pdf", content, "application/pdf")


def csv_rows(rows: Iterable[tx.InvoiceRow]) -> Iterable[list[str]]:
    for row in rows:
        yield [row.number, row.status, row.issue_date.isoformat(), row.due_date.isoformat(), row.payment_method,
               row.contract, row.total.plain(), row.total.currency, " ".join(row.credit_notes)]


def reader_language(session: Session, actor: Actor, accept_language: str | None = None) -> str:
    """The language of a file ``actor`` downloads for themselves (an export, not a document sent to the
    customer): as the console chooses it, the person's profile, else the organisation's locale, else the
    browser's ``Accept-Language``, else English."""
    organisation = session.get(Organisation, actor.organisation_id)
    return i18n.choose(profile=actor.language, organisation=organisation.locale if organisation else None,
                       accept_language=accept_language)


def csv_header(columns: Iterable[str], lang: str | None) -> list[str]:
    """A CSV's header row: ``columns`` (English msgids) in ``lang``, in the same order."""
    return [t(column, lang) for column in columns]


def transactions_csv(*, session: Session, actor: Actor, flt: tx.InvoiceFilter, lang: str | None = None) -> File:
    """The filtered list, columns as on screen, the header in ``lang`` (default: the reader's language,
    :func:`reader_language`); amounts as plain decimals with their currency."""
    if lang is None:
        lang = reader_language(session, actor)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(csv_header(CSV_COLUMNS, lang))
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
        raise ValidationFailed("invoices", "A ZIP holds at most {count} invoices; narrow the filter.",
                               count=MAX_ZIP_INVOICES)
    for number in cleaned:  # every number must be visible before anything is rendered
        invoices.find_invoice(session=session, actor=actor, number=number)
    return cleaned


def add_invoice_pdfs(archive: zipfile.ZipFile, *, session: Session, actor: Actor, numbers: Iterable[str],
                     with_xml: bool = False) -> None:
    """Render each invoice's PDF into ``archive`` (the numbers come from :func:`resolve_numbers`), and
    with ``with_xml`` its UBL XML beside it (``INV1238.pdf``, ``INV1238.xml``)."""
    for number in numbers:
        wanted = [invoice_pdf] + ([invoice_ubl] if with_xml else [])
        for make in wanted:
            file = make(session=session, actor=actor, number=number)
            archive.writestr(file.filename, file.content)


def invoices_zip(*, session: Session, actor: Actor, numbers: list[str], with_xml: bool = False,
                 progress: Callable[[int, int], None] | None = None) -> File:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for done, number in enumerate(numbers, start=1):
            add_invoice_pdfs(archive, session=session, actor=actor, numbers=[number], with_xml=with_xml)
            if progress:
                progress(done, len(numbers))
    return File(ZIP_NAME, buffer.getvalue(), ZIP_TYPE)
