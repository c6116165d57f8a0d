"""Roles (issue 4, R-SEC-1): who may see and do what, checked in the service layer.

- billing admin: everything of their organisation;
- contract admin: only the contracts they administer (an active ContractAdmin row), and those
  contracts' orders and invoices;
- self-service buyer and member: no contracts unless also made admin of one;
- support agent (vendor): the change-request queue, never a customer's console data.

Another organisation's id behaves exactly like a missing one (NotFound), and the attempt leaves an
``access_denied`` entry in the audit trail of the *actor's* organisation.
"""

from __future__ import annotations

from sqlalchemy import false, true
from sqlmodel import Session, select

from billing_center.domain.enums import Role
from billing_center.domain.errors import Forbidden, NotFound
from billing_center.models import Contract
from billing_center.services import audit
from billing_center.services.actors import Actor
from billing_center.services.contracts import administered_contract_ids

CUSTOMER_ROLES = (Role.BILLING_ADMIN, Role.CONTRACT_ADMIN, Role.BUYER, Role.MEMBER)


def require_role(actor: Actor | None, *roles: Role) -> Actor:
    if actor is None or actor.role not in roles:
        raise Forbidden()
    return actor


def require_billing_admin(actor: Actor | None) -> Actor:
    """The whole organisation's billing: audit log, every contract, every admin."""
    if actor is None or actor.role != Role.BILLING_ADMIN:
        raise Forbidden("Only a billing admin of your organisation can do this.")
    return actor


def require_admin(actor: Actor | None) -> Actor:
    """A billing admin or a contract admin (pages that list contracts and their admins)."""
    if actor is None or actor.role not in (Role.BILLING_ADMIN, Role.CONTRACT_ADMIN):
        raise Forbidden("Only billing and contract admins can do this.")
    return actor


def require_support_agent(actor: Actor | None) -> Actor:
    if actor is None or actor.role != Role.SUPPORT_AGENT:
        raise Forbidden("Only the vendor's support agents can do this.")
    return actor


def contract_ids_visible_to(session: Session, actor: Actor) -> list[int]:
    """The ids of the contracts this actor may see, always inside their own organisation."""
    if actor.role == Role.BILLING_ADMIN:
        query = select(Contract.id).where(Contract.organisation_id == actor.organisation_id)
    elif actor.role == Role.SUPPORT_AGENT:
        return []
    else:
        return administered_contract_ids(session=session, actor=actor)
    return sorted(session.exec(query.order_by(Contract.id)).all())


def contract_clause(session: Session, actor: Actor, contract_column):
    """A WHERE clause limiting rows with a ``contract_id`` column (orders, invoices) to the contracts
    this actor may see. Billing admins see every row of their organisation, also rows without a
    contract; the caller still scopes the query to ``actor.organisation_id``."""
    if actor.role == Role.BILLING_ADMIN:
        return true()
    ids = contract_ids_visible_to(session, actor)
    return contract_column.in_(ids) if ids else false()


def can_see_contract(session: Session, actor: Actor, contract_id: int | None) -> bool:
    return contract_id is not None and contract_id in contract_ids_visible_to(session, actor)


def denied(session: Session, actor: Actor, *, what: str, target: str | int, ip: str = "") -> NotFound:
    """Record an attempt to reach something out of bounds and return the NotFound to raise.

    The audit entry is committed at once: the caller's transaction rolls back on the error, and
    the guard runs before the use case has written anything else."""
    audit.record(session=session, action="access_denied", actor=actor, target_type=what,
                 target_id=str(target)[:60], detail=f"{what} {target} is not visible to this person", ip=ip)
    session.commit()
    return NotFound(what)


def visible_contract(session: Session, actor: Actor, *, contract_id: int | None = None,
                     number: str | None = None, ip: str = "") -> Contract:
    """The contract by id or number if the actor may see it; otherwise NotFound (and an audit entry)."""
    query = select(Contract).where(Contract.organisation_id == actor.organisation_id)
    if contract_id is not None:
        query = query.where(Contract.id == contract_id)
    elif number:
        query = query.where(Contract.number == number.strip())
    else:
        raise NotFound("contract")
    contract = session.exec(query).first()
    if contract is None or not can_see_contract(session, actor, contract.id):
        raise denied(session, actor, what="contract", target=contract_id if contract_id is not None else number, ip=ip)
    return contract


__all__ = [
    "CUSTOMER_ROLES",
    "can_see_contract",
    "contract_clause",
    "contract_ids_visible_to",
    "denied",
    "require_admin",
    "require_billing_admin",
    "require_role",
    "require_support_agent",
    "visible_contract",
]
