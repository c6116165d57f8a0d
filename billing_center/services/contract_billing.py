"""R-CON-3, R-PAY-1: a contract's billing details.

The payment method of a contract is changed per contract, at once (the wallet's default never
changes it). Billing frequency and payment terms are changed by support: the customer files a
change request; a support agent completes it in the queue, which applies it to the contract and
sends the requester a confirmation e-mail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from billing_center.domain import clock
from billing_center.domain.enums import ChangeRequestStatus, PaymentKind, Role
from billing_center.domain.errors import Forbidden, NotFound, ValidationFailed
from billing_center.models import (
    ChangeRequest,
    Contract,
    Organisation,
    Person,
)
from billing_center.services import audit
from billing_center.services.actors import Actor
from billing_center.services.contracts import scope_contracts
from billing_center.services.mail import send_email
from billing_center.services.wallet import card_label, get_card

FREQUENCIES = {"annual": "Annual", "quarterly": "Quarterly", "monthly": "Monthly"}
PAYMENT_TERMS = {"due_on_receipt": "Due on receipt", "net_30": "Net 30 days", "net_60": "Net 60 days"}
KINDS = {"billing_frequency": ("Billing frequency", FREQUENCIES), "payment_terms": ("Payment terms", PAYMENT_TERMS)}


@dataclass(frozen=True)
class RequestView:
    id: int
    contract_number: str
    organisation: str
    kind: str
    current: str
    requested: str
    note: str
    status: str
    requested_by: str
    created_at: datetime
    completed_at: datetime | None


@dataclass(frozen=True)
class BillingDetails:
    number: str
    status: str
    billing_frequency: str
    payment_terms: str
    po_number: str
    invoice_recipients: str
    payment_kind: str
    payment_method_id: int | None
    payment_method: str
    requests: list[RequestView]


def label_of(kind: str, value: str) -> str:
    return KINDS.get(kind, ("", {}))[1].get(value, value.replace("_", " "))


def get_contract(*, session: Session, actor: Actor, number: str) -> Contract:
    """A contract the actor may see: any of the organisation's for a billing admin, the ones they
    were invited to for a contract admin. Anything else is missing (R-SEC-1)."""
    stmt = select(Contract).where(Contract.organisation_id == actor.organisation_id,
                                  Contract.number == (number or "").strip().upper())
    try:
        contract = session.exec(scope_contracts(stmt, session=session, actor=actor)).first()
    except Forbidden:
        contract = None
    if contract is None:
        raise NotFound("contract")
    return contract


def _view(session: Session, req: ChangeRequest, contract_number: str, org_name: str) -> RequestView:
    person = session.get(Person, req.requested_by_id)
    return RequestView(id=req.id, contract_number=contract_number, organisation=org_name,
                       kind=KINDS.get(req.kind, (req.kind,))[0], current=label_of(req.kind, req.current_value),
                       requested=label_of(req.kind, req.requested_value), note=req.note, status=req.status,
                       requested_by=person.email if person else "", created_at=req.created_at,
                       completed_at=req.completed_at)


def billing_details(*, session: Session, actor: Actor, number: str) -> BillingDetails:
    contract = get_contract(session=session, actor=actor, number=number)
    card = get_card(session=session, actor=actor, card_id=contract.payment_method_id) \
        if contract.payment_method_id else None
    org = session.get(Organisation, actor.organisation_id)
    requests = session.exec(select(ChangeRequest).where(ChangeRequest.organisation_id == actor.organisation_id,
                                                        ChangeRequest.contract_id == contract.id)
                            .order_by(ChangeRequest.created_at.desc(), ChangeRequest.id.desc()).limit(20)).all()
    return BillingDetails(
        number=contract.number, status=contract.status,
        billing_frequency=label_of("billing_frequency", contract.billing_frequency),
        payment_terms=label_of("payment_terms", contract.payment_terms), po_number=contract.po_number or "",
        invoice_recipients=contract.invoice_recipients,
        payment_kind=contract.payment_kind, payment_method_id=contract.payment_method_id,
        payment_method=card_label(card) if contract.payment_kind == PaymentKind.CARD and card else "Invoice",
        requests=[_view(session, r, contract.number, org.name) for r in requests],
    )


def change_payment_method(*, session: Session, actor: Actor, number: str, card_id: int) -> Contract:
    """R-PAY-1: pay this contract with another card of the wallet, from now on."""
    actor.require(Role.BILLING_ADMIN, Role.CONTRACT_ADMIN)
    contract = get_contract(session=session, actor=actor, number=number)
    if contract.status != "active":
        raise ValidationFailed("card", "Only an active contract's payment method can be changed.")
    card = get_card(session=session, actor=actor, card_id=card_id)
    today = clock.today()
    if (card.exp_year, card.exp_month) < (today.year, today.month):
        raise ValidationFailed("card", f"{card_label(card)} has expired. Choose another card.")
    if contract.payment_method_id == card.id and contract.payment_kind == PaymentKind.CARD:
        raise ValidationFailed("card", f"Contract {contract.number} is already paid with {card_label(card)}.")
    before = "Invoice" if contract.payment_kind != PaymentKind.CARD else card_label(
        session.get(type(card), contract.payment_method_id) if contract.payment_method_id else None)
    contract.payment_method_id = card.id
    contract.payment_kind = PaymentKind.CARD
    session.add(contract)
    session.flush()
    audit.record(session=session, action="contract_payment_method_changed", actor=actor, target_type="contract",
                 target_id=contract.number, detail=f"{before} -> {card_label(card)}")
    return contract


def request_change(*, session: Session, actor: Actor, number: str, kind: str, requested_value: str,
                   note: str = "") -> ChangeRequest:
    """R-CON-3: ask support to change the billing frequency or the payment terms."""
    actor.require(Role.BILLING_ADMIN, Role.CONTRACT_ADMIN)
    contract = get_contract(session=session, actor=actor, number=number)
    if kind not in KINDS:
        raise ValidationFailed("kind", "Choose what to change.")
    label, allowed = KINDS[kind]
    if requested_value not in allowed:
        raise ValidationFailed("requested_value", f"Choose the new {label.lower()}.")
    current = getattr(contract, kind)
    if requested_value == current:
        raise ValidationFailed("requested_value", f"The {label.lower()} is already {allowed[current]}.")
    note = " ".join((note or "").split())
    if len(note) > 2000:
        raise ValidationFailed("note", "Use at most 2000 characters.")
    open_one = session.exec(select(ChangeRequest).where(ChangeRequest.organisation_id == actor.organisation_id,
                                                        ChangeRequest.contract_id == contract.id,
                                                        ChangeRequest.kind == kind,
                                                        ChangeRequest.status == ChangeRequestStatus.OPEN)).first()
    if open_one is not None:
        raise ValidationFailed("requested_value", f"A change of the {label.lower()} is already waiting for support "
                                                  f"(to {label_of(kind, open_one.requested_value)}).")
    req = ChangeRequest(organisation_id=actor.organisation_id, contract_id=contract.id,
                        requested_by_id=actor.person_id, kind=kind, current_value=current,
                        requested_value=requested_value, note=note)
    session.add(req)
    session.flush()
    audit.record(session=session, action="change_request_created", actor=actor, target_type="contract",
                 target_id=contract.number, detail=f"{kind}: {current} -> {requested_value}")
    return req


# --- the support queue (vendor side) -----------------------------------------------------------
def _require_support(actor: Actor) -> None:
    if actor.role != Role.SUPPORT_AGENT:
        raise Forbidden("Only support agents can see the change request queue.")


def support_queue(*, session: Session, actor: Actor, status: str = "open", limit: int = 50) -> list[RequestView]:
    """Change requests of every customer, oldest first. Support agents only."""
    _require_support(actor)
    rows = session.exec(
        select(ChangeRequest, Contract.number, Organisation.name)
        .join(Contract, Contract.id == ChangeRequest.contract_id)
        .join(Organisation, Organisation.id == ChangeRequest.organisation_id)
        .where(ChangeRequest.status == status)
        .order_by(ChangeRequest.created_at, ChangeRequest.id)
        .limit(limit)
    ).all()
    return [_view(session, req, number, org) for req, number, org in rows]


def complete_request(*, session: Session, actor: Actor, request_id: int) -> ChangeRequest:
    """Apply the change to the contract and confirm it to the requester by e-mail."""
    _require_support(actor)
    req = session.exec(select(ChangeRequest).where(ChangeRequest.id == request_id).with_for_update()).first()
    if req is None:
        raise NotFound("change request")
    if req.status != ChangeRequestStatus.OPEN:
        raise ValidationFailed("request", "This change request was already handled.")
    contract = session.get(Contract, req.contract_id)
    setattr(contract, req.kind, req.requested_value)
    session.add(contract)
    req.status = ChangeRequestStatus.COMPLETED
    req.handled_by_id = actor.person_id
    req.completed_at = clock.now()
    session.add(req)
    requester = session.get(Person, req.requested_by_id)
    label = KINDS[req.kind][0]
    send_email(
        session=session,
        organisation_id=req.organisation_id, to=requester.email, template="change_request_completed",
        subject=f"Your change to contract {contract.number} is done",
        body=(f"Hello {requester.full_name},\n\nYour request to change the {label.lower()} of contract "
                   f"{contract.number} from {label_of(req.kind, req.current_value)} to "
                   f"{label_of(req.kind, req.requested_value)} has been completed.\n\nBilling Center support"),
    )
    audit.record(session=session, action="change_request_completed", actor=actor, target_type="change_request",
                 target_id=req.id, detail=f"{contract.number} {req.kind} -> {req.requested_value}")
    return req
