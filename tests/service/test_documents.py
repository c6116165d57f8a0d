"""Invoice, credit note and order form PDFs; CSV and ZIP exports (R-INV-1, R-INV-3, R-INV-4, R-CON-2).

The PDF's text is extracted with pdftotext (poppler), as an accountant's tool would read it. The totals
on screen (the state's formatted strings come from the same services), in the PDF and in the CSV must
agree to the minor unit.
"""

from __future__ import annotations

import asyncio
import csv
import dataclasses
import io
import re
import subprocess
import unicodedata
import zipfile
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date

import pytest
from sqlmodel import select

from billing_center import i18n
from billing_center.documents import exports, files
from billing_center.documents.labels import reverse_charge_text
from billing_center.domain import clock
from billing_center.domain.errors import NotFound, ValidationFailed
from billing_center.domain.money import Money
from billing_center.formatting import format_money
from billing_center.models import Invoice, InvoiceLine, Organisation
from billing_center.services import transactions as tx
from billing_center.services.credit_notes import CreditLine, issue_credit_note
from billing_center.services.invoicing import LineInput, issue_invoice
from billing_center.settings import get_settings
from billing_center.states.transactions import invoice_row
from tests.factories import actor_for

EVERYTHING = tx.InvoiceFilter(period="custom", date_from=date(2000, 1, 1), date_to=date(2100, 1, 1))


def pdf_text(content: bytes) -> str:
    out = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"], input=content, capture_output=True,
                         check=True).stdout.decode("utf-8")
    return normalise(out)


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\u202f", " ").replace("\u00a0", " ")
    return re.sub(r"[ \t]+", " ", text)


@pytest.fixture
def dutch_taxed_invoice(session, flexis):
    """A Flexis invoice with 21% VAT and an accented product, in English."""
    nl = Organisation(id=flexis.id, name="Flexis Nederland B.V.", slug="flexis-nl-doc", country="NL", locale="en",
                      address_line="Prinsengracht 2", postal_code="1015 DV", city="Amsterdam",
                      vat_id="NL000099998B57")
    return issue_invoice(session=session, organisation=nl, currency="EUR", issue_date=clock.today(),
                         due_date=clock.today(), seller_country="NL",
                         period_start=clock.today(), period_end=clock.add_months(clock.today(), 12),
                         lines=[LineInput("Exchange Online (Plan 1)", 5, Money(5400, "EUR"), "Licences, annual"),
                                LineInput("Élan Résumé add-on", 3, Money(27633, "EUR"), "Café licences €")])


def test_invoice_pdf_has_the_eu_vat_directive_fields(session, flexis_admin, dutch_taxed_invoice):
    inv = dutch_taxed_invoice
    file = files.invoice_pdf(session=session, actor=flexis_admin, number=inv.number)
    assert file.content.startswith(b"%PDF") and file.filename == f"{inv.number}.pdf"
    assert b"/FontFile2" in file.content and b"DejaVuSans" in file.content  # the font is embedded
    text = pdf_text(file.content)
    settings = get_settings()
    for expected in (
        "Invoice", inv.number, settings.seller_name, "Herengracht 100", settings.seller_vat_id,  # seller
        "Flexis Nederland B.V.", "Prinsengracht 2", "NL000099998B57",  # buyer from the invoice snapshot
        "Invoice date", "Billing period", "Due date",
        "Exchange Online (Plan 1)", "Élan Résumé add-on", "Café licences €",  # Unicode renders
        "€54.00", "€270.00", "€276.33", "€828.99",  # unit prices and line amounts
        "Taxable amount at 21%", "VAT at 21%",
    ):
        assert expected in text, expected
    assert format_money(Money(inv.subtotal_minor, "EUR"), "en") in text
    assert format_money(Money(inv.tax_minor, "EUR"), "en") in text
    assert re.search(r"Total\s+" + re.escape(format_money(Money(inv.total_minor, "EUR"), "en")), text)
    assert "Reverse charge" not in text  # a domestic sale carries VAT instead


@pytest.mark.parametrize("email, locale, words, reverse_charge", [
    ("aleroy@flexis.com", "nl", ["Factuur", "Factuurdatum", "Vervaldatum", "Btw-nummer", "Totaal"],
     "Btw verlegd: btw te voldoen door de afnemer (art. 196 Richtlijn 2006/112/EG)"),
    ("admin@contoso.com", "fr", ["Facture", "Date de facture", "Date d'échéance", "N° de TVA", "Total"],
     "Autoliquidation : TVA due par le preneur (art. 196 de la directive 2006/112/CE)"),
])
def test_cross_border_invoices_carry_the_reverse_charge_in_the_customers_language(session, email, locale, words,
                                                                                  reverse_charge):
    actor = actor_for(session, email)
    row = tx.list_invoices(session=session, actor=actor, flt=tx.InvoiceFilter(period="6m")).rows[0]
    detail = tx.get_invoice(session=session, actor=actor, number=row.number)
    assert detail.reverse_charge and detail.locale == locale
    text = pdf_text(files.invoice_pdf(session=session, actor=actor, number=row.number).content)
    for word in words:
        assert word in text, word
    assert reverse_charge_text(locale) == reverse_charge  # the catalog's legal wording
    assert normalise(reverse_charge) in text
    assert normalise(format_money(detail.total, locale)) in text
    assert detail.buyer_vat_id in text


def test_totals_agree_between_screen_pdf_and_csv(session, flexis_admin, dutch_taxed_invoice):
    inv = dutch_taxed_invoice
    flt = tx.InvoiceFilter()
    screen_row = next(invoice_row(r, flexis_admin.locale)
                      for r in tx.list_invoices(session=session, actor=flexis_admin, flt=flt).rows
                      if r.number == inv.number)
    text = pdf_text(files.invoice_pdf(session=session, actor=flexis_admin, number=inv.number).content)
    csv_file = files.transactions_csv(session=session, actor=flexis_admin, flt=flt)
    rows = list(csv.DictReader(io.StringIO(csv_file.content.decode("utf-8-sig"))))
    csv_row = next(r for r in rows if r["Invoice number"] == inv.number)
    # The screen writes Flexis's amounts the Dutch way; the PDF in the invoice's locale (en here).
    screen_minor = int(re.sub(r"\D", "", screen_row.total))
    pdf_match = re.search(r"Total\s+€([\d,]+\.\d\d)", text)
    pdf_minor = int(re.sub(r"\D", "", pdf_match.group(1)))
    csv_minor = Money.parse(csv_row["Total"], csv_row["Currency"]).amount_minor
    assert screen_minor == pdf_minor == csv_minor == inv.total_minor
    assert csv_row["Currency"] == "EUR" and re.fullmatch(r"\d+\.\d{2}", csv_row["Total"])


def test_csv_has_the_columns_of_the_screen_and_every_row_of_the_filter(session, flexis_admin):
    csv_file = files.transactions_csv(session=session, actor=flexis_admin, flt=EVERYTHING)
    assert csv_file.media_type.startswith("text/csv")
    reader = list(csv.reader(io.StringIO(csv_file.content.decode("utf-8-sig"))))
    assert reader[0] == files.CSV_COLUMNS
    expected = tx.count_invoices(session=session, actor=flexis_admin, flt=EVERYTHING)
    assert len(reader) - 1 == expected
    inv1238 = next(r for r in reader if r[0] == "INV1238")
    assert inv1238[1:8] == ["paid", "2021-03-08", "2022-04-08", "Visa - 4392", "FL123133", "20000.00", "USD"]


def test_csv_header_is_in_the_readers_language_in_the_same_order(session, contoso_admin):
    """Issue 11: someone at a French customer with no console language of their own (the organisation's
    fr) gets the header in French; a Dutch profile gets Dutch; the columns and values do not move."""
    french = dataclasses.replace(contoso_admin, language=None)
    assert files.reader_language(session, french) == "fr"
    rows = list(csv.reader(io.StringIO(files.transactions_csv(session=session, actor=french, flt=EVERYTHING)
                                       .content.decode("utf-8-sig"))))
    assert rows[0] == ["Numéro de facture", "Statut", "Date d’émission", "Date d’échéance", "Mode de paiement",
                       "Contrat", "Total", "Devise", "Avoirs"]
    english = list(csv.reader(io.StringIO(files.transactions_csv(session=session, actor=contoso_admin,
                                                                 flt=EVERYTHING).content.decode("utf-8-sig"))))
    assert english[0] == files.CSV_COLUMNS and english[1:] == rows[1:]
    dutch = files.transactions_csv(session=session, actor=dataclasses.replace(contoso_admin, language="nl"),
                                   flt=EVERYTHING).content.decode("utf-8-sig")
    assert dutch.startswith("Factuurnummer,Status,Uitgiftedatum,Vervaldatum,")


def test_usage_report_headers_and_pdf_in_the_readers_language():
    from billing_center.documents import usage_report

    buffer = io.StringIO()
    usage_report.write_csv_head(csv.writer(buffer), [(date(2026, 1, 1), 3)], "fr")
    rows = list(csv.reader(io.StringIO(buffer.getvalue())))
    assert rows == [["Mois", "Utilisateurs actifs uniques"], ["2026-01", "3"], [],
                    ["Personne", "E-mail", "Mois actifs", "Nombre de mois"]]
    text = pdf_text(usage_report.pdf_report(organisation="Contoso", title="Rapport", people=1500, lang="fr",
                                            monthly=[(date(2026, 1, 1), 1234), (date(2026, 2, 1), 5)]))
    for expected in ("utilisateurs actifs uniques par mois", "1 500 personnes actives", "janvier 2026",
                     "février 2026", "Mois", "Total"):
        assert expected in normalise(text), expected


def test_credit_note_pdf_refers_to_its_invoice_with_negative_amounts(session, flexis_admin, dutch_taxed_invoice):
    inv = dutch_taxed_invoice
    line = session.exec(select(InvoiceLine).where(InvoiceLine.invoice_id == inv.id, InvoiceLine.position == 2)).one()
    note = issue_credit_note(session=session, actor=flexis_admin, invoice_number=inv.number,
                             reason="One licence returned", lines=[CreditLine(line.id, 1)])
    text = pdf_text(files.credit_note_pdf(session=session, actor=flexis_admin, number=note.number).content)
    for expected in ("Credit note", note.number, f"Corrects invoice {inv.number}", "One licence returned",
                     "-€276.33", format_money(Money(-note.total_minor, "EUR"), "en"), "NL000099998B57"):
        assert expected in text, expected


def test_order_form_pdf(session, flexis_admin):
    text = pdf_text(files.order_form_pdf(session=session, actor=flexis_admin, number="FL124480-1").content)
    for expected in ("Bestelformulier", "FLD102776277396", "FL124480-1", "Visa - 4392", "EUR 3.600,00",
                     "Flexis", "BE0123456749"):
        assert expected in text, expected
    text = pdf_text(files.order_form_pdf(session=session, actor=flexis_admin, number="FL123133-2").content)
    assert "USD 6.000,00" in text and "125" in text and "Learning Manager" in text


def test_downloads_of_another_organisation_are_not_found(session, contoso_admin, flexis_admin):
    flexis_invoice = tx.list_invoices(session=session, actor=flexis_admin, flt=EVERYTHING).rows[0].number
    for call in (
        lambda: files.invoice_pdf(session=session, actor=contoso_admin, number=flexis_invoice),
        lambda: files.invoice_pdf(session=session, actor=contoso_admin, number="INV999999"),
        lambda: files.order_form_pdf(session=session, actor=contoso_admin, number="FL123133-2"),
        lambda: files.credit_note_pdf(session=session, actor=contoso_admin, number="CN1"),
        lambda: files.resolve_numbers(session=session, actor=contoso_admin, numbers=[flexis_invoice], flt=None),
    ):
        with pytest.raises(NotFound):
            call()
    rows = list(csv.reader(io.StringIO(files.transactions_csv(session=session, actor=contoso_admin, flt=EVERYTHING)
                                       .content.decode("utf-8-sig"))))
    assert all(r[5] != "FL123133" for r in rows[1:]) and len(rows) == 2


def test_zip_holds_one_pdf_per_invoice(session, flexis_admin):
    numbers = files.resolve_numbers(session=session, actor=flexis_admin, numbers=None, flt=tx.InvoiceFilter())
    seen = []
    archive = files.invoices_zip(session=session, actor=flexis_admin, numbers=numbers,
                                 progress=lambda done, total: seen.append((done, total)))
    with zipfile.ZipFile(io.BytesIO(archive.content)) as z:
        assert sorted(z.namelist()) == sorted(f"{n}.pdf" for n in numbers)
        assert all(z.read(name).startswith(b"%PDF") for name in z.namelist())
    assert seen[-1] == (len(numbers), len(numbers))
    with pytest.raises(ValidationFailed):
        files.resolve_numbers(session=session, actor=flexis_admin, numbers=[], flt=None)
    too_many = [f"INV{n}" for n in range(files.MAX_ZIP_INVOICES + 1)]
    with pytest.raises(ValidationFailed) as refused:
        files.resolve_numbers(session=session, actor=flexis_admin, numbers=too_many, flt=None)
    assert refused.value.message == "A ZIP holds at most 500 invoices; narrow the filter."
    with i18n.using("fr"):  # a template with its count, so the toast is translated (issue 11)
        assert i18n.translate_error(refused.value) == "Un ZIP contient au plus 500 factures ; affinez le filtre."


def run_async(coroutine):
    """Run a coroutine to its end in a thread of its own: the browser tests leave an event loop running
    in the main thread of the worker that runs them."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def prepare_zip(session, actor, numbers, chunk_size=2):
    """Prepare a ZIP as the Transactions page does, in the test's transaction; returns it and its progress."""
    seen: list[tuple[int, int]] = []

    async def progress(done: int, total: int) -> None:
        seen.append((done, total))

    @contextmanager
    def transaction():
        yield session

    export = run_async(exports.prepare_invoices_zip(actor=actor, numbers=numbers, flt=None, progress=progress,
                                                      chunk_size=chunk_size, transaction=transaction))
    return export, seen


def test_a_zip_is_prepared_a_chunk_at_a_time_for_its_owner_only(session, flexis_admin, contoso_admin, tmp_path,
                                                                 monkeypatch):
    monkeypatch.setattr(exports, "EXPORT_DIR", tmp_path)
    numbers = [row.number for row in tx.list_invoices(session=session, actor=flexis_admin, flt=EVERYTHING).rows[:5]]
    export, seen = prepare_zip(session, flexis_admin, numbers)
    assert seen == [(0, 5), (2, 5), (4, 5), (5, 5)]
    assert export.count == 5 and export.url == f"/api/exports/{export.token}"
    stored = exports.find_export(actor=flexis_admin, token=export.token)
    with zipfile.ZipFile(stored.path) as z:
        assert z.namelist() == [f"{n}.pdf" for n in numbers]
    assert exports.find_export(actor=contoso_admin, token=export.token) is None


def test_a_zip_with_an_invoice_of_another_organisation_renders_nothing(session, flexis_admin, contoso_admin, tmp_path,
                                                                       monkeypatch):
    monkeypatch.setattr(exports, "EXPORT_DIR", tmp_path)
    flexis_invoice = tx.list_invoices(session=session, actor=flexis_admin, flt=EVERYTHING).rows[0].number
    with pytest.raises(NotFound):
        prepare_zip(session, contoso_admin, [flexis_invoice])
    assert list(tmp_path.iterdir()) == []


def test_a_rendered_invoice_is_the_same_whatever_else_was_rendered_before(session, flexis_admin,
                                                                          dutch_taxed_invoice, contoso_admin):
    """The per-process font cache never leaks one document's glyphs or state into another."""
    first = pdf_text(files.invoice_pdf(session=session, actor=flexis_admin, number=dutch_taxed_invoice.number).content)
    contoso_number = tx.list_invoices(session=session, actor=contoso_admin, flt=EVERYTHING).rows[0].number
    files.invoice_pdf(session=session, actor=contoso_admin, number=contoso_number)
    again = pdf_text(files.invoice_pdf(session=session, actor=flexis_admin, number=dutch_taxed_invoice.number).content)
    assert first == again


def test_invoice_snapshot_not_the_organisation_is_printed(session, flexis_admin, flexis):
    invoice = session.exec(select(Invoice).where(Invoice.number == "INV1238")).one()
    flexis.name = "Flexis Renamed"
    session.add(flexis)
    session.flush()
    text = pdf_text(files.invoice_pdf(session=session, actor=flexis_admin, number=invoice.number).content)
    assert "Flexis Renamed" not in text and invoice.buyer_name in text


def test_rare_european_letters_render_and_extract():
    """Names beyond Latin-1 (Polish, Czech, Greek, Bulgarian) get their own cached font subset."""
    from billing_center.documents import pdf
    from billing_center.documents.model import DocLine, Document, TotalRow

    names = ["Łódź Żółć Sp. z o.o.", "Čeština s.r.o.", "Ελληνική Α.Ε.", "България ЕООД"]
    for name in names:
        doc = Document(kind="invoice", title="Invoice", number="INV1", locale="en", seller_heading="Seller",
                       seller_lines=["Billing Center B.V."], buyer_heading="Customer", buyer_lines=[name],
                       meta=[("Invoice number", "INV1")], headers=("Product", "Qty", "Unit price", "VAT", "Amount"),
                       lines=[DocLine(name, "", "1", "€1.00", "0%", "€1.00")],
                       totals=[TotalRow("Total", "€1.00", True)])
        text = pdf_text(pdf.render(doc))
        assert name in text, name
