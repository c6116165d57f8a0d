"""Issue 5 end to end: contracts and orders, transactions with URL filters and pagination, an invoice
with its credit note, PDF / ZIP / CSV downloads, and what a contract admin and Contoso can see."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import httpx
from playwright.sync_api import Page, expect

from tests.e2e.actions import sign_in


def test_contracts_list_and_a_contract_with_its_orders(signed_in: Page, base: str):
    page = signed_in
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Contracts and orders").click()
    table = page.get_by_role("table", name="Contracts")
    expect(table).to_contain_text("FL123133")
    expect(table).to_contain_text("USD 12.000,00")
    expect(table).to_contain_text("12 months")
    table.get_by_role("link", name="FL123133").click()
    expect(page).to_have_url(re.compile(r"/contracts/FL123133$"))
    expect(page.get_by_role("heading", name="General information")).to_be_visible()
    expect(page.get_by_role("group", name="Start date")).to_contain_text("11 apr 2023")
    expect(page.get_by_role("group", name="Total value")).to_contain_text("USD 12.000,00")
    orders = page.get_by_role("table", name="Orders of this contract")
    expect(orders).to_contain_text("FL123133-2")
    expect(orders).to_contain_text("USD 6.000,00")
    expect(page.get_by_role("group", name="PO number")).to_contain_text("PO-2023-0411")
    expect(page.get_by_role("group", name="Invoice recipients")).to_contain_text("finance@flexis.com")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download order form FL123133-2").click()
    assert download.value.suggested_filename == "order-form-FL123133-2.pdf"
    assert Path(download.value.path()).read_bytes()[:4] == b"%PDF"


def test_transactions_filters_live_in_the_url(signed_in: Page, base: str):
    page = signed_in
    page.goto(f"{base}/transactions")
    table = page.get_by_role("table", name="Invoices")
    expect(table).to_contain_text("USD 160,00")
    expect(table).to_contain_text("EUR 552,00")
    three_months = table.get_by_role("row").count()
    page.get_by_label("Period").click()
    page.get_by_role("option", name="Last 6 months").click()
    expect(page).to_have_url(re.compile(r"period=6m"))
    expect(table.get_by_role("row")).not_to_have_count(three_months)
    page.get_by_label("Status").click()
    page.get_by_role("option", name="Overdue").click()
    expect(page).to_have_url(re.compile(r"status=overdue"))
    expect(table.get_by_text("Overdue")).to_have_count(2)
    expect(table.get_by_text("Paid", exact=True)).to_have_count(0)
    # A bookmark reopens the same view.
    page.goto(f"{base}/transactions?period=custom&from=2021-01-01&to=2021-12-31")
    expect(page.get_by_label("From")).to_have_value("2021-01-01")
    expect(table).to_contain_text("INV1238")
    expect(table).to_contain_text("USD 20.000,00")
    expect(table).to_contain_text("Visa - 4392")


def test_a_filter_changes_the_list_in_place_and_the_address_follows(signed_in: Page, base: str):
    page = signed_in
    page.goto(f"{base}/transactions?period=6m")
    table = page.get_by_role("table", name="Invoices")
    expect(table.get_by_text("Paid", exact=True).first).to_be_visible()
    entries = page.evaluate("history.length")
    page.get_by_label("Status").click()
    page.get_by_role("option", name="Overdue").click()
    expect(page).to_have_url(re.compile(r"status=overdue"))
    expect(page).to_have_url(re.compile(r"period=6m"))
    expect(table.get_by_text("Overdue")).to_have_count(2)
    expect(table.get_by_text("Paid", exact=True)).to_have_count(0)
    assert page.evaluate("history.length") == entries  # the address was replaced: no new page was opened
    page.reload()  # the address is the view: a reload (or a bookmark) shows the same list
    expect(page.get_by_label("Status")).to_have_text("Overdue")
    expect(table.get_by_text("Overdue")).to_have_count(2)
    expect(table.get_by_text("Paid", exact=True)).to_have_count(0)


def test_a_backwards_custom_range_is_explained_and_changes_nothing(signed_in: Page, base: str):
    page = signed_in
    page.goto(f"{base}/transactions?period=custom&from=2021-01-01&to=2021-12-31")
    expect(page.get_by_role("table", name="Invoices")).to_contain_text("INV1238")
    page.get_by_label("From").fill("2022-05-01")
    page.get_by_label("To").fill("2022-01-01")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("alert")).to_contain_text("cannot be before the start date")
    expect(page).to_have_url(re.compile(r"from=2021-01-01"))
    expect(page.get_by_role("table", name="Invoices")).to_contain_text("INV1238")


def test_pagination_moves_through_the_whole_year(signed_in: Page, base: str):
    page = signed_in
    page.goto(f"{base}/transactions?period=custom&from=2000-01-01&to=2100-12-31&sort=issue_asc")
    table = page.get_by_role("table", name="Invoices")
    expect(table).to_contain_text("INV1237")
    expect(page.get_by_text("Page 1")).to_be_visible()
    expect(page.get_by_role("button", name="Previous")).to_be_disabled()
    expect(page.get_by_role("button", name="Next")).to_be_disabled()  # 17 invoices fit on one page
    expect(table.get_by_role("link", name=re.compile(r"^INV\d+$"))).to_have_count(17)


def test_invoice_page_credit_note_and_pdf(signed_in: Page, base: str):
    page = signed_in
    page.goto(f"{base}/transactions?status=overdue&contract=FL124480&period=6m")
    page.get_by_role("table", name="Invoices").get_by_role("link", name=re.compile(r"^INV")).first.click()
    expect(page.get_by_role("heading", name=re.compile(r"Invoice INV\d+"))).to_be_visible()
    expect(page.get_by_role("table", name="Current charges")).to_contain_text("Office 365 E3")
    expect(page.get_by_role("group", name="Total", exact=True)).to_contain_text("EUR 552,00")
    expect(page.get_by_role("table", name="Billing history")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")

    page.get_by_role("button", name="Issue credit note").click()
    page.get_by_label("Credit everything still open on this invoice").click()
    page.get_by_label("Quantity to credit for Office 365 E3").fill("5")
    expect(page.get_by_role("alert")).to_contain_text("2 unit(s) left to credit")
    page.get_by_label("Quantity to credit for Office 365 E3").fill("1")
    expect(page.get_by_role("status")).to_contain_text("EUR 276,00")
    page.get_by_role("button", name="Issue credit note").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("EUR 276,00")
    dialog.get_by_role("button", name="Issue credit note").click()
    expect(page.get_by_text("Give the reason for the credit note.")).to_be_visible()
    page.get_by_label("Reason").fill("One licence was never used")
    page.get_by_role("button", name="Issue credit note").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Issue credit note").dblclick()
    expect(page.get_by_text(re.compile(r"Credit note CN\d+ issued"))).to_be_visible()
    notes = page.get_by_role("table", name="Credit notes of this invoice")
    expect(notes).to_contain_text("One licence was never used")
    expect(notes.get_by_role("row").filter(has_text="One licence was never used")).to_have_count(1)
    expect(page.get_by_role("group", name="Balance due")).to_contain_text("EUR 276,00")
    # The credit note shows beside its invoice in Transactions.
    page.get_by_role("link", name="All transactions").click()
    expect(page.get_by_role("table", name="Invoices")).to_contain_text(re.compile(r"Credit note CN\d+"))


def test_zip_of_selected_invoices_and_csv_export(signed_in: Page, base: str):
    page = signed_in
    page.goto(f"{base}/transactions?period=6m")
    table = page.get_by_role("table", name="Invoices")
    expect(table).to_contain_text("USD 160,00")
    numbers = [t for t in table.get_by_role("link", name=re.compile(r"^INV\d+$")).all_inner_texts()][:2]
    for number in numbers:
        page.get_by_label(f"Select {number}").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download selected (2)").click()
    assert download.value.suggested_filename == "invoices.zip"
    with zipfile.ZipFile(download.value.path()) as archive:
        assert sorted(archive.namelist()) == sorted(f"{n}.pdf" for n in numbers)
    expect(page.get_by_text("2 invoice PDFs are ready")).to_be_visible()
    count = int(page.get_by_text(re.compile(r"^\d+ invoice\(s\) ·")).inner_text().split()[0])
    with page.expect_download() as download:
        page.get_by_role("button", name="Download all in this filter").click()
    with zipfile.ZipFile(download.value.path()) as archive:
        assert len(archive.namelist()) == count > 2
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    assert {r["Invoice number"] for r in rows} >= set(numbers)
    screen_total = table.get_by_role("row").filter(has_text=numbers[0]).get_by_role("cell").nth(6).inner_text()
    csv_total = next(r for r in rows if r["Invoice number"] == numbers[0])["Total"]
    assert re.sub(r"\D", "", screen_total) == re.sub(r"\D", "", csv_total)


def test_contract_admin_sees_only_their_contract(page: Page, base: str):
    sign_in(page, base, "jdevries@flexis.com", "flexis-demo")
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    page.goto(f"{base}/contracts")
    table = page.get_by_role("table", name="Contracts")
    expect(table).to_contain_text("FL123133")
    expect(table).not_to_contain_text("FL124480")
    page.goto(f"{base}/contracts/FL124480")
    expect(page.get_by_text("No such contract")).to_be_visible()
    page.goto(f"{base}/transactions?period=6m")
    expect(page.get_by_role("table", name="Invoices")).not_to_contain_text("FL124480")


def test_contoso_cannot_open_flexis_invoices_or_files(page: Page, base: str):
    sign_in(page, base, "admin@contoso.com", "contoso-demo")
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    page.goto(f"{base}/invoices/INV1238")
    expect(page.get_by_text("No such invoice")).to_be_visible()
    page.goto(f"{base}/contracts/FL123133")
    expect(page.get_by_text("No such contract")).to_be_visible()
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    with httpx.Client(base_url=base, cookies=cookies) as client:
        other = client.get("/api/invoices/INV1238.pdf")
        missing = client.get("/api/invoices/INV424242.pdf")
        assert other.status_code == missing.status_code == 404 and other.content == missing.content
