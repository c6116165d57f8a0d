"""What a person does in the browser, shared by the end-to-end tests (the fixtures are in conftest.py)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

DEMO_EMAIL, DEMO_PASSWORD = "aleroy@flexis.com", "flexis-demo"


def sign_in(page: Page, base: str, email: str = DEMO_EMAIL, password: str = DEMO_PASSWORD) -> None:
    page.goto(f"{base}/sign-in")
    page.get_by_label("Work e-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def open_from_menu(page: Page, section: str) -> None:
    """``section`` opened from the main navigation: its heading is shown."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name=section, exact=True).click()
    expect(page.get_by_role("heading", name=section, level=1)).to_be_visible()


def request_access_with_proof(page: Page, base: str, email: str, reference: str, amount: str) -> None:
    """Access billing (R-ACT-2): a work e-mail, then an order or invoice number with its total."""
    page.goto(f"{base}/access")
    expect(page.get_by_role("button", name="Continue")).to_be_enabled()  # hydrated
    page.get_by_label("Work e-mail").fill(email)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Order or invoice number").fill(reference)
    page.get_by_label("Subtotal or total").fill(amount)
    page.get_by_role("button", name="Verify and continue").click()
    expect(page.get_by_role("status")).to_contain_text("Check your mailbox")
