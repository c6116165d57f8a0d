"""Issue 9 end to end: licences per product, assigning by search and revoking with a confirmation,
the members directory and its CSV import, the admins' read-only view of self-service purchases."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.actions import sign_in


def _add_member(page: Page, base: str, name: str, email: str) -> None:
    page.goto(f"{base}/people")
    expect(page.get_by_role("heading", name="People", level=1)).to_be_visible()
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("E-mail address").fill(email)
    page.get_by_role("button", name="Add member").click()
    expect(page.get_by_text(f"{name} ({email}) was added.")).to_be_visible()


def test_assign_a_licence_by_search_then_revoke_it(signed_in: Page, base: str):
    page = signed_in
    _add_member(page, base, "Zoe Licencetest", "zoe.licencetest@flexis.com")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Licences", exact=True).click()
    table = page.get_by_role("table", name="Licences per product")
    e3 = table.get_by_role("row").filter(has_text="Office 365 E3")
    expect(e3).to_contain_text("25")  # bought
    expect(e3).to_contain_text("13")  # available
    expect(table).not_to_contain_text("monthly active users")  # billed per active user: no licences
    e3.get_by_role("link", name="Office 365 E3").click()
    expect(page.get_by_role("heading", name="Office 365 E3")).to_be_visible()
    expect(page.get_by_role("group", name="Available")).to_contain_text("13")

    page.get_by_label("Find people").type("licencet", delay=30)
    page.get_by_role("button", name="Add Zoe Licencetest").click()
    expect(page.get_by_role("group", name="Chosen people")).to_contain_text("Zoe Licencetest")
    page.get_by_role("button", name="Assign licences", exact=True).click()
    expect(page.get_by_text("1 licence of Office 365 E3 assigned.")).to_be_visible()
    expect(page.get_by_role("group", name="Available")).to_contain_text("12")

    page.get_by_label("Search holders").fill("zoe")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page).to_have_url(re.compile(r"/licences/\d+\?q=zoe$"))  # bookmarkable
    holders = page.get_by_role("table", name="People with a licence")
    expect(holders.get_by_role("row")).to_have_count(2)  # header + Zoe
    page.get_by_role("checkbox", name="Select Zoe Licencetest").click()
    page.get_by_role("button", name="Unassign licences").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("1 people lose their Office 365 E3 licence")
    dialog.get_by_role("button", name="Unassign").click()
    expect(page.get_by_text("1 licence unassigned; it is available again.")).to_be_visible()
    expect(page.get_by_role("group", name="Available")).to_contain_text("13")


def test_import_members_from_a_csv_file(signed_in: Page, base: str, tmp_path: Path):
    page = signed_in
    csv = tmp_path / "people.csv"
    csv.write_bytes("\ufeffname;email\nCsv Person One;csv.one@flexis.com\nBroken Row;not-an-address\n"
                    "Csv Person Two;csv.two@flexis.com\n".encode())
    page.goto(f"{base}/people")
    expect(page.get_by_role("heading", name="Import from a CSV file")).to_be_visible()
    page.locator("#members_csv input[type=file]").set_input_files(str(csv))
    expect(page.get_by_text("people.csv")).to_be_visible()
    page.get_by_role("button", name="Check file").click()
    summary = page.get_by_role("status").filter(has_text="rows.")
    expect(summary).to_contain_text("3 rows. 2 new people, 0 already members, 1 bad rows")
    bad = page.get_by_role("table", name="Bad rows of the file")
    expect(bad.get_by_role("row").nth(1)).to_contain_text("3")
    expect(bad).to_contain_text("not-an-address is not an e-mail address")
    page.get_by_role("button", name="Import 2 people").click()
    expect(page.get_by_text("2 people added, 0 were already members. 1 bad row was left out.")).to_be_visible()
    page.get_by_label("Search members").fill("csv person")
    page.get_by_role("button", name="Search", exact=True).click()
    members = page.get_by_role("table", name="Members of the organisation")
    expect(members.get_by_role("row")).to_have_count(3)
    expect(page).to_have_url(re.compile(r"/people\?q=csv\+person$"))  # bookmarkable
    page.reload()
    expect(members.get_by_role("row")).to_have_count(3)
    expect(page.get_by_label("Search members")).to_have_value("csv person")


def test_the_members_directory_pages_on_the_server(signed_in: Page, base: str):
    page = signed_in
    page.goto(f"{base}/people")
    members = page.get_by_role("table", name="Members of the organisation")
    expect(members.get_by_role("row")).to_have_count(26)  # header + 25 a page
    first = members.get_by_role("rowheader").first.inner_text()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_text(re.compile(r"Page 2 · \d+ members"))).to_be_visible()
    expect(members.get_by_role("rowheader").first).not_to_have_text(first)
    page.get_by_role("button", name="Previous").click()
    expect(members.get_by_role("rowheader").first).to_have_text(first)


def test_admins_see_self_service_purchases_read_only(signed_in: Page, base: str, browser):
    page = signed_in
    page.goto(f"{base}/licences")
    purchases = page.get_by_role("table", name="Self-service purchases")
    row = purchases.get_by_role("row").filter(has_text="SharePoint Online (Plan 1)")
    expect(row).to_contain_text("Mila Bakker")
    expect(page.get_by_text("only the buyer can change it")).to_be_visible()
    # The admin does not assign from the buyer's purchase; the buyer does.
    expect(page.get_by_role("table", name="Licences per product")).not_to_contain_text("SharePoint")
    buyer_page = browser.new_context().new_page()
    sign_in(buyer_page, base, "mbakker@flexis.com", "flexis-demo")
    expect(buyer_page.get_by_role("heading", name="Overview")).to_be_visible()
    buyer_page.goto(f"{base}/licences")
    expect(buyer_page.get_by_role("table", name="Licences per product")).to_contain_text("SharePoint Online (Plan 1)")
    expect(buyer_page.get_by_role("table", name="Self-service purchases")).to_have_count(0)
    buyer_page.context.close()


def test_more_people_than_licences_offers_to_buy_them_with_the_price_first(signed_in: Page, base: str):
    page = signed_in
    for n in (1, 2):
        _add_member(page, base, f"Yara Buytest{n}", f"yara.buytest{n}@flexis.com")
    page.goto(f"{base}/licences")
    page.get_by_role("link", name="Exchange Online (Plan 1)").click()
    expect(page.get_by_role("group", name="Available")).to_contain_text("1")
    for n in (1, 2):
        page.get_by_label("Find people").fill(f"buytest{n}")
        page.get_by_role("button", name=f"Add Yara Buytest{n}").click()
    page.get_by_role("button", name="Assign licences", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("only 1 licence available and you chose 2 people")
    page.get_by_role("button", name="Buy 1 more and assign").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Buy 1 more Exchange Online (Plan 1) licences and assign 2 people")
    expect(dialog.get_by_role("row", name=re.compile(r"^Charged now EUR \d"))).to_be_visible()
    pay = dialog.get_by_role("button", name=re.compile(r"^Pay EUR .+ and assign$"))
    expect(pay).to_be_visible()  # the amount is on the button that pays
    dialog.get_by_role("button", name="Cancel").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_role("group", name="Available")).to_contain_text("1")  # nothing bought, nobody assigned
