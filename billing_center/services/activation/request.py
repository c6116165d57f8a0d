"""Asking for billing access (R-ACT-1, R-ACT-2).

A work e-mail first. A primary or billing contact gets the "Welcome to Billing Center" e-mail at
once. Anyone else proves access with an order or invoice number and its subtotal or total (never
0); a wrong pair gets one message whether or not the e-mail or the number exists, and failures are
rate-limited per e-mail and per address. Someone who already has access gets no e-mail: they sign in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, select

from billing_center import i18n
from billing_center.domain import clock
from billing_center.domain.errors import ValidationFailed
from billing_center.i18n import N_, _
from billing_center.models import AccessAttempt, AccessToken, Contract, Invoice, Order, Organisation, Person
from billing_center.services import audit, auth
from billing_center.services.activation.links import ACTIVATION, issue_link, link_url
from billing_center.services.mail import is_email_address, send_email
from billing_center.settings import get_settings

VERIFICATION_FAILED = N_(
    "We could not verify that order or invoice number with that amount for this e-mail address. "
    "Check the number and the subtotal or total on the document and try again."
)


@dataclass(frozen=True)
class AccessRequest:
    outcome: str  # email_sent, proof_needed, has_access
    email: str


def parse_amount(text: str) -> int:
    """'6000', '6000.00', '6,000.00', '6.000,00', 'USD 6.000,00' -> minor units. Never a float."""
    raw = (text or "").strip()
    if not raw:
        raise ValidationFailed("amount", "Enter the subtotal or total of the order or invoice.")
    if "-" in raw:
        raise ValidationFailed("amount", "Enter the amount without a minus sign.")
    cleaned = re.sub(r"^[A-Za-z$€£\s]+|[A-Za-z$€£\s]+$", "", raw).replace("\u202f", "").replace("\u00a0", "")
    cleaned = cleaned.replace(" ", "")
    if not cleaned or not re.fullmatch(r"[0-9.,]+", cleaned) or not cleaned[0].isdigit():
        raise ValidationFailed("amount", "Enter an amount such as 6000.00.")
    decimal_sep = None
    if "," in cleaned and "." in cleaned:
        decimal_sep = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
    else:
        for sep in ",.":
            if cleaned.count(sep) == 1 and re.search(rf"\{sep}\d{{1,2}}$", cleaned):
                decimal_sep = sep
    if decimal_sep:
        units, _, cents = cleaned.rpartition(decimal_sep)
    else:
        units, cents = cleaned, ""
    separators = set(units) - set("0123456789")
    if len(separators) > 1 or (separators and not re.fullmatch(
            rf"\d{{1,3}}(\{next(iter(separators))}\d{{3}})+", units)):
        raise ValidationFailed("amount", "Enter an amount such as 6000.00.")
    units = units.replace(",", "").replace(".", "")
    if not units.isdigit() or (cents and not cents.isdigit()) or len(cents) > 2:
        raise ValidationFailed("amount", "Enter an amount such as 6000.00.")
    if len(units) > 12:
        raise ValidationFailed("amount", "That amount is too large to be an order or invoice total.")
    minor = int(units) * 100 + int((cents + "00")[:2])
    if minor == 0:
        raise ValidationFailed("amount", "A total of 0 is not accepted: enter the subtotal or total of a paid "
                                         "order or invoice.")
    return minor


def _welcome(session: Session, *, org: Organisation, email: str, person: Person | None,
             contract: Contract | None) -> None:
    settings = get_settings()
    token = issue_link(session=session, organisation_id=org.id, purpose=ACTIVATION, email=email,
                       person_id=person.id if person else None, contract_id=contract.id if contract else None,
                       lifetime=timedelta(hours=settings.activation_link_hours))
    # In the recipient's language (issue 11): their profile's, else their organisation's.
    with i18n.using(i18n.choose(profile=person.language if person else None, organisation=org.locale)):
        scope = (_("contract {contract} of {organisation}").format(contract=contract.number, organisation=org.name)
                 if contract else org.name)
        hours = settings.activation_link_hours
        body = "\n\n".join([
            _("Hello {name},").format(name=person.full_name) if person else _("Hello,"),
            _("You asked for access to the billing of {scope} in Billing Center.").format(scope=scope),
            _("Activate my account:") + "\n" + link_url(token),
            i18n.ngettext("The link works once and expires in {count} hour.",
                          "The link works once and expires in {count} hours.", hours).format(count=hours)
            + " " + _("If you did not ask for this, you can ignore this e-mail: nothing changes."),
            "Billing Center",
        ])
        subject = _("Welcome to Billing Center")
    send_email(session=session, to=email, subject=subject, body=body, template="welcome", organisation_id=org.id)


def _recently_sent(session: Session, email: str) -> bool:
    """A double submit within a minute sends no second e-mail."""
    since = clock.now() - timedelta(minutes=1)
    return session.exec(
        select(AccessToken.id).where(AccessToken.email == email, AccessToken.purpose == ACTIVATION,
                                     AccessToken.used_at.is_(None), AccessToken.created_at >= since)
    ).first() is not None


def request_access(*, session: Session, email: str, reference: str = "", amount: str = "",
                   ip: str = "") -> AccessRequest:
    email = auth.normalise_email(email)
    if not is_email_address(email):
        raise ValidationFailed("email", "Enter your work e-mail address, such as name@company.com.")
    person = session.exec(select(Person).where(Person.email == email)).first()
    if person is not None and person.has_billing_access and person.password_hash:
        return AccessRequest("has_access", email)  # R-ACT-3: no e-mail, they sign in
    if person is not None and (person.is_primary_contact or person.is_billing_contact):
        org = session.get(Organisation, person.organisation_id)
        if not _recently_sent(session, email):
            _welcome(session, org=org, email=email, person=person, contract=None)
            audit.record(session=session, action="access_requested", organisation_id=org.id, actor_email=email,
                         detail="Primary or billing contact: welcome e-mail sent.", ip=ip)
        return AccessRequest("email_sent", email)
    reference = (reference or "").strip().upper()
    if not reference and not (amount or "").strip():
        return AccessRequest("proof_needed", email)
    if not reference:
        raise ValidationFailed("reference", "Enter the number of an order or invoice, such as FL123133-2.")
    if len(reference) > 40:
        raise ValidationFailed("reference", "That is not an order or invoice number.")
    minor = parse_amount(amount)
    auth.check_rate_limit(session, kind="verification", email=email, ip=ip)

    contract_id = organisation_id = None
    order = session.exec(select(Order).where(Order.number == reference)).first()
    if order is not None and order.total_minor > 0 and minor == order.total_minor:
        contract_id, organisation_id = order.contract_id, order.organisation_id
    invoice = session.exec(select(Invoice).where(Invoice.number == reference)).first()
    if invoice is not None and invoice.total_minor > 0 and minor in (invoice.subtotal_minor, invoice.total_minor):
        contract_id, organisation_id = invoice.contract_id, invoice.organisation_id
    ok = contract_id is not None and (person is None or person.organisation_id == organisation_id)
    session.add(AccessAttempt(kind="verification", email=email, ip=ip[:64], succeeded=ok))
    if not ok:
        known_org = (order.organisation_id if order else None) or (invoice.organisation_id if invoice else None) \
            or (person.organisation_id if person else None)
        audit.record(session=session, action="access_verification_failed", organisation_id=known_org,
                     actor_email=email, detail=f"Proof with number {reference[:40]} refused.", ip=ip)
        session.commit()  # the failure feeds the rate limit and the audit log: keep it
        raise ValidationFailed("reference", VERIFICATION_FAILED)
    org = session.get(Organisation, organisation_id)
    contract = session.get(Contract, contract_id)
    _welcome(session, org=org, email=email, person=person, contract=contract)
    audit.record(session=session, action="access_requested", organisation_id=org.id, actor_email=email,
                 target_type="contract", target_id=contract.number,
                 detail=f"Verified with {reference}: welcome e-mail sent.", ip=ip)
    return AccessRequest("email_sent", email)
