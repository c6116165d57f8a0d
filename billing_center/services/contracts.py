"""Contracts and their orders (R-CON-1, R-CON-2).

Who sees which contract is decided by :mod:`billing_center.services.policy`: a billing admin every
contract of the organisation; anyone else of the organisation the contracts they actively
administer (and those contracts' orders); a support agent none. A contract or order the actor may
not see looks exactly like one that does not exist (NotFound).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, select

from billing_center.domain.errors import NotFound
from billing_center.domain.money import Money
from billing_center.models import Contract, Order, PaymentMethod
from billing_center.services import policy
from billing_center.services.actors import Actor


@dataclass(frozen=True)
class ContractRow:
    number: str
    status: str
    start_date: date
    end_date: date
    term_months: int
    total: Money


@dataclass(frozen=True)
class OrderRow:
    number: str
    type: str
    status: str
    start_date: date
    end_date: date
    payment_method: str
    total: Money
    seats: int


@dataclass(frozen=True)
class ContractDetail(ContractRow):
    subscription_terms: str
    billing_address: str
    shipping_address: str
    billing_frequency: str
    payment_terms: str
    po_number: str | None
    invoice_recipients: list[str]
    payment_method: str
    orders: list[OrderRow] = field(default_factory=list)


def payment_method_label(kind: str, method: PaymentMethod | None) -> str:
    """``Visa - 4392`` for a card, ``Invoice`` otherwise (R-INV-1)."""
    if kind == "card" and method is not None:
        return f"{method.brand} - {method.last4}"
    return "Card" if kind == "card" else "Invoice"


@policy.allowed(*policy.CUSTOMERS)
def list_contracts(*, session: Session, actor: Actor) -> list[ContractRow]:
    stmt = (
        select(Contract)
        .where(Contract.organisation_id == actor.organisation_id, policy.contract_scope(session, actor, Contract.id))
        .order_by(Contract.start_date.desc(), Contract.id)
    )
    return [ContractRow(**_row_fields(c)) for c in session.exec(stmt).all()]


def _row_fields(contract: Contract) -> dict[str, object]:
    """What a contract's ContractRow shows, which its ContractDetail starts with."""
    return {"number": contract.number, "status": contract.status, "start_date": contract.start_date,
            "end_date": contract.end_date, "term_months": contract.term_months,
            "total": Money(contract.total_minor, contract.currency)}


@policy.allowed(*policy.CUSTOMERS)
def find_contract(*, session: Session, actor: Actor, number: str) -> Contract:
    return policy.visible_contract(session, actor, number=number, record_denial=False)


def payment_methods(session: Session, organisation_id: int, ids: set[int | None]) -> dict[int, PaymentMethod]:
    """The organisation's cards among ``ids``, by id (deleted ones too: old orders name them)."""
    ids = {i for i in ids if i}
    if not ids:
        return {}
    rows = session.exec(select(PaymentMethod).where(PaymentMethod.organisation_id == organisation_id,
                                                    PaymentMethod.id.in_(ids))).all()
    return {m.id: m for m in rows}


@policy.allowed(*policy.CUSTOMERS)
def get_contract(*, session: Session, actor: Actor, number: str) -> ContractDetail:
    contract = find_contract(session=session, actor=actor, number=number)
    orders = session.exec(
        select(Order).where(Order.organisation_id == actor.organisation_id, Order.contract_id == contract.id)
        .order_by(Order.start_date, Order.number)
    ).all()
    methods = payment_methods(session, actor.organisation_id, {o.payment_method_id for o in orders}
                       | {contract.payment_method_id})
    return ContractDetail(
        **_row_fields(contract),
        subscription_terms=contract.subscription_terms,
        billing_address=contract.billing_address,
        shipping_address=contract.shipping_address,
        billing_frequency=contract.billing_frequency,
        payment_terms=contract.payment_terms,
        po_number=contract.po_number,
        invoice_recipients=[r.strip() for r in contract.invoice_recipients.split(",") if r.strip()],
        payment_method=payment_method_label(contract.payment_kind, methods.get(contract.payment_method_id)),
        orders=[
            OrderRow(number=o.number, type=o.type, status=o.status, start_date=o.start_date, end_date=o.end_date,
                     payment_method=payment_method_label(o.payment_kind, methods.get(o.payment_method_id)),
                     total=Money(o.total_minor, o.currency), seats=o.seats)
            for o in orders
        ],
    )


@policy.allowed(*policy.CUSTOMERS)
def find_order(*, session: Session, actor: Actor, number: str) -> tuple[Order, Contract | None]:
    """An order the actor may see: of the organisation, and of a contract they may see."""
    order = session.exec(
        select(Order).where(Order.organisation_id == actor.organisation_id, Order.number == (number or "").strip())
    ).first()
    if order is None or not policy.can_see_contract(session, actor, order.contract_id):
        raise NotFound("order")
    contract = session.get(Contract, order.contract_id) if order.contract_id else None
    return order, contract
