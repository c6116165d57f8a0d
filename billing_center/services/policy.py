"""Who may do what: the one place the console's permissions are decided (R-SEC-1, docs/rules.md).

Every use case of the service layer declares the roles that may run it with :func:`allowed`; the
check runs before the use case touches anything, and the declaration is registered in ``RULES`` so a
table test can walk every use case with every role. What a role may *see* inside its organisation is
decided by the scope helpers below, used by every service that lists or finds contracts, orders and
invoices:

- billing admin: everything of their organisation;
- anyone else in the organisation (contract admin, self-service buyer, member): the contracts they
  administer (an active ContractAdmin row: invited and accepted), and those contracts' orders and
  invoices; nothing if they administer none;
- support agent (vendor side): the change-request queue, never a customer's console data.

Another organisation's id behaves exactly like a missing one (NotFound). An attempt to *change*
something out of bounds (a contract's admins, its billing) also leaves an ``access_denied`` entry in
the audit trail of the actor's organisation; looking one up to show it (a page, a PDF) is only
NotFound.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import false, true
from sqlmodel import Session, select

from billing_center.domain.enums import AdminStatus, Role
from billing_center.domain.errors import Forbidden, NotFound
from billing_center.i18n import N_
from billing_center.models import Contract, ContractAdmin
from billing_center.services import audit
from billing_center.services.actors import Actor

F = TypeVar("F", bound=Callable[..., Any])

BILLING_ADMIN = (Role.BILLING_ADMIN,)
ADMINS = (Role.BILLING_ADMIN, Role.CONTRACT_ADMIN)
BUYERS = (Role.BILLING_ADMIN, Role.BUYER)
CUSTOMERS = (Role.BILLING_ADMIN, Role.CONTRACT_ADMIN, Role.BUYER, Role.MEMBER)
SUPPORT = (Role.SUPPORT_AGENT,)
EVERYONE = (*CUSTOMERS, Role.SUPPORT_AGENT)

# "module.use_case" -> the roles that may run it. Filled by @allowed at import time.
RULES: dict[str, frozenset[Role]] = {}

_REFUSALS: dict[frozenset[Role], str] = {
    frozenset(BILLING_ADMIN): N_("Only a billing admin of your organisation can do this."),
    frozenset(ADMINS): N_("Only billing and contract admins can do this."),
    frozenset(BUYERS): N_("Only billing admins and self-service buyers can do this."),
    frozenset(SUPPORT): N_("Only the vendor's support agents can do this."),
    frozenset(CUSTOMERS): N_("This is a customer's billing: support agents work from the change-request queue."),
}


def require(actor: Actor | None, *roles: Role) -> Actor:
    """The actor, if their role is one of ``roles``; otherwise Forbidden with a message naming who may."""
    if actor is None or actor.role not in roles:
        raise Forbidden(_REFUSALS.get(frozenset(roles), "You do not have access to this."))
    return actor


def allowed(*roles: Role) -> Callable[[F], F]:
    """Declare who may run a use case (keyword argument ``actor``); checked before its first line."""
    if not roles:
        raise ValueError("a use case names at least one role")

    def decorate(fn: F) -> F:
        RULES[rule_name(fn)] = frozenset(roles)

        @functools.wraps(fn)
        def guarded(*args, **kwargs):
            require(kwargs.get("actor"), *roles)
            return fn(*args, **kwargs)

        guarded.allowed_roles = frozenset(roles)  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorate


def rule_name(fn: Callable) -> str:
    """``wallet.add_card``, ``activation.accept.accept_link``: the use case's path below ``services``."""
    return f"{fn.__module__.removeprefix('billing_center.services.')}.{fn.__name__}"


# --- what a role sees inside its organisation ---------------------------------------------------
def administered_contract_ids(session: Session, actor: Actor) -> list[int]:
    """The contracts this person was invited to and accepted (R-CON-4), in their organisation."""
    return sorted(session.exec(
        select(ContractAdmin.contract_id).where(
            ContractAdmin.organisation_id == actor.organisation_id,
            ContractAdmin.person_id == actor.person_id,
            ContractAdmin.status == AdminStatus.ACTIVE,
        )
    ).all())


def visible_contract_ids(session: Session, actor: Actor) -> list[int] | None:
    """``None`` for a billing admin (every contract of the organisation, and rows without one);
    otherwise the ids of the contracts the person administers (possibly none)."""
    if actor.role == Role.BILLING_ADMIN:
        return None
    if actor.role == Role.SUPPORT_AGENT:
        return []
    return administered_contract_ids(session, actor)


def contract_scope(session: Session, actor: Actor, column):
    """A WHERE clause limiting rows whose ``column`` holds a contract id to what the actor may see.
    The caller still scopes the query to ``actor.organisation_id``."""
    ids = visible_contract_ids(session, actor)
    if ids is None:
        return true()
    return column.in_(ids) if ids else false()


def can_see_contract(session: Session, actor: Actor, contract_id: int | None) -> bool:
    if contract_id is None:
        return actor.role == Role.BILLING_ADMIN
    ids = visible_contract_ids(session, actor)
    return ids is None or contract_id in ids


def denied(session: Session, actor: Actor, *, what: str, target: str | int, ip: str = "") -> NotFound:
    """Record an attempt to reach something out of bounds and return the NotFound to raise.

    The audit entry is committed at once: the caller's transaction rolls back on the error, and
    the guard runs before the use case has written anything else."""
    audit.record(session=session, action="access_denied", actor=actor, target_type=what,
                 target_id=str(target)[:60], detail=f"{what} {target} is not visible to this person", ip=ip)
    session.commit()
    return NotFound(what)


def visible_contract(session: Session, actor: Actor, *, contract_id: int | None = None,
                     number: str | None = None, ip: str = "", record_denial: bool = True) -> Contract:
    """The contract by id or number if the actor may see it; otherwise NotFound, and an audit entry
    unless ``record_denial`` is False (pages that only show a contract, as every download does)."""
    query = select(Contract).where(Contract.organisation_id == actor.organisation_id)
    if contract_id is not None:
        query = query.where(Contract.id == contract_id)
    elif number:
        query = query.where(Contract.number == number.strip().upper())
    else:
        raise NotFound("contract")
    contract = session.exec(query).first()
    if contract is None or contract.id is None or not can_see_contract(session, actor, contract.id):
        if not record_denial:
            raise NotFound("contract")
        raise denied(session, actor, what="contract", target=contract_id if contract_id is not None else number, ip=ip)
    return contract
