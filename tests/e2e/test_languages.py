"""Issue 11 end to end: the console in Dutch, French and English.

The Flexis admin switches to Dutch with the language menu and walks every section by its Dutch
labels; French and back to English; the choice is kept (profile, and this browser for the sign-in
page); a validation message and a toast in each language; a French e-mail for a French recipient.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import create_engine, text

from tests.e2e.actions import request_access_with_proof

# The seed's vocabulary where the help pages name a thing (Contracten en bestellingen, Transacties...).
DUTCH_SECTIONS = ["Contracten en bestellingen", "Transacties", "Betaalmethoden", "Abonnementen", "Licenties",
                  "Gebruik", "Beheerders", "Facturatieaccounts", "Auditlogboek"]
LANGUAGE_LABEL = {"en": "Language", "nl": "Taal", "fr": "Langue"}


def choose(page: Page, current: str, new: str) -> None:
    page.get_by_label(LANGUAGE_LABEL[current], exact=True).first.select_option(new)


@pytest.fixture
def demo_people_keep_english(app_server) -> Iterator[None]:
    """The demo people chose English (seed); whatever a test chooses is undone for the next test."""
    yield
    engine = create_engine(app_server.database_url)
    with engine.begin() as db:
        db.execute(text("UPDATE person SET language = 'en' WHERE email IN ('aleroy@flexis.com', 'admin@contoso.com')"))
    engine.dispose()


def test_the_flexis_admin_walks_every_section_in_dutch_then_french_and_back(
        signed_in: Page, base: str, demo_people_keep_english):
    page = signed_in
    choose(page, "en", "nl")
    expect(page.get_by_role("heading", name="Overzicht", level=1)).to_be_visible()
    assert page.url.rstrip("/") == base  # the same page
    expect(page.get_by_label("Accountstatus")).to_have_text("Actief")  # the server's words follow too
    expect(page.get_by_role("alert")).to_contain_text("2 facturen zijn over de vervaldatum")
    nav = page.get_by_role("navigation", name="Hoofdmenu")
    for label in DUTCH_SECTIONS:
        nav.get_by_role("link", name=label, exact=True).click()
        expect(page.get_by_role("heading", name=label, level=1)).to_be_visible()
        expect(page).to_have_title(f"{label} | Billing Center")  # the browser tab too
    expect(page.get_by_role("columnheader", name="Wanneer (UTC)")).to_be_visible()  # the audit log's table

    page.goto(f"{base}/transactions?period=6m")
    expect(page.get_by_role("heading", name="Transacties", level=1)).to_be_visible()
    choose(page, "nl", "fr")
    expect(page.get_by_role("heading", name="Transactions", level=1)).to_be_visible()
    expect(page).to_have_title("Transactions | Billing Center")
    expect(page.get_by_role("columnheader", name="Date d’échéance")).to_be_visible()
    assert "period=6m" in page.url  # the page and its filters stay
    page.reload()  # remembered: the profile says French now
    expect(page.get_by_role("link", name="Modes de paiement", exact=True)).to_be_visible()

    choose(page, "fr", "en")
    expect(page.get_by_role("link", name="Payment methods", exact=True)).to_be_visible()
    expect(page.get_by_role("columnheader", name="Due date")).to_be_visible()


def test_the_sign_in_page_speaks_the_browsers_language_and_remembers_a_choice(browser, base: str):
    context = browser.new_context(locale="fr-BE", extra_http_headers={"Accept-Language": "fr-BE,fr;q=0.9"})
    page = context.new_page()
    page.goto(f"{base}/sign-in")
    expect(page.get_by_role("button", name="Se connecter")).to_be_visible()
    expect(page.get_by_role("link", name="Accéder à la facturation")).to_be_visible()
    choose(page, "fr", "nl")
    expect(page.get_by_role("button", name="Aanmelden")).to_be_visible()
    page.reload()
    expect(page.get_by_role("button", name="Aanmelden")).to_be_visible()  # this browser remembers
    context.close()


def test_the_sign_in_page_is_in_the_browsers_language_before_the_server_answers(browser, base: str):
    """No English flash: before the first event comes back the page already shows the device's language
    (i18n.GUESS_JS). Here the server never answers: the websocket is held by the test, silent."""
    context = browser.new_context(locale="nl-BE", extra_http_headers={"Accept-Language": "nl-BE,nl;q=0.9"})
    page = context.new_page()
    page.route_web_socket(re.compile(r".*/_event.*"), lambda socket: None)  # never connected to the server
    page.goto(f"{base}/sign-in")
    expect(page.get_by_role("button", name="Aanmelden")).to_be_visible()
    expect(page.get_by_label("Taal")).to_have_value("nl")
    expect(page).to_have_title("Aanmelden | Billing Center")
    context.close()


INVITE = {  # the invitation form's label and button, the refusal of a wrong address, the ZIP's toast
    "nl": ("E-mailadressen", "Beheerders uitnodigen", "Geen e-mailadres: not-an-address.",
           r"1 factuur-PDF staat klaar in .*\.zip"),
    "fr": ("Adresses e-mail", "Inviter des administrateurs", "Pas une adresse e-mail : not-an-address.",
           r"1 PDF de facture est prêt dans .*\.zip"),
    "en": ("E-mail addresses", "Invite admins", "Not an e-mail address: not-an-address.",
           r"1 invoice PDF is ready in .*\.zip"),
}


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_a_validation_message_and_a_toast_in_each_language(signed_in: Page, base: str, demo_people_keep_english,
                                                          lang):
    page = signed_in
    label, button, message, toast = INVITE[lang]
    if lang != "en":
        choose(page, "en", lang)
        expect(page.get_by_label(LANGUAGE_LABEL[lang], exact=True).first).to_have_value(lang)
    page.goto(f"{base}/admins")
    page.get_by_label(label).fill("not-an-address")
    page.get_by_role("button", name=button).click()
    expect(page.get_by_role("alert").filter(has_text=message)).to_be_visible()

    page.goto(f"{base}/transactions?period=6m")
    first_invoice = page.get_by_role("checkbox", name=re.compile(r"INV\d+$")).first
    expect(first_invoice).to_be_visible()
    first_invoice.click()
    with page.expect_download():
        page.get_by_role("button", name=re.compile(r"\(1\)")).click()
    expect(page.get_by_text(re.compile(toast))).to_be_visible()


def test_a_french_recipient_gets_the_welcome_e_mail_in_french(page: Page, base: str):
    request_access_with_proof(page, base, "lea.martin@contoso.com", "CT500100-1", "3600.00")
    page.goto(f"{base}/mailbox")
    page.get_by_label("Messages").get_by_role("button").filter(has_text="lea.martin@contoso.com").first.click()
    message = page.get_by_label("Message", exact=True)
    expect(message).to_contain_text("Bienvenue dans Billing Center")
    expect(message).to_contain_text("Vous avez demandé l’accès à la facturation (contrat CT500100 de Contoso)")
    expect(message.get_by_role("link", name=re.compile("Activer mon compte"))).to_be_visible()
