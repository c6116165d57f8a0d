"""**Accept and continue** (R-ACT-3, R-CON-4): spend a link and grant what it gives.

An activation link for the organisation makes a primary or billing contact its billing admin; one
for a contract (proved with an order or invoice) makes the person admin of that contract; an admin
invitation activates the invited ContractAdmin row.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import Session, select

from billing_center.domain import clock
from billing_center.domain.enums import AdminStatus, Role
from billing_center.models import AccessToken, Contract, ContractAdmin, Person
from billing_center.services import audit, auth, policy
from billing_center.services.activation.links import ADMIN_INVITATION, LinkInvalid, valid_token
from billing_center.services.actors import Actor


@dataclass(frozen=True)
class Accepted:
    actor: Actor
    next_path: str
    message: str


@policy.allowed(*policy.CUSTOMERS)
def accept_link(*, session: Session, actor: Actor, token: str | None, ip: str = "") -> Accepted:
    """**Accept and continue**: spend the link (once, even under a double click) and grant access."""
    row = valid_token(session, token)
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
    new_actor = auth.actor_of(person)
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
