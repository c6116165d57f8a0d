"""Activation of billing access (R-ACT-1..3): welcome e-mail, proof by order/invoice, single-use links."""

import re
from datetime import timedelta

import pytest
import time_machine
from sqlmodel import select

from billing_center.domain import clock
from billing_center.domain.errors import RateLimited, ValidationFailed
from billing_center.models import AccessToken, AuditEvent, ContractAdmin, Invoice, OutgoingEmail, Person
from billing_center.services import activation, auth, policy
from billing_center.settings import get_settings
from tests.factories import actor_for

CONTACT = "pvermeulen@flexis.com"  # billing contact of Flexis without access yet (demo)
BUYER = "mbakker@flexis.com"  # no billing access, not a contact: needs proof
NEWCOMER = "newcomer@flexis.com"  # not a person yet
PASSWORD = "a-long-new-password"


def _outbox(session, to):
    return session.exec(select(OutgoingEmail).where(OutgoingEmail.to_address == to)
                        .order_by(OutgoingEmail.id)).all()


def _token(session, to) -> str:
    mails = _outbox(session, to)
    assert mails, f"no e-mail to {to}"
    return re.search(r"/activate\?token=([A-Za-z0-9_\-]+)", mails[-1].body_text).group(1)


def test_a_billing_contact_gets_the_welcome_email_over_smtp(session, smtp_server):
    result = activation.request_access(session=session, email=" PVermeulen@Flexis.com ", ip="10.2.0.1")
    assert result.outcome == "email_sent"
    session.commit()
    [mail] = smtp_server.to(CONTACT)
    assert mail.subject == "Welkom bij Billing Center"  # Flexis writes Dutch: the recipient's language (issue 11)
    assert "Mijn account activeren" in mail.body
    link = mail.link()
    assert link.startswith(get_settings().public_url.rstrip("/") + "/activate?token=")
    token = link.rsplit("=", 1)[1]
    # Only the hash is stored.
    row = session.exec(select(AccessToken).where(AccessToken.email == CONTACT)).one()
    assert row.token_hash == auth.token_digest(token) and token not in row.token_hash
    assert row.expires_at.replace(tzinfo=None) > clock.now().replace(tzinfo=None)


def test_someone_with_access_gets_no_email_and_simply_signs_in(session, no_smtp):
    assert activation.request_access(session=session, email="jdevries@flexis.com").outcome == "has_access"
    assert _outbox(session, "jdevries@flexis.com") == []


@pytest.mark.parametrize("email", [BUYER, NEWCOMER])
def test_anyone_else_must_prove_access_first(session, no_smtp, email):
    assert activation.request_access(session=session, email=email).outcome == "proof_needed"
    assert _outbox(session, email) == []


@pytest.mark.parametrize("email", ["", "not-an-email", "a@b", "x@example.com\nBcc: y@example.com"])
def test_a_bad_email_is_named(session, email):
    with pytest.raises(ValidationFailed) as err:
        activation.request_access(session=session, email=email)
    assert err.value.field == "email"


@pytest.mark.parametrize(("reference", "amount"), [
    ("FL123133-2", "6000.00"),  # order total (USD 6,000.00)
    ("fl123133-2", "USD 6.000,00"),  # the way Flexis writes it
    ("FL123133-2", "6,000"),
])
def test_an_order_number_with_its_total_proves_access(session, no_smtp, reference, amount):
    result = activation.request_access(session=session, email=BUYER, reference=reference, amount=amount)
    assert result.outcome == "email_sent"
    assert _outbox(session, BUYER)[-1].subject == "Welcome to Billing Center"  # she chose English (issue 11)


def test_an_invoice_number_with_its_subtotal_or_total_proves_access(session, no_smtp):
    invoice = session.exec(select(Invoice).where(Invoice.number == "INV1238")).one()
    for minor in {invoice.subtotal_minor, invoice.total_minor}:
        amount = f"{minor // 100}.{minor % 100:02d}"
        assert activation.request_access(session=session, email=NEWCOMER, reference="INV1238",
                                         amount=amount).outcome == "email_sent"


@pytest.mark.parametrize(("amount", "message"), [
    ("0", "A total of 0"), ("0,00", "A total of 0"), ("-6000", "minus"), ("six thousand", "such as"),
    ("1.2.3,4,5", "such as"), ("6.000.00", "such as"), ("6,00,0", "such as"), ("99999999999999999", "too large"),
    ("", "subtotal or total"),
])
def test_bad_amounts_are_refused_and_change_nothing(session, no_smtp, amount, message):
    with pytest.raises(ValidationFailed) as err:
        activation.request_access(session=session, email=BUYER, reference="FL123133-2", amount=amount)
    assert err.value.field == "amount" and message in err.value.message
    assert _outbox(session, BUYER) == []


@pytest.mark.parametrize(("email", "reference", "amount"), [
    (BUYER, "FL123133-2", "5999.99"),  # right number, wrong amount
    (BUYER, "FL999999-9", "6000.00"),  # no such number
    ("nobody@nowhere.example", "FL999999-9", "1.00"),  # nothing exists
    ("nobody@nowhere.example", "FL123133-2", "1.00"),
    (BUYER, "CT500100-1", "3600.00"),  # another organisation's order with its right total
])
def test_a_wrong_pair_gets_the_same_message_whatever_exists(session, no_smtp, email, reference, amount):
    with pytest.raises(ValidationFailed) as err:
        activation.request_access(session=session, email=email, reference=reference, amount=amount, ip="10.3.0.1")
    assert err.value.message == activation.VERIFICATION_FAILED
    assert _outbox(session, email) == []
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "access_verification_failed",
                                                 AuditEvent.actor_email == email)).all()


def test_verification_is_rate_limited(session, no_smtp):
    limit = get_settings().sign_in_max_failures
    for i in range(limit):
        with pytest.raises(ValidationFailed):
            activation.request_access(session=session, email=BUYER, reference="FL123133-2", amount=f"{i + 1}.00",
                                      ip=f"10.4.0.{i}")
    with pytest.raises(RateLimited):  # even the right pair, until the window has passed
        activation.request_access(session=session, email=BUYER, reference="FL123133-2", amount="6000.00",
                                  ip="10.4.1.1")
    later = clock.now() + timedelta(minutes=get_settings().sign_in_window_minutes + 1)
    with time_machine.travel(later, tick=False):
        assert activation.request_access(session=session, email=BUYER, reference="FL123133-2",
                                         amount="6000.00").outcome == "email_sent"


def test_a_double_submit_sends_one_email(session, no_smtp):
    activation.request_access(session=session, email=CONTACT)
    activation.request_access(session=session, email=CONTACT)
    assert len(_outbox(session, CONTACT)) == 1


def test_contact_signs_up_accepts_and_becomes_billing_admin(session, no_smtp):
    activation.request_access(session=session, email=CONTACT)
    token = _token(session, CONTACT)
    info = activation.inspect_link(session=session, token=token)
    assert (info.email, info.organisation_name, info.has_account) == (CONTACT, "Flexis", False)
    signed = activation.sign_up_with_link(session=session, token=token, full_name="", password=PASSWORD,
                                          password_again=PASSWORD)
    assert signed.actor.email == CONTACT and signed.actor.role == "member"
    accepted = activation.accept_link(session=session, actor=signed.actor, token=token)
    assert accepted.actor.role == "billing_admin" and accepted.next_path == "/"
    person = session.exec(select(Person).where(Person.email == CONTACT)).one()
    assert person.has_billing_access and auth.verify_password(person.password_hash, PASSWORD)
    assert activation.request_access(session=session, email=CONTACT).outcome == "has_access"


def test_a_newcomer_with_proof_becomes_admin_of_that_contract_only(session, no_smtp):
    activation.request_access(session=session, email=NEWCOMER, reference="FL123133-2", amount="6000")
    token = _token(session, NEWCOMER)
    assert activation.inspect_link(session=session, token=token).contract_number == "FL123133"
    with pytest.raises(ValidationFailed) as err:
        activation.sign_up_with_link(session=session, token=token, full_name="", password=PASSWORD,
                                     password_again=PASSWORD)
    assert err.value.field == "full_name"
    signed = activation.sign_up_with_link(session=session, token=token, full_name="Nora Newcomer",
                                          password=PASSWORD, password_again=PASSWORD)
    accepted = activation.accept_link(session=session, actor=signed.actor, token=token)
    assert accepted.actor.role == "contract_admin"
    visible = policy.visible_contract_ids(session, accepted.actor)
    admin_row = session.exec(select(ContractAdmin).where(ContractAdmin.email == NEWCOMER)).one()
    assert visible == [admin_row.contract_id] and admin_row.status == "active"


@pytest.mark.parametrize(("password", "again", "field"), [
    ("short", "short", "password"), ("x" * 129, "x" * 129, "password"), (PASSWORD, PASSWORD + "!", "password_again"),
])
def test_new_passwords_are_checked(session, no_smtp, password, again, field):
    activation.request_access(session=session, email=CONTACT)
    token = _token(session, CONTACT)
    with pytest.raises(ValidationFailed) as err:
        activation.sign_up_with_link(session=session, token=token, full_name="P", password=password,
                                     password_again=again)
    assert err.value.field == field
    assert session.exec(select(Person).where(Person.email == CONTACT)).one().password_hash is None


def test_a_used_link_cannot_be_used_again(session, no_smtp):
    activation.request_access(session=session, email=CONTACT)
    token = _token(session, CONTACT)
    signed = activation.sign_up_with_link(session=session, token=token, full_name="", password=PASSWORD,
                                          password_again=PASSWORD)
    activation.accept_link(session=session, actor=signed.actor, token=token)
    with pytest.raises(activation.LinkInvalid):
        activation.accept_link(session=session, actor=signed.actor, token=token)
    with pytest.raises(activation.LinkInvalid):
        activation.inspect_link(session=session, token=token)


def test_an_expired_link_is_refused(session, no_smtp):
    activation.request_access(session=session, email=CONTACT)
    token = _token(session, CONTACT)
    later = clock.now() + timedelta(hours=get_settings().activation_link_hours, seconds=1)
    with time_machine.travel(later, tick=False):
        with pytest.raises(activation.LinkInvalid) as err:
            activation.inspect_link(session=session, token=token)
        with pytest.raises(activation.LinkInvalid):
            activation.sign_up_with_link(session=session, token=token, full_name="", password=PASSWORD,
                                         password_again=PASSWORD)
    assert err.value.message == activation.LINK_INVALID


@pytest.mark.parametrize("tamper", [
    lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # one character changed
    lambda t: t[:-4],  # cut short
    lambda t: t + "x",
    lambda t: "",
    lambda t: "../../etc/passwd",
    lambda t: t.upper(),
])
def test_a_tampered_link_is_refused_with_the_same_message(session, no_smtp, tamper):
    activation.request_access(session=session, email=CONTACT)
    token = _token(session, CONTACT)
    with pytest.raises(activation.LinkInvalid) as err:
        activation.inspect_link(session=session, token=tamper(token))
    assert err.value.message == activation.LINK_INVALID


def test_someone_else_cannot_accept_a_link(session, no_smtp):
    activation.request_access(session=session, email=CONTACT)
    token = _token(session, CONTACT)
    intruder = actor_for(session, "admin@contoso.com")
    with pytest.raises(activation.LinkInvalid):
        activation.accept_link(session=session, actor=intruder, token=token)
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "access_denied",
                                                 AuditEvent.actor_email == "admin@contoso.com")).all()
    # The link still works for its owner.
    assert activation.inspect_link(session=session, token=token).email == CONTACT


@pytest.mark.parametrize(("text", "minor"), [("6000", 600000), ("6000.5", 600050), ("6.000,00", 600000),
                                             ("6,000.00", 600000), ("USD 6.000,00", 600000), ("3 600 €", 360000),
                                             ("3\u202f600,00\u00a0€", 360000), ("12.000", 1200000)])
def test_amounts_are_read_the_way_people_write_them(text, minor):
    assert activation.parse_amount(text) == minor
