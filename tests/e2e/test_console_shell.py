"""Issue 2 end to end: sign in, the console shell and Overview, wrong password, sign out."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import Page, expect

from tests.e2e.actions import open_from_menu, sign_in

NAVIGATION = ["Overview", "Contracts and orders", "Transactions", "Payment methods", "Subscriptions",
              "Licences", "People", "Usage", "Admins", "Billing accounts", "Billing details"]


def test_sign_in_shows_the_shell_and_real_overview_figures(signed_in: Page):
    page = signed_in
    nav = page.get_by_role("navigation", name="Main")
    for label in NAVIGATION:
        expect(nav.get_by_role("link", name=label, exact=True)).to_be_visible()
    expect(page.get_by_text("Flexis", exact=True)).to_be_visible()
    expect(page.get_by_text("Alex Leroy")).to_be_visible()
    expect(page.get_by_label("Account status")).to_have_text("Active")
    expect(page.get_by_role("group", name="Active subscriptions")).to_contain_text("5")
    expect(page.get_by_role("group", name="Licences assigned")).to_contain_text("50 of 75")
    unpaid = page.get_by_role("group", name="Unpaid invoices")
    expect(unpaid).to_contain_text("3")
    expect(unpaid).to_contain_text("EUR 552,00 + USD 320,00")  # Flexis writes amounts the Dutch way
    expect(page.get_by_role("group", name="Next renewal")).to_contain_text("Office 365 E3")
    expect(page.get_by_role("alert")).to_contain_text("2 invoices are past their due date")
    # The invoiced-per-month chart: its text alternative gives every month's exact amounts.
    chart = page.get_by_role("img", name=re.compile(r"^Invoiced per month\. "))
    expect(chart).to_be_visible()
    expect(chart).to_have_attribute("aria-label", re.compile(r"EUR 552,00"))
    expect(page.get_by_text(re.compile(r"^Highest: (EUR|USD) "))).to_be_visible()


def test_every_section_opens_from_the_navigation(signed_in: Page, base: str):
    page = signed_in
    for label in NAVIGATION[1:]:
        open_from_menu(page, label)
        expect(page.get_by_role("link", name=label, exact=True)).to_have_attribute("aria-current", "page")


def test_wrong_password_says_so_and_keeps_the_visitor_out(page: Page, base: str):
    sign_in(page, base, password="not-the-password")
    expect(page.get_by_role("alert")).to_contain_text("do not match")
    assert page.url.startswith(f"{base}/sign-in")
    page.goto(f"{base}/")
    expect(page).to_have_url(re.compile(r"/sign-in"))


def test_a_bookmarked_page_asks_for_sign_in_then_opens(page: Page, base: str):
    page.goto(f"{base}/payment-methods")
    expect(page).to_have_url(re.compile(r"/sign-in/?\?next=/payment-methods"))
    page.get_by_label("Work e-mail").fill("aleroy@flexis.com")
    page.get_by_label("Password").fill("flexis-demo")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/payment-methods/?$"))
    expect(page.get_by_role("heading", name="Payment methods", level=1)).to_be_visible()


def test_sign_in_never_redirects_to_another_site(page: Page, base: str):
    page.goto(f"{base}/sign-in?next=//evil.example/steal")
    page.get_by_label("Work e-mail").fill("aleroy@flexis.com")
    page.get_by_label("Password").fill("flexis-demo")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    assert page.url.startswith(base)


def test_sign_out_invalidates_the_session_on_the_server(signed_in: Page, base: str, browser):
    page = signed_in
    cookie = next(c for c in page.context.cookies() if c["name"] == "bc_session")
    assert httpx.get(f"{base}/api/session", cookies={"bc_session": cookie["value"]}).status_code == 200
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in"))
    # The old cookie, replayed, no longer opens anything.
    assert httpx.get(f"{base}/api/session", cookies={"bc_session": cookie["value"]}).status_code == 401
    other = browser.new_context()
    other.add_cookies([{**cookie}])
    replay = other.new_page()
    replay.goto(f"{base}/")
    expect(replay).to_have_url(re.compile(r"/sign-in"))
    other.close()
