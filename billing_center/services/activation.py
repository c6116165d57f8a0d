"""Activation of billing access (R-ACT-1..3) and the single-use links it shares with admin invitations.

1. ``request_access``: a work e-mail. A primary or billing contact gets the "Welcome to Billing
   Center" e-mail at once. Anyone else proves access with an order or invoice number and its
   subtotal or total (never 0); a wrong pair gets one message whether or not the e-mail or the
   number exists, and failures are rate-limited per e-mail and per address. Someone who already has
   access gets no e-mail: they sign in.
2. The e-mail's **Activate my account** link is built from ``settings.public_url`` (never from the
   request), works once, expires, and only its SHA-256 is stored (AccessToken).
3. ``/activate?token=...``: sign up (set a password) or sign in, then ``accept_link`` (**Accept and
   continue**) consumes the token and grants the access.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from billing_center.domain import clock
from billing_center.domain.enums import AdminStatus, Role
from billing_center.domain.errors import Conflict, ServiceError, ValidationFailed
from billing_center.models import (
    AccessAttempt,
    AccessToken,
    Contract,
    ContractAdmin,
    Invoice,
    Order,
    Organisation,
    Person,
)
from billing_center.services import audit, auth
from billing_center.services.actors import Actor
from billing_center.services.mail import is_email_address, send_email
from billing_center.settings import get_settings

ACTIVATION = "activation"
ADMIN_INVITATION = "admin_invitation"

VERIFICATION_FAILED = (
    "We could not verify that order or invoice number with that amount for this e-mail address. "
    "Check the number and the subtotal or total on the document and try again."
)
LINK_INVALID = "This link cannot be used: it has expired, was already used or is not complete. Ask for a new one."
MIN_PASSWORD = 12
MAX_PASSWORD = 128


class LinkInvalid(ServiceError):
    """One message for expired, used, tampered and unknown links: no oracle for guessing."""

    code = "link_invalid"

    def __init__(self) -> None:
        super().__init__(LINK_INVALID)


# --- single-use links -------------------------------------------------------------------------

def issue_link(
    *,
    session: Session,
    organisation_id: int,
    purpose: str,
    email: str,
    lifetime: timedelta,
    person_id: int | None = None,
    contract_id: int | None = None,
) -> str:
    """A new single-use link token. Only its hash is stored; the token itself goes into one e-mail."""
    token = secrets.token_urlsafe(32)
    now = clock.now()
    session.add(
        AccessToken(
            organisation_id=organisation_id,
            purpose=purpose,
            email=email,
            person_id=person_id,
            contract_id=contract_id,
            token_hash=auth.token_digest(token),
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    session.flush()
    return token


def link_url(token: str) -> str:
    """Built from the configured public URL, never from the request's Host header."""
    return f"{get_settings().public_url.rstrip('/')}/activate?token={token}"


def revoke_links(*, session: Session, organisation_id: int, email: str, purpose: str,
                 contract_id: int | None = None) -> None:
    """Spend every open link of this kind for this address (a resend or a removal)."""
    query = (
        update(AccessToken)
        .where(
            AccessToken.organisation_id == organisation_id,
            AccessToken.email == email,
            AccessToken.purpose == purpose,
            AccessToken.used_at.is_(None),
        )
        .values(used_at=clock.now())
    )
    if contract_id is not None:
        query = query.where(AccessToken.contract_id == contract_id)
    session.exec(query)


def _valid_token(session: Session, token: str | None) -> AccessToken:
    if not token or not re.fullmatch(r"[A-Za-z0-9_\-]{20,100}", token):
        raise LinkInvalid()
    row = session.exec(select(AccessToken).where(AccessToken.token_hash == auth.token_digest(token))).first()
    if row is None or row.used_at is not None or clock.now() >= row.expires_at:
        raise LinkInvalid()
    return row


@dataclass(frozen=True)
class LinkInfo:
    purpose: str
    email: str
    organisation_name: str
    contract_number: str
    has_account: bool
    full_name: str

    @property
    def what(self) -> str:
        if self.purpose == ADMIN_INVITATION:
            return f"admin of contract {self.contract_number} of {self.organisation_name}"
        if self.contract_number:
            return f"billing of contract {self.contract_number} of {self.organisation_name}"
        return f"billing of {self.organisation_name}"


def inspect_link(*, session: Session, token: str | None) -> LinkInfo:
    """What a link grants and whether its person signs up or signs in. Does not spend the link."""
    row = _valid_token(session, token)
    org = session.get(Organisation, row.organisation_id)
    contract = session.get(Contract, row.contract_id) if row.contract_id else None
    person = session.exec(select(Person).where(Person.email == row.email)).first()
    return LinkInfo(
        purpose=row.purpose,
        email=row.email,
        organisation_name=org.name if org else "",
        contract_number=contract.number if contract else "",
        has_account=bool(person and person.password_hash),
        full_name=person.full_name if person else "",
    )


def check_new_password(password: str, password_again: str) -> None:
    """ASVS 2.1.1-2.1.2: at least 12 characters, at most 128; any character allowed."""
    if len(password or "") < MIN_PASSWORD:
        raise ValidationFailed("password", f"Choose a password of at least {MIN_PASSWORD} characters.")
    if len(password) > MAX_PASSWORD:
        raise ValidationFailed("password", f"Choose a password of at most {MAX_PASSWORD} characters.")
    if password != password_again:
        raise ValidationFailed("password_again", "The two passwords are not the same.")


def sign_up_with_link(
    *,
    session: Session,
    token: str | None,
    full_name: str,
    password: str,
    password_again: str,
    ip: str = "",
    user_agent: str = "",
) -> auth.SignedIn:
    """Set a password for the link's e-mail (creating the person if needed) and sign in. The link
    stays open until **Accept and continue**."""
    row = _valid_token(session, token)
    person = session.exec(select(Person).where(Person.email == row.email)).first()
    if person is not None and person.password_hash:
        raise Conflict("You already have an account: sign in with your password.")
    if person is not None and person.organisation_id != row.organisation_id:
        raise LinkInvalid()
    full_name = " ".join((full_name or "").split())
    if person is None and not full_name:
        raise ValidationFailed("full_name", "Enter your full name.")
    if len(full_name) > 200:
        raise ValidationFailed("full_name", "Enter a name of at most 200 characters.")
    check_new_password(password, password_again)
    org = session.get(Organisation, row.organisation_id)
    if person is None:
        person = Person(organisation_id=row.organisation_id, email=row.email, full_name=full_name,
                        role=Role.MEMBER, locale=org.locale if org else "en")
    elif full_name:
        person.full_name = full_name
    person.password_hash = auth.hash_password(password)
    session.add(person)
    session.flush()
    audit.record(session=session, action="account_created", organisation_id=row.organisation_id,
                 actor_email=row.email, target_type="person", target_id=person.id, ip=ip)
    return auth.sign_in(session=session, email=row.email, password=password, ip=ip, user_agent=user_agent)


@dataclass(frozen=True)
class Accepted:
    actor: Actor
    next_path: str
    message: str


def accept_link(*, session: Session, actor: Actor, token: str | None, ip: str = "") -> Accepted:
    """**Accept and continue**: spend the link (once, even under a double click) and grant access."""
    row = _valid_token(session, token)
    if row.email != actor.email or row.organisation_id != actor.organisation_id:
        audit.record(session=session, action="access_denied", actor=actor, target_type="access_link",
                     target_id=row.id, detail="A link for another e-mail address was used.", ip=ip)
        session.commit()
        raise LinkInvalid()
    spent = session.exec(
        update(AccessToken)
        .where(AccessToken.id == row.id, AccessToken.used_at.is_(None))
        .values(used_at=clock.now())
    )
    if spent.rowcount != 1:
        raise LinkInvalid()
    person = session.get(Person, actor.person_id)
    person.has_billing_access = True
    contract = session.get(Contract, row.contract_id) if row.contract_id else None
    if row.purpose == ADMIN_INVITATION:
        admin = session.exec(
            select(ContractAdmin).where(ContractAdmin.contract_id == row.contract_id,
                                        ContractAdmin.email == row.email,
                                        ContractAdmin.organisation_id == actor.organisation_id)
        ).first()
        if admin is None or admin.status == AdminStatus.REMOVED or contract is None:
            raise LinkInvalid()
        admin.status, admin.person_id, admin.accepted_at = AdminStatus.ACTIVE, person.id, clock.now()
        session.add(admin)
        action = "admin_invitation_accepted"
    elif contract is not None:
        _make_contract_admin(session, person, contract)
        action = "access_activated"
    else:
        if person.role in (Role.MEMBER, Role.BUYER, Role.CONTRACT_ADMIN):
            person.role = Role.BILLING_ADMIN  # a primary or billing contact of the organisation
        action = "access_activated"
    if contract is not None and person.role == Role.MEMBER:
        person.role = Role.CONTRACT_ADMIN
    session.add(person)
    session.flush()
    new_actor = auth._actor(person)
    audit.record(session=session, action=action, actor=new_actor, target_type="contract" if contract else "person",
                 target_id=contract.number if contract else person.id, ip=ip)
    where = f"contract {contract.number}" if contract else "your organisation's billing"
    return Accepted(actor=new_actor, next_path="/admins" if contract else "/",
                    message=f"You now have access to {where}.")


def _make_contract_admin(session: Session, person: Person, contract: Contract) -> None:
    admin = session.exec(
        select(ContractAdmin).where(ContractAdmin.contract_id == contract.id, ContractAdmin.email == person.email)
    ).first()
    if admin is None:
        admin = ContractAdmin(organisation_id=contract.organisation_id, contract_id=contract.id, email=person.email)
    admin.person_id, admin.status, admin.accepted_at = person.id, AdminStatus.ACTIVE, clock.now()
    session.add(admin)


# --- requesting access ---------------------------------------------------------------------

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
    scope = f"contract {contract.number} of {org.name}" if contract else org.name
    body = (
        f"Hello{' ' + person.full_name if person else ''},\n\n"
        f"You asked for access to the billing of {scope} in Billing Center.\n\n"
        f"Activate my account:\n{link_url(token)}\n\n"
        f"The link works once and expires in {settings.activation_link_hours} hours. "
        "If you did not ask for this, you can ignore this e-mail: nothing changes.\n\n"
        "Billing Center"
    )
    send_email(session=session, to=email, subject="Welcome to Billing Center", body=body, template="welcome",
               organisation_id=org.id)


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


__all__ = [
    "ACTIVATION",
    "ADMIN_INVITATION",
    "AccessRequest",
    "Accepted",
    "LINK_INVALID",
    "LinkInfo",
    "LinkInvalid",
    "VERIFICATION_FAILED",
    "accept_link",
    "check_new_password",
    "inspect_link",
    "issue_link",
    "link_url",
    "parse_amount",
    "request_access",
    "revoke_links",
    "sign_up_with_link",
]
