"""Issue 12 end to end: an invoice downloads as a Factur-X PDF and as Peppol UBL, the ZIP can hold the
XML beside each PDF, and the billing details page takes a VAT id and a Peppol endpoint, checked."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import facturx
from playwright.sync_api import Page, expect

from tests import einvoice_rules as rules
from tests.e2e.actions import open_from_menu


def test_an_invoice_downloads_as_factur_x_and_as_ubl(signed_in: Page, base: str):
    page = signed_in
    page.goto(f"{base}/invoices/INV1238")
    expect(page.get_by_role("heading", name="Invoice INV1238")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF (Factur-X)").click()
    assert download.value.suggested_filename == "INV1238.pdf"
    filename, cii = facturx.get_xml_from_pdf(Path(download.value.path()).read_bytes(), check_xsd=True)
    assert filename == "factur-x.xml" and rules.cii_errors(cii) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="Download UBL (Peppol BIS 3.0 XML)").click()
    assert download.value.suggested_filename == "INV1238.xml"
    ubl = Path(download.value.path()).read_bytes()
    assert rules.ubl_errors(ubl) == []
    assert b"<cbc:PayableAmount currencyID=\"USD\">0.00</cbc:PayableAmount>" in ubl  # paid: nothing left to pay
    expect(page.get_by_role("group", name="Total", exact=True)).to_contain_text("USD 20.000,00")
    assert b"<cbc:TaxInclusiveAmount currencyID=\"USD\">20000.00</cbc:TaxInclusiveAmount>" in ubl


def test_the_zip_holds_the_xml_beside_each_pdf_when_asked(signed_in: Page, base: str):
    page = signed_in
    page.goto(f"{base}/transactions?period=6m")
    table = page.get_by_role("table", name="Invoices")
    expect(table.get_by_role("link", name=re.compile(r"^INV\d+$")).first).to_be_visible()
    numbers = table.get_by_role("link", name=re.compile(r"^INV\d+$")).all_inner_texts()[:2]
    for number in numbers:
        page.get_by_label(f"Select {number}").click()
    page.get_by_label("Include the XML (UBL) beside each PDF").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download selected (2)").click()
    with zipfile.ZipFile(download.value.path()) as archive:
        assert sorted(archive.namelist()) == sorted([f"{n}.pdf" for n in numbers] + [f"{n}.xml" for n in numbers])
        assert all(rules.ubl_errors(archive.read(f"{n}.xml")) == [] for n in numbers)
    expect(page.get_by_text("2 invoice PDFs with their XML are ready")).to_be_visible()  # ngettext: plural


def test_billing_details_take_a_checked_vat_id_and_peppol_endpoint(signed_in: Page, base: str):
    page = signed_in
    open_from_menu(page, "Billing details")
    # A Belgian organisation is reached at its enterprise number, derived from its VAT id.
    in_use = page.get_by_role("group", name="Peppol endpoint in use")
    expect(in_use).to_contain_text("0208:0123456749 (from the VAT id)")
    page.get_by_label("VAT id", exact=True).fill("BE0123456748")
    page.get_by_role("button", name="Save billing details").click()
    expect(page.get_by_role("alert")).to_contain_text("not a valid BE VAT id")
    expect(page.get_by_label("VAT id", exact=True)).to_have_value("BE0123456748")  # the input is kept to correct it
    page.get_by_label("VAT id", exact=True).fill("BE 0123.456.749")
    page.get_by_label("Peppol endpoint scheme", exact=True).select_option(label="Belgian enterprise number (0208)")
    page.get_by_label("Peppol endpoint id", exact=True).fill("0123.456.748")
    page.get_by_role("button", name="Save billing details").click()
    expect(page.get_by_role("alert")).to_contain_text("Belgian enterprise number")
    page.get_by_label("Peppol endpoint id", exact=True).fill("0123.456.749")
    page.get_by_role("button", name="Save billing details").click()
    expect(page.get_by_text("Billing details saved")).to_be_visible()
    expect(page.get_by_role("group", name="VAT id in use")).to_contain_text("BE0123456749")
    expect(in_use).to_have_text(re.compile(r"0208:0123456749$"))
