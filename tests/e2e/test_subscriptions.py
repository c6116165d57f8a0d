"""Subscriptions in the browser (issue 8): the list and its filters in the URL, changing the licence
total with the proration preview, the auto-renew toggle, and cancelling with the fee shown."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect


def listed(page: Page, base: str, product: str) -> Locator:
    """The row of ``product`` in the subscriptions list."""
    page.goto(f"{base}/subscriptions")
    return page.get_by_role("row").filter(has_text=product)


def open_subscription(page: Page, base: str, product: str) -> None:
    page.goto(f"{base}/subscriptions")
    page.get_by_role("link", name=product).click()
    expect(page.get_by_role("heading", name=product)).to_be_visible()


def open_dialog(page: Page, base: str, product: str, button: str) -> Locator:
    """The dialog ``button`` opens on the page of ``product``'s subscription."""
    open_subscription(page, base, product)
    page.get_by_role("button", name=button).click()
    return page.get_by_role("dialog")


def review_total(dialog: Locator, total: str) -> None:
    dialog.get_by_label("New total number of licences").fill(total)
    dialog.get_by_role("button", name="Review change").click()


def test_the_list_shows_the_demo_and_filters_in_the_url(signed_in: Page, base: str):
    page = signed_in
    exchange = listed(page, base, "Exchange Online (Plan 1)")
    expect(exchange).to_contain_text("EUR 54,00")
    expect(exchange).to_contain_text("EUR 270,00")
    expect(page.get_by_role("row").filter(has_text="Office 365 E3")).to_contain_text("Trial")
    page.get_by_label("Status", exact=True).select_option(label="Trial")
    expect(page).to_have_url(re.compile(r"/subscriptions\?status=trial"))
    expect(page.get_by_role("row").filter(has_text="Office 365 E3")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Exchange Online")).to_have_count(0)
    page.goto(f"{base}/subscriptions?self_service=yes")
    expect(page.get_by_role("row").filter(has_text="SharePoint Online (Plan 1)")).to_contain_text("Self-service")
    expect(page.get_by_role("row").filter(has_text="Exchange Online")).to_have_count(0)


def test_the_mau_plan_is_priced_per_active_user_without_licences(signed_in: Page, base: str):
    page = signed_in
    plan = listed(page, base, "Learning Manager (monthly active users)")
    expect(plan).to_contain_text("Per active user")
    expect(plan).to_contain_text("USD 4,00 per user per month")
    expect(plan).to_contain_text("By usage")
    open_subscription(page, base, "Learning Manager (monthly active users)")
    expect(page.get_by_role("group", name="Licences")).to_contain_text("billed per monthly active user")
    expect(page.get_by_role("button", name="Cancel subscription")).to_be_visible()
    expect(page.get_by_role("button", name="Buy licences")).to_have_count(0)
    expect(page.get_by_role("button", name="Remove licences")).to_have_count(0)


def test_change_5_to_7_licences_with_the_preview(signed_in: Page, base: str):
    page = signed_in
    dialog = open_dialog(page, base, "Exchange Online (Plan 1)", "Buy licences")
    review_total(dialog, "7")
    preview = dialog.get_by_role("region", name="Proration preview")
    expect(preview).to_contain_text("Unused time on 5 x Exchange Online (Plan 1)")
    expect(preview).to_contain_text("Remaining time on 7 x Exchange Online (Plan 1)")
    expect(preview).to_contain_text("Total now")
    expect(dialog).to_contain_text("Next renewal")
    dialog.get_by_role("button", name="Confirm change").click()
    expect(page.get_by_text(re.compile(r"now has 7 licences \(INV\d+"))).to_be_visible()
    expect(page.get_by_role("group", name="Licences")).to_contain_text("7 licences")
    expect(page.get_by_role("table", name="History of changes")).to_contain_text("5 -> 7 licences")


def test_a_bad_total_gets_a_clear_message(signed_in: Page, base: str):
    dialog = open_dialog(signed_in, base, "Exchange Online (Plan 1)", "Remove licences")
    review_total(dialog, "1")
    expect(dialog.get_by_role("alert")).to_contain_text("licences are assigned. Unassign")
    review_total(dialog, "-4")
    expect(dialog.get_by_role("alert")).to_contain_text("cannot be negative")


def test_turn_auto_renew_off_and_on(signed_in: Page, base: str):
    page = signed_in
    open_subscription(page, base, "Exchange Online (Plan 1)")
    page.get_by_role("button", name="Turn off auto-renew").click()
    confirm = page.get_by_role("alertdialog")
    expect(confirm).to_contain_text("The subscription ends on")
    confirm.get_by_role("button", name="Turn off auto-renew").click()
    expect(page.get_by_text(re.compile("Auto-renew is off: the subscription ends on"))).to_be_visible()
    page.get_by_role("button", name="Turn on auto-renew").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Turn on auto-renew").click()
    expect(page.get_by_text(re.compile("Auto-renew is on"))).to_be_visible()
    expect(page.get_by_role("table", name="History of changes")).to_contain_text("Auto-renew turned off")


def test_cancel_the_learning_plan_with_its_fee(signed_in: Page, base: str):
    page = signed_in
    dialog = open_dialog(page, base, "Learning Manager (per learner)", "Cancel subscription")
    expect(dialog).to_contain_text("Early termination fee (50% of the remaining committed period)")
    fee = dialog.get_by_role("button", name=re.compile(r"Cancel and pay USD"))
    fee.click()
    expect(dialog.get_by_role("alert")).to_contain_text("Choose a reason")
    dialog.get_by_label("Reason").select_option(label="It is too expensive")
    dialog.get_by_label("Feedback (optional)").fill("Budget cut")
    fee.click()
    expect(page.get_by_text(re.compile(r": Cancelled\. The early termination fee of USD"))).to_be_visible()
    expect(page.get_by_role("heading", name="Learning Manager (per learner)").locator("..")).to_contain_text(
        "Cancelled")


def test_an_activation_key_adds_seats_once(signed_in: Page, base: str):
    page = signed_in
    page.goto(f"{base}/subscriptions")
    page.get_by_label("Activation key").fill("ALM-7Q4K-9XPD-2M3T")
    page.get_by_role("button", name="Activate", exact=True).click()
    expect(page.get_by_text(re.compile(r"Activated: 50 seats added to Learning Manager"))).to_be_visible()
    page.get_by_label("Activation key").fill("ALM-7Q4K-9XPD-2M3T")
    page.get_by_role("button", name="Activate", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("already used")


def test_deactivate_and_reactivate_the_account(signed_in: Page, base: str):
    page = signed_in
    page.goto(f"{base}/subscriptions")
    account = page.get_by_role("region", name="Account status")
    expect(account).to_contain_text("Active")
    account.get_by_role("button", name="Deactivate account").click()
    confirm = page.get_by_role("alertdialog")
    expect(confirm).to_contain_text("ends with its current paid period")
    confirm.get_by_role("button", name="Deactivate account").click()
    expect(page.get_by_text(re.compile(r"Account deactivated: \d+ subscription"))).to_be_visible()
    expect(account).to_contain_text("Activation required")
    expect(account).to_contain_text("30 days left")
    expect(page.get_by_role("row").filter(has_text="Exchange Online")).to_contain_text("Cancellation started")
    account.get_by_role("button", name="Reactivate account").click()
    expect(page.get_by_text(re.compile(r"Account reactivated: \d+ subscription"))).to_be_visible()
    expect(account).to_contain_text("Active")
    expect(page.get_by_role("row").filter(has_text="Exchange Online")).to_contain_text("Active")


def test_another_organisations_subscription_is_no_such_subscription(page: Page, base: str):
    from tests.e2e.actions import sign_in

    sign_in(page, base, "admin@contoso.com", "contoso-demo")
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    for sub_id in ("1", "2", "999999", "abc"):  # Flexis's Exchange and SharePoint, a missing id, junk
        page.goto(f"{base}/subscriptions/{sub_id}")
        expect(page.get_by_role("heading", name="No such subscription")).to_be_visible()
        assert "flexis" not in page.locator("body").inner_text().lower()
