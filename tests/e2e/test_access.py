"""Issue 4 end to end: Access billing, the demo mailbox, Accept and continue, Admins, Audit log."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.actions import open_from_menu, request_access_with_proof, sign_in

NEW_PASSWORD = "a-long-new-password"


def _open_latest_link(page: Page, base: str, to: str, button: str) -> None:
    page.goto(f"{base}/mailbox")
    messages = page.get_by_label("Messages")
    messages.get_by_role("button").filter(has_text=to).first.click()
    message = page.get_by_label("Message", exact=True)
    expect(message).to_contain_text(to)
    message.get_by_role("link", name=button).click()


def open_listing(page: Page, section: str, table: str, *listed: str) -> None:
    """``section`` opened from the main menu: its ``table`` lists each of ``listed``."""
    open_from_menu(page, section)
    rows = page.get_by_role("table", name=table)
    for text in listed:
        expect(rows).to_contain_text(text)


def test_activation_with_proof_then_sign_up_and_accept(page: Page, base: str):
    page.goto(f"{base}/sign-in")
    page.get_by_role("link", name="Access billing").click()
    expect(page.get_by_role("heading", name="Access billing")).to_be_visible()
    expect(page.get_by_role("button", name="Continue")).to_be_enabled()  # hydrated
    page.get_by_label("Work e-mail").fill("nina.newhire@flexis.com")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Order or invoice number").fill("FL123133-2")
    page.get_by_label("Subtotal or total").fill("0")
    page.get_by_role("button", name="Verify and continue").click()
    expect(page.get_by_text("A total of 0 is not accepted", exact=False).last).to_be_visible()
    page.get_by_label("Subtotal or total").fill("5.999,99")
    page.get_by_role("button", name="Verify and continue").click()
    expect(page.get_by_text("We could not verify that order or invoice number")).to_be_visible()
    page.get_by_label("Subtotal or total").fill("6.000,00")
    page.get_by_role("button", name="Verify and continue").click()
    expect(page.get_by_role("status")).to_contain_text("Check your mailbox")

    _open_latest_link(page, base, "nina.newhire@flexis.com", "Mijn account activeren")
    expect(page.get_by_role("heading", name="Create your account")).to_be_visible()
    expect(page.get_by_text("contract FL123133 of Flexis")).to_be_visible()
    page.get_by_label("Full name").fill("Nina Newhire")
    page.get_by_label("New password").fill("short")
    page.get_by_label("Repeat the password").fill("short")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("at least 12 characters").last).to_be_visible()
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_label("Repeat the password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("button", name="Accepteren en doorgaan").click()  # signed in: Dutch
    # A new Flexis colleague has chosen no language yet: the console speaks Flexis's, Dutch (issue 11).
    expect(page.get_by_role("heading", name="Beheerders", level=1)).to_be_visible()
    expect(page.get_by_text("Contractbeheerder", exact=True)).to_be_visible()
    expect(page.get_by_role("table", name="Beheerders van het contract")).to_contain_text("nina.newhire@flexis.com")


def test_a_billing_contact_gets_the_welcome_email_and_the_link_works_once(page: Page, base: str, browser):
    page.goto(f"{base}/access")
    expect(page.get_by_role("button", name="Continue")).to_be_enabled()  # hydrated
    page.get_by_label("Work e-mail").fill("pvermeulen@flexis.com")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("status")).to_contain_text("Check your mailbox")
    page.goto(f"{base}/mailbox")
    page.get_by_label("Messages").get_by_role("button").filter(has_text="pvermeulen@flexis.com").first.click()
    link = page.get_by_label("Message", exact=True).get_by_role("link", name="Mijn account activeren")
    href = link.get_attribute("href")
    assert href.startswith(f"{base}/activate?token=")
    link.click()
    expect(page.get_by_text("billing of Flexis")).to_be_visible()
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_label("Repeat the password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("button", name="Accepteren en doorgaan").click()  # signed in: Dutch
    expect(page.get_by_role("heading", name="Overzicht", level=1)).to_be_visible()  # Flexis's language
    expect(page.get_by_text("Facturatiebeheerder", exact=True)).to_be_visible()
    expect(page.get_by_text("Pieter Vermeulen", exact=True)).to_be_visible()  # the name they already had
    # The same link, again, in a fresh browser: refused.
    other = browser.new_context()
    replay = other.new_page()
    replay.goto(href)
    expect(replay.get_by_role("heading", name="Link not valid")).to_be_visible()
    replay.goto(href[:-3] + "abc")  # tampered
    expect(replay.get_by_role("heading", name="Link not valid")).to_be_visible()
    other.close()
    # Asking again: they already have access and get no e-mail.
    page.get_by_role("button", name="Afmelden").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_enabled()  # the sign-out's navigations are over
    # Signed out, the tab speaks the visitor's language again: no choice on this device, so the browser's
    # (English), not the profile's Dutch.
    page.goto(f"{base}/access")
    expect(page.get_by_role("button", name="Continue")).to_be_enabled()  # hydrated
    page.get_by_label("Work e-mail").fill("pvermeulen@flexis.com")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("status")).to_contain_text("already has access")


def test_admins_invite_resend_and_remove(signed_in: Page, base: str):
    page = signed_in
    open_listing(page, "Admins", "Admins of the contract", "jdevries@flexis.com", "finance@flexis.com")
    page.goto(f"{base}/admins?contract=FL124480")  # bookmarkable
    expect(page.get_by_role("combobox", name="Contract")).to_have_text("FL124480")
    emails = page.get_by_label("E-mail addresses")
    emails.fill("ops@partner.example, not-an-address")
    page.get_by_role("button", name="Invite admins").click()
    expect(page.get_by_text("Not an e-mail address: not-an-address")).to_be_visible()
    emails.fill("ops@partner.example\nlegal@partner.example")
    page.get_by_role("button", name="Invite admins").click()
    expect(page.get_by_text("Invitations sent to 2 people.")).to_be_visible()
    table = page.get_by_role("table", name="Admins of the contract")
    ops = table.get_by_role("row").filter(has_text="ops@partner.example")
    expect(ops).to_contain_text("Invited")
    ops.get_by_role("button", name="Resend invitation").click()
    expect(page.get_by_text("Invitation sent again to ops@partner.example.")).to_be_visible()
    ops.get_by_role("button", name="Remove").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("ops@partner.example loses access to contract FL124480")
    dialog.get_by_role("button", name="Remove").click()
    expect(page.get_by_text("ops@partner.example was removed from contract FL124480.")).to_be_visible()
    expect(table.get_by_role("row").filter(has_text="ops@partner.example")).to_have_count(0)
    expect(table).to_contain_text("legal@partner.example")


def test_audit_log_filters_pages_and_exports_csv(signed_in: Page, base: str):
    page = signed_in
    open_listing(page, "Audit log", "Audit log", "Signed in", "aleroy@flexis.com")
    page.goto(f"{base}/audit?action=sign_in")
    expect(page.get_by_role("combobox", name="Action")).to_have_text("Signed in")
    rows = page.get_by_role("table", name="Audit log").get_by_role("row")
    expect(rows.first).to_be_visible()
    for text in rows.all_inner_texts()[1:]:
        assert "Signed in" in text
    with page.expect_download() as download:
        page.get_by_role("button", name="Export CSV").click()
    content = Path(download.value.path()).read_text(encoding="utf-8")
    parsed = list(csv.reader(io.StringIO(content)))
    assert parsed[0][:3] == ["When (UTC)", "Who", "Action"]
    assert len(parsed) > 1 and all(r[3] == "sign_in" for r in parsed[1:])
    page.goto(f"{base}/audit?from=not-a-date")
    expect(page.get_by_role("alert")).to_contain_text("YYYY-MM-DD")


def test_roles_and_other_organisations_on_the_pages(page: Page, base: str):
    sign_in(page, base, "jdevries@flexis.com", "flexis-demo")  # contract admin
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Admins", exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="Audit log", exact=True)).to_have_count(0)
    page.goto(f"{base}/audit")
    expect(page.get_by_text("The audit log is for billing admins")).to_be_visible()
    expect(page.get_by_role("table")).to_have_count(0)
    page.goto(f"{base}/admins?contract=FL124480")  # same organisation, not his contract
    expect(page.get_by_role("alert")).to_contain_text("No such contract")
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in"))
    sign_in(page, base, "admin@contoso.com", "contoso-demo")
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    page.goto(f"{base}/admins?contract=FL123133")  # another organisation's contract
    expect(page.get_by_role("alert")).to_contain_text("No such contract")
    expect(page.get_by_text("jdevries@flexis.com")).to_have_count(0)
    page.goto(f"{base}/admins?contract=CT999999")  # a missing one: the same answer
    expect(page.get_by_role("alert")).to_contain_text("No such contract")
    page.goto(f"{base}/audit")
    expect(page.get_by_role("table", name="Audit log")).to_contain_text("admin@contoso.com")
    expect(page.get_by_role("table", name="Audit log")).not_to_contain_text("flexis.com")
    expect(page.get_by_role("table", name="Audit log")).to_contain_text("Access denied")


def test_a_handler_called_over_the_websocket_with_another_organisations_id_gets_nothing(page: Page, base: str,
                                                                                        app_server):
    """Contoso's admin rewrites the id inside the event frames the browser sends (as anyone can with
    devtools): the Resend and Remove handlers get Flexis's admin id and must do nothing but refuse
    and leave an audit entry."""
    from sqlmodel import select

    from billing_center.db import build_engine, session_scope
    from billing_center.models import AuditEvent, ContractAdmin, OutgoingEmail

    engine = build_engine(app_server.database_url)
    with session_scope(engine) as session:
        victim = session.exec(select(ContractAdmin).where(ContractAdmin.email == "finance@flexis.com")).one()
        victim_id, victim_sent = victim.id, victim.last_sent_at
        mails_before = len(session.exec(select(OutgoingEmail).where(
            OutgoingEmail.to_address == "finance@flexis.com")).all())

    rewrite = {"on": False}

    def handler(ws):
        server = ws.connect_to_server()

        def outgoing(message):
            if rewrite["on"] and isinstance(message, str):
                message = re.sub(r'(\\?"admin_id\\?"\s*:\s*)\\?"?\d+\\?"?', rf'\g<1>"{victim_id}"', message)
            server.send(message)

        ws.on_message(outgoing)
        server.on_message(lambda message: ws.send(message))

    page.route_web_socket(re.compile(r".*/_event.*"), handler)
    sign_in(page, base, "admin@contoso.com", "contoso-demo")
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    page.goto(f"{base}/admins?contract=CT500100")
    page.get_by_label("E-mail addresses").fill("helper@partner.example")
    page.get_by_role("button", name="Invite admins").click()
    row = page.get_by_role("table", name="Admins of the contract").get_by_role("row").filter(
        has_text="helper@partner.example")
    expect(row).to_contain_text("Invited")

    rewrite["on"] = True
    row.get_by_role("button", name="Resend invitation").click()
    expect(page.get_by_text("No such admin.")).to_be_visible()
    row.get_by_role("button", name="Remove").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Remove").click()
    expect(page.get_by_text("No such admin.").last).to_be_visible()

    def denied_count() -> int:
        with session_scope(engine) as session:
            return len(session.exec(select(AuditEvent).where(AuditEvent.action == "access_denied",
                                                             AuditEvent.actor_email == "admin@contoso.com",
                                                             AuditEvent.target_id == str(victim_id))).all())

    for _ in range(100):  # the second refusal is written while the first toast still shows
        if denied_count() >= 2:
            break
        page.wait_for_timeout(100)
    assert denied_count() == 2
    expect(row).to_contain_text("Invited")  # Contoso's own row was not touched either
    with session_scope(engine) as session:
        victim = session.get(ContractAdmin, victim_id)
        assert victim.status == "invited" and victim.last_sent_at == victim_sent
        assert len(session.exec(select(OutgoingEmail).where(
            OutgoingEmail.to_address == "finance@flexis.com")).all()) == mails_before
    engine.dispose()


def test_sign_in_is_rate_limited_in_the_console(page: Page, base: str):
    """An address nobody uses, so the throttle locks no demo account for other tests."""
    for attempt in range(5):
        sign_in(page, base, "rate-limit-probe@flexis.com", f"guess-{attempt}")
        expect(page.get_by_role("alert")).to_contain_text("do not match")
    sign_in(page, base, "rate-limit-probe@flexis.com", "guess-again")
    expect(page.get_by_role("alert")).to_contain_text("Too many failed attempts")


def test_an_existing_account_signs_in_from_the_link_and_a_signed_in_stranger_is_stopped(signed_in: Page,
                                                                                       base: str, app_server):
    """Someone with a password but no billing access proves access, opens the link while another
    person (aleroy) is signed in in the same browser, switches account, signs in and accepts."""
    from sqlmodel import select

    from billing_center.db import build_engine, session_scope
    from billing_center.models import Organisation, Person
    from billing_center.services.auth import hash_password

    engine = build_engine(app_server.database_url)
    with session_scope(engine) as session:
        flexis = session.exec(select(Organisation).where(Organisation.slug == "flexis")).one()
        session.add(Person(organisation_id=flexis.id, email="existing.member@flexis.com", full_name="Eva Existing",
                           password_hash=hash_password(NEW_PASSWORD), role="member", locale="nl",
                           language="en"))  # she chose English (issue 11)
    engine.dispose()

    page = signed_in
    request_access_with_proof(page, base, "existing.member@flexis.com", "INV1238", "20.000,00")

    _open_latest_link(page, base, "existing.member@flexis.com", "Activate my account")  # Eva chose English
    expect(page.get_by_role("heading", name="This link is for someone else")).to_be_visible()
    page.get_by_role("button", name="Sign out and continue").click()
    expect(page.get_by_role("heading", name="Sign in to continue")).to_be_visible()
    page.get_by_label("Password").fill("wrong-password-here")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("do not match")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("You are signed in as Eva Existing")).to_be_visible()
    page.get_by_role("button", name="Accept and continue").click()
    expect(page.get_by_role("heading", name="Admins", level=1)).to_be_visible()
    expect(page.get_by_role("combobox", name="Contract")).to_have_text("FL123133")
    eva = page.get_by_role("table", name="Admins of the contract").get_by_role("row").filter(has_text="Eva Existing")
    expect(eva).to_contain_text("existing.member@flexis.com")
    expect(eva).to_contain_text("Active")


def test_access_billing_keeps_what_was_typed_when_the_tab_comes_back_to_it(page: Page, base: str):
    """A tab that used Access billing and comes back to it by a document load first gets that visit's
    answer from the server (the hydration), then the first step again (the page's load). What the person
    typed in between stays in the field. The test holds the page's websocket messages back while it
    types, so the hydration surely comes after the typing."""
    held: list = []
    live = {"on": True}

    def hold_while_typing(ws):
        server = ws.connect_to_server()
        ws.on_message(lambda message: server.send(message) if live["on"] else held.append((server, message)))

    page.route_web_socket(re.compile(r"/_event"), hold_while_typing)
    for attempt in range(2):
        page.goto(f"{base}/access")
        expect(page.get_by_role("button", name="Continue")).to_be_enabled()
        page.get_by_label("Work e-mail").fill("aleroy@flexis.com")
        if attempt == 1:  # the tab's second visit: let the page talk to the server only now
            live["on"] = True
            for server, message in held:
                server.send(message)
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("status")).to_contain_text("already has access")
        page.goto(f"{base}/mailbox")  # a document load elsewhere: this page's leave event never runs
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        live["on"] = False
