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

from billing_center import i18n
from billing_center.domain import clock
from billing_center.domain.enums import BillingFrequency, ChangeRequestStatus, PaymentKind
from billing_center.domain.errors import NotFound, ValidationFailed
from billing_center.i18n import _
from billing_center.labels import FREQUENCY_LABELS, PAYMENT_TERMS_LABELS
from billing_center.models import (
    ChangeRequest,
    Contract,
    Organisation,
    Person,
)
from billing_center.services import audit, policy
from billing_center.services.actors import Actor
from billing_center.services.mail import send_email
from billing_center.services.wallet import card_label, find_card

# What a change request may ask for (R-CON-3), in the order the form offers it; words from labels.py.
FREQUENCIES = {str(f): FREQUENCY_LABELS[f] for f in (BillingFrequency.ANNUAL, BillingFrequency.QUARTERLY,
                                                     BillingFrequency.MONTHLY)}
PAYMENT_TERMS = {str(t): label for t, label in PAYMENT_TERMS_LABELS.items()}
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


def _view(session: Session, req: ChangeRequest, contract_number: str, org_name: str) -> RequestView:
    person = session.get(Person, req.requested_by_id)
    return RequestView(id=req.id, contract_number=contract_number, organisation=org_name,
                       kind=KINDS.get(req.kind, (req.kind,))[0], current=label_of(req.kind, req.current_value),
                       requested=label_of(req.kind, req.requested_value), note=req.note, status=req.status,
                       requested_by=person.email if person else "", created_at=req.created_at,
                       completed_at=req.completed_at)


@policy.allowed(*policy.CUSTOMERS)
def billing_details(*, session: Session, actor: Actor, number: str) -> BillingDetails:
    """A contract's billing details and its latest change requests, for anyone who may see the contract."""
    contract = policy.visible_contract(session, actor, number=number, record_denial=False)
    card = find_card(session, actor.organisation_id, contract.payment_method_id) \
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


@policy.allowed(*policy.ADMINS)
def change_payment_method(*, session: Session, actor: Actor, number: str, card_id: int) -> Contract:
    """R-PAY-1: pay this contract with another card of the wallet, from now on."""
    contract = policy.visible_contract(session, actor, number=number)
    if contract.status != "active":
        raise ValidationFailed("card", "Only an active contract's payment method can be changed.")
    card = find_card(session, actor.organisation_id, card_id)
    today = clock.today()
    if (card.exp_year, card.exp_month) < (today.year, today.month):
        raise ValidationFailed("card", "{card} has expired. Choose another card.", card=card_label(card))
    if contract.payment_method_id == card.id and contract.payment_kind == PaymentKind.CARD:
        raise ValidationFailed("card", "Contract {number} is already paid with {card}.", number=contract.number,
                               card=card_label(card))
    before = "Invoice" if contract.payment_kind != PaymentKind.CARD else card_label(
        session.get(type(card), contract.payment_method_id) if contract.payment_method_id else None)
    contract.payment_method_id = card.id
    contract.payment_kind = PaymentKind.CARD
    session.flush()
    audit.record(session=session, action="contract_payment_method_changed", actor=actor, target_type="contract",
                 target_id=contract.number, detail=f"{before} -> {card_label(card)}")
    return contract


@policy.allowed(*policy.ADMINS)
def request_change(*, session: Session, actor: Actor, number: str, kind: str, requested_value: str,
                   note: str = "") -> ChangeRequest:
    """R-CON-3: ask support to change the billing frequency or the payment terms."""
    contract = policy.visible_contract(session, actor, number=number)
    if kind not in KINDS:
        raise ValidationFailed("kind", "Choose what to change.")
    allowed = KINDS[kind][1]
    frequency = kind == "billing_frequency"
    if requested_value not in allowed and frequency:
        raise ValidationFailed("requested_value", "Choose the new billing frequency.")
    if requested_value not in allowed:
        raise ValidationFailed("requested_value", "Choose the new payment terms.")
    current = getattr(contract, kind)
    if requested_value == current and frequency:  # {value}: a label of labels.py, translated with the sentence
        raise ValidationFailed("requested_value", "The billing frequency is already {value}.",
                               value=allowed[current], words=("value",))
    if requested_value == current:
        raise ValidationFailed("requested_value", "The payment terms are already {value}.",
                               value=allowed[current], words=("value",))
    note = " ".join((note or "").split())
    if len(note) > 2000:
        raise ValidationFailed("note", "Use at most 2000 characters.")
    open_one = session.exec(select(ChangeRequest).where(ChangeRequest.organisation_id == actor.organisation_id,
                                                        ChangeRequest.contract_id == contract.id,
                                                        ChangeRequest.kind == kind,
                                                        ChangeRequest.status == ChangeRequestStatus.OPEN)).first()
    if open_one is not None:
        waiting = label_of(kind, open_one.requested_value)
        if frequency:
            raise ValidationFailed("requested_value", "A change of the billing frequency is already waiting for "
                                                      "support (to {value}).", value=waiting, words=("value",))
        raise ValidationFailed("requested_value", "A change of the payment terms is already waiting for support "
                                                  "(to {value}).", value=waiting, words=("value",))
    req = ChangeRequest(organisation_id=actor.organisation_id, contract_id=contract.id,
                        requested_by_id=actor.person_id, kind=kind, current_value=current,
                        requested_value=requested_value, note=note)
    session.add(req)
    session.flush()
    audit.record(session=session, action="change_request_created", actor=actor, target_type="contract",
                 target_id=contract.number, detail=f"{kind}: {current} -> {requested_value}")
    return req


# --- the support queue (vendor side) -----------------------------------------------------------
@policy.allowed(*policy.SUPPORT)
def support_queue(*, session: Session, actor: Actor, status: str = "open", limit: int = 50) -> list[RequestView]:
    """Change requests of every customer, oldest first. Support agents only."""
    rows = session.exec(
        select(ChangeRequest, Contract.number, Organisation.name)
        .join(Contract, Contract.id == ChangeRequest.contract_id)
        .join(Organisation, Organisation.id == ChangeRequest.organisation_id)
        .where(ChangeRequest.status == status)
        .order_by(ChangeRequest.created_at, ChangeRequest.id)
        .limit(limit)
    ).all()
    return [_view(session, req, number, org) for req, number, org in rows]


@policy.allowed(*policy.SUPPORT)
def complete_request(*, session: Session, actor: Actor, request_id: int) -> ChangeRequest:
    """Apply the change to the contract and confirm it to the requester by e-mail."""
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
    org = session.get(Organisation, req.organisation_id)
    with i18n.using(i18n.choose(profile=requester.language, organisation=org.locale if org else None)):
        what = _(KINDS[req.kind][0]).lower()
        subject = _("Your change to contract {contract} is done").format(contract=contract.number)
        body = "\n\n".join([
            _("Hello {name},").format(name=requester.full_name),
            _("Your request to change the {what} of contract {contract} from {old} to {new} has been "
              "completed.").format(what=what, contract=contract.number, old=_(label_of(req.kind, req.current_value)),
                                   new=_(label_of(req.kind, req.requested_value))),
            _("Billing Center support"),
        ])
    send_email(session=session, organisation_id=req.organisation_id, to=requester.email,
               template="change_request_completed", subject=subject, body=body)
    audit.record(session=session, action="change_request_completed", actor=actor, target_type="change_request",
                 target_id=req.id, detail=f"{contract.number} {req.kind} -> {req.requested_value}")
    return req
