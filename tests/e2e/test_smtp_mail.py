"""E-mail over real SMTP end to end: the production app started with SMTP_HOST/SMTP_PORT pointing
at an aiosmtpd server; the welcome e-mail is read from that server and its link followed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.actions import request_access_with_proof
from tests.e2e.server import AppServer, start_app
from tests.smtp_server import SmtpServer, running_smtp_server
from tests.support import sqlite_database


@pytest.fixture(scope="module")
def smtp() -> Iterator[SmtpServer]:
    with running_smtp_server() as server:
        yield server


@pytest.fixture(scope="module")
def smtp_app(tmp_path_factory, smtp) -> Iterator[AppServer]:
    tmp = tmp_path_factory.mktemp("app-smtp")
    with sqlite_database(tmp) as url:
        server = start_app(tmp, url, {"SMTP_HOST": smtp.host, "SMTP_PORT": str(smtp.port)})
        try:
            yield server
        finally:
            server.stop()


def test_the_welcome_email_goes_out_over_smtp_and_its_link_works(page: Page, smtp_app: AppServer,
                                                                 smtp: SmtpServer):
    base = smtp_app.url
    page.goto(f"{base}/access")
    expect(page.get_by_role("button", name="Continue")).to_be_enabled()
    page.get_by_label("Work e-mail").fill("pvermeulen@flexis.com")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("status")).to_contain_text("Check your mailbox")
    expect(page.get_by_role("link", name="Open the demo mailbox")).to_have_count(0)  # real e-mail, no demo box

    [mail] = smtp.to("pvermeulen@flexis.com", wait=15)
    assert mail.subject == "Welkom bij Billing Center"  # Flexis writes Dutch: the recipient's language (issue 11)
    assert mail.message["From"] == "Billing Center <billing@billing-center.example>"
    link = mail.link()
    assert link.startswith(f"{base}/activate?token=")  # from PUBLIC_URL, not from the request

    page.goto(f"{base}/mailbox")
    expect(page.get_by_text("The demo mailbox is switched off")).to_be_visible()
    expect(page.get_by_label("Messages")).to_have_count(0)

    page.goto(link)
    page.get_by_label("New password").fill("a-long-new-password")
    page.get_by_label("Repeat the password").fill("a-long-new-password")
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("button", name="Accepteren en doorgaan").click()  # signed in: Flexis's language (issue 11)
    expect(page.get_by_role("heading", name="Overzicht", level=1)).to_be_visible()


def test_the_link_comes_from_the_public_url_not_from_the_address_the_visitor_used(page: Page,
                                                                                   smtp_app: AppServer,
                                                                                   smtp: SmtpServer):
    """The visitor reaches the app as 127.0.0.1 (an allowed origin); the link still uses PUBLIC_URL
    (localhost), so a request's Host can never steer where a link points."""
    other_base = f"http://127.0.0.1:{smtp_app.port}"
    request_access_with_proof(page, other_base, "mbakker@flexis.com", "FL123133-2", "6000")
    [mail] = smtp.to("mbakker@flexis.com", wait=15)
    assert mail.link().startswith(f"{smtp_app.url}/activate?token=")
    assert "127.0.0.1" not in mail.body
