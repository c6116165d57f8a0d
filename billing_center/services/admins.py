"""Admins per contract (R-CON-4): invite by e-mail (several at once), resend, remove.

Billing admins manage the admins of every contract of their organisation; a contract admin
manages the admins of the contracts they administer. Who sees which contract is decided by
``services.policy``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, select

from billing_center import i18n
from billing_center.domain import clock
from billing_center.domain.enums import AdminStatus
from billing_center.domain.errors import Conflict, ValidationFailed
from billing_center.i18n import _
from billing_center.models import Contract, ContractAdmin, Organisation, Person
from billing_center.services import audit, policy
from billing_center.services.activation.links import ADMIN_INVITATION, issue_link, link_url, revoke_links
from billing_center.services.actors import Actor
from billing_center.services.auth import normalise_email
from billing_center.services.mail import is_email_address, send_email
from billing_center.settings import get_settings

MAX_INVITES_AT_ONCE = 20


@dataclass(frozen=True)
class AdminRow:
    id: int
    email: str
    name: str
    status: str  # invited, active
    invited_at: datetime
    last_sent_at: datetime
    accepted_at: datetime | None
    is_you: bool


@policy.allowed(*policy.ADMINS)
def list_admins(*, session: Session, actor: Actor, contract_id: int, ip: str = "") -> list[AdminRow]:
    contract = policy.visible_contract(session, actor, contract_id=contract_id, ip=ip)
    rows = session.exec(
        select(ContractAdmin, Person.full_name)
        .join(Person, Person.id == ContractAdmin.person_id, isouter=True)
        .where(ContractAdmin.organisation_id == actor.organisation_id,
               ContractAdmin.contract_id == contract.id,
               ContractAdmin.status != AdminStatus.REMOVED)
        .order_by(ContractAdmin.status, ContractAdmin.email)
    ).all()
    return [
        AdminRow(id=a.id, email=a.email, name=name or "", status=a.status, invited_at=a.invited_at,
                 last_sent_at=a.last_sent_at, accepted_at=a.accepted_at, is_you=a.person_id == actor.person_id)
        for a, name in rows
    ]


def split_addresses(text: str) -> list[str]:
    """Addresses separated by commas, semicolons, spaces or new lines, in order, without repeats."""
    seen: list[str] = []
    for part in re.split(r"[\s,;]+", text or ""):
        address = normalise_email(part)
        if address and address not in seen:
            seen.append(address)
    return seen


def _send_invitation(session: Session, actor: Actor, contract: Contract, admin: ContractAdmin) -> None:
    settings = get_settings()
    org = session.get(Organisation, contract.organisation_id)
    person = session.exec(select(Person).where(Person.email == admin.email)).first()
    revoke_links(session=session, organisation_id=org.id, email=admin.email, purpose=ADMIN_INVITATION,
                 contract_id=contract.id)
    token = issue_link(session=session, organisation_id=org.id, purpose=ADMIN_INVITATION, email=admin.email,
                       person_id=person.id if person else None, contract_id=contract.id,
                       lifetime=timedelta(days=settings.invitation_link_days))
    # In the invitee's language: their profile's when they have one, else their organisation's.
    with i18n.using(i18n.choose(profile=person.language if person else None, organisation=org.locale)):
        days = settings.invitation_link_days
        body = "\n\n".join([
            _("Hello,"),
            _("{inviter} ({email}) invited you to be an admin of contract {contract} of {organisation} in Billing "
              "Center. As an admin you see this contract, its orders and its invoices.").format(
                inviter=actor.full_name, email=actor.email, contract=contract.number, organisation=org.name),
            _("Accept the invitation:") + "\n" + link_url(token),
            i18n.ngettext("The link works once and expires in {count} day.",
                          "The link works once and expires in {count} days.", days).format(count=days),
            "Billing Center",
        ])
        subject = _("You are invited to manage contract {contract}").format(contract=contract.number)
    send_email(session=session, to=admin.email, subject=subject, body=body, template="admin_invitation",
               organisation_id=org.id)
    admin.last_sent_at = clock.now()
    session.add(admin)


@policy.allowed(*policy.ADMINS)
def invite_admins(*, session: Session, actor: Actor, contract_id: int, emails: str, ip: str = "") -> list[str]:
    """Invite every address, or none: one bad address names itself and nothing changes."""
    contract = policy.visible_contract(session, actor, contract_id=contract_id, ip=ip)
    addresses = split_addresses(emails)
    if not addresses:
        raise ValidationFailed("emails", "Enter at least one e-mail address.")
    if len(addresses) > MAX_INVITES_AT_ONCE:
        raise ValidationFailed("emails", "Invite at most {count} people at a time.", count=MAX_INVITES_AT_ONCE)
    bad = [a for a in addresses if not is_email_address(a)]
    if bad:
        raise ValidationFailed("emails", "Not an e-mail address: {emails}.", emails=", ".join(bad[:5]))
    existing = {
        a.email: a for a in session.exec(
            select(ContractAdmin).where(ContractAdmin.contract_id == contract.id,
                                        ContractAdmin.email.in_(addresses))
        ).all()
    }
    already = [a for a in addresses if a in existing and existing[a].status != AdminStatus.REMOVED]
    if already:
        raise ValidationFailed("emails", "Already an admin of this contract: {emails}.", emails=", ".join(already[:5]))
    elsewhere = session.exec(
        select(Person.email).where(Person.email.in_(addresses), Person.organisation_id != actor.organisation_id)
    ).all()
    if elsewhere:
        raise ValidationFailed("emails", "Cannot be invited to your organisation: {emails}.",
                               emails=", ".join(elsewhere[:5]))
    now = clock.now()
    for address in addresses:
        admin = existing.get(address) or ContractAdmin(organisation_id=actor.organisation_id,
                                                       contract_id=contract.id, email=address)
        person = session.exec(select(Person).where(Person.email == address)).first()
        admin.status, admin.invited_by_id, admin.invited_at = AdminStatus.INVITED, actor.person_id, now
        admin.person_id, admin.accepted_at = (person.id if person else None), None
        session.add(admin)
        session.flush()
        _send_invitation(session, actor, contract, admin)
        audit.record(session=session, action="admin_invited", actor=actor, target_type="contract",
                     target_id=contract.number, detail=f"Invited {address}", ip=ip)
    return addresses


def _visible_admin(session: Session, actor: Actor, admin_id: int, ip: str) -> tuple[ContractAdmin, Contract]:
    admin = session.exec(
        select(ContractAdmin).where(ContractAdmin.id == admin_id,
                                    ContractAdmin.organisation_id == actor.organisation_id,
                                    ContractAdmin.status != AdminStatus.REMOVED)
    ).first()
    if admin is None or not policy.can_see_contract(session, actor, admin.contract_id):
        raise policy.denied(session, actor, what="admin", target=admin_id, ip=ip)
    return admin, session.get(Contract, admin.contract_id)


@policy.allowed(*policy.ADMINS)
def resend_invitation(*, session: Session, actor: Actor, admin_id: int, ip: str = "") -> str:
    admin, contract = _visible_admin(session, actor, admin_id, ip)
    if admin.status != AdminStatus.INVITED:
        raise Conflict("{email} has already accepted the invitation.", email=admin.email)
    _send_invitation(session, actor, contract, admin)
    audit.record(session=session, action="admin_invitation_resent", actor=actor, target_type="contract",
                 target_id=contract.number, detail=f"Resent to {admin.email}", ip=ip)
    return admin.email


@policy.allowed(*policy.ADMINS)
def remove_admin(*, session: Session, actor: Actor, admin_id: int, ip: str = "") -> str:
    admin, contract = _visible_admin(session, actor, admin_id, ip)
    if admin.person_id == actor.person_id:
        raise Conflict("You cannot remove yourself. Ask another admin to do it.")
    admin.status = AdminStatus.REMOVED
    session.add(admin)
    revoke_links(session=session, organisation_id=actor.organisation_id, email=admin.email,
                 purpose=ADMIN_INVITATION, contract_id=contract.id)
    audit.record(session=session, action="admin_removed", actor=actor, target_type="contract",
                 target_id=contract.number, detail=f"Removed {admin.email}", ip=ip)
    return admin.email


@policy.allowed(*policy.ADMINS)
def contracts_for_admin_page(*, session: Session, actor: Actor) -> list[Contract]:
    return list(session.exec(
        select(Contract).where(Contract.organisation_id == actor.organisation_id,
                               policy.contract_scope(session, actor, Contract.id))
        .order_by(Contract.number)
    ).all())


__all__ = [
    "AdminRow",
    "MAX_INVITES_AT_ONCE",
    "contracts_for_admin_page",
    "invite_admins",
    "list_admins",
    "remove_admin",
    "resend_invitation",
    "split_addresses",
]
