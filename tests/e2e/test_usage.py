"""Issue 10 end to end: the Usage page (R-MAU-1..3), driven by its visible labels."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from pathlib import Path

import httpx
from playwright.sync_api import Page, expect

from billing_center.seed import MAU_DEMO_MONTHS
from tests.e2e.actions import open_from_menu, sign_in


def open_usage(page: Page) -> None:
    open_from_menu(page, "Usage")
    expect(page.get_by_role("group", name="Billed users in this period")).to_contain_text(re.compile(r"\d"))


def test_the_period_shows_its_billed_users_chart_and_monthly_table(signed_in: Page):
    page = signed_in
    open_usage(page)
    expect(page.get_by_role("group", name="Billed users in this period")).to_contain_text("5.640")  # Dutch digits
    expect(page.get_by_role("group", name="Users active this month")).to_contain_text(str(MAU_DEMO_MONTHS[-1]))
    expect(page.get_by_text("Months follow your organisation's time zone (Europe/Brussels)")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Bar chart of unique active users per month"))).to_be_visible()
    table = page.get_by_role("table", name="Unique active users per month of the period")
    rows = table.get_by_role("row")
    expect(rows).to_have_count(13)  # the header and twelve months
    expect(rows.nth(3)).to_contain_text("5.000")
    expect(rows.nth(12)).to_contain_text("In progress")
    expect(page.get_by_label("Period", exact=True)).to_have_value(re.compile(r"^\d{4}-\d{2}$"))


def test_a_detailed_report_is_generated_with_progress_and_downloads(signed_in: Page):
    page = signed_in
    open_usage(page)
    months = page.get_by_role("group", name="Months")
    for name in ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                 "October", "November", "December"):
        box = months.get_by_role("checkbox", name=name)
        if box.get_attribute("aria-checked") != "true" and box.get_attribute("data-state") != "checked":
            box.click()
    page.get_by_role("button", name="Generate").click()
    expect(page.get_by_text("Your report is ready")).to_be_visible(timeout=60_000)
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the report as CSV").click()
    text = Path(info.value.path()).read_text(encoding="utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert table[0] == ["Month", "Unique active users"]
    assert any(row[:1] == ["Person"] for row in table)
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the report as PDF").click()
    assert Path(info.value.path()).read_bytes()[:5] == b"%PDF-"


def test_a_report_without_months_says_so(signed_in: Page):
    page = signed_in
    open_usage(page)
    months = page.get_by_role("group", name="Months")
    for box in months.get_by_role("checkbox").all():
        if box.get_attribute("data-state") == "checked":
            box.click()
    page.get_by_role("button", name="Generate").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose at least one month.")


def test_a_contract_admin_is_told_who_may_see_usage(page: Page, base: str):
    sign_in(page, base, email="jdevries@flexis.com")
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    page.goto(f"{base}/usage")
    expect(page.get_by_text("Only a billing admin of your organisation can do this.")).to_be_visible()


def _figure(page: Page, name: str) -> int:
    text = page.get_by_role("group", name=name).inner_text().removeprefix(name)
    return int(re.sub(r"\D", "", text))


def test_a_key_sends_events_the_page_counts_them_and_a_revoked_key_is_refused(signed_in: Page, base: str):
    page = signed_in
    open_usage(page)
    expect(page.get_by_role("table", name="Usage API keys").or_(page.get_by_text("No keys yet"))).to_be_visible()
    before = _figure(page, "Users active this month")
    page.get_by_label("Key name").fill("Learning platform")
    page.get_by_role("button", name="Create key").click()
    expect(page.get_by_text("it is shown only this once")).to_be_visible()
    key = page.get_by_label("New API key").input_value()
    assert key.startswith("bcu_")
    event = {"event_id": "e2e-1", "person": "learner0042@learn.flexis.com", "kind": "course",
             "occurred_at": datetime.now(UTC).isoformat()}
    answer = httpx.post(f"{base}/api/usage/events", json={"events": [event, {**event, "kind": "lunch"}]},
                        headers={"Authorization": f"Bearer {key}"}).json()
    assert (answer["accepted"], answer["rejected"][0]["index"]) == (1, 1)
    page.reload()
    expect(page.get_by_role("group", name="Users active this month")).to_contain_text(str(before + 1))
    table = page.get_by_role("table", name="Unique active users per month of the period")
    expect(table.get_by_role("row").nth(12)).to_contain_text(str(before + 1))
    expect(page.get_by_label("New API key")).to_have_count(0)  # shown once only
    page.get_by_role("button", name="Revoke key Learning platform").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Revoke").click()
    expect(page.get_by_text("Key Learning platform is revoked")).to_be_visible()
    refused = httpx.post(f"{base}/api/usage/events", json={"events": [{**event, "event_id": "e2e-2"}]},
                         headers={"Authorization": f"Bearer {key}"})
    assert refused.status_code == 401
