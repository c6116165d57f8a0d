"""A contract's billing details (R-CON-3, R-PAY-1): its payment method, changed at once, and change
requests for billing frequency and payment terms, handled by support."""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import reflex as rx
from sqlmodel import Session

from billing_center.components.ui import status_color
from billing_center.domain.errors import NotFound, ValidationFailed
from billing_center.formatting import format_moment
from billing_center.i18n import _
from billing_center.labels import status_label
from billing_center.services import contract_billing, wallet
from billing_center.services.actors import Actor
from billing_center.services.contract_billing import FREQUENCIES, PAYMENT_TERMS
from billing_center.states.rows import Option, blank, card_options, options
from billing_center.states.session import FieldErrors, SessionState, event_id, field_setter, signed_in

CHANGE_OPTIONS = {"billing_frequency": options(FREQUENCIES), "payment_terms": options(PAYMENT_TERMS)}


@dataclasses.dataclass
class RequestRow:
    """One change request of the contract as the table shows it."""

    kind: str
    change: str
    status: str
    status_color: str
    requested_by: str
    date: str
    note: str


def request_row(request: contract_billing.RequestView, locale: str) -> RequestRow:
    return RequestRow(kind=request.kind, change=f"{request.current} → {request.requested}",
                      status=status_label(request.status), status_color=status_color(request.status),
                      requested_by=request.requested_by, date=format_moment(request.created_at, locale),
                      note=request.note or "—")


@dataclasses.dataclass
class ContractBilling:
    """A contract's billing details as its page shows them (:func:`billing_view`)."""

    billing_frequency: str
    payment_terms: str
    po_number: str
    invoice_recipients: str
    payment_method: str
    requests: list[RequestRow]


def billing_view(details: contract_billing.BillingDetails, locale: str) -> ContractBilling:
    return ContractBilling(
        billing_frequency=details.billing_frequency, payment_terms=details.payment_terms,
        po_number=details.po_number or "—", invoice_recipients=details.invoice_recipients or "—",
        payment_method=details.payment_method, requests=[request_row(r, locale) for r in details.requests])


class ContractBillingState(FieldErrors, SessionState):
    contract_number: str = ""
    not_found: bool = False
    detail: ContractBilling = blank(ContractBilling)
    can_manage_cards: bool = False
    cards: list[Option] = []
    chosen_card: str = ""
    change_kind: str = "billing_frequency"
    change_value: str = ""
    change_note: str = ""

    # ``errors`` keys: card (the payment method) and change (the change request)
    field_errors: ClassVar[dict[str, str]] = {"card": "card", "kind": "change", "requested_value": "change",
                                              "note": "change"}

    def _number(self) -> str:
        return str(self.router.page.params.get("number", "") or "")

    def _refresh(self, actor: Actor, db: Session) -> None:
        number = self._number()
        try:
            details = contract_billing.billing_details(session=db, actor=actor, number=number)
            cards = wallet.list_cards(session=db, actor=actor) if actor.is_billing_admin else []
        except NotFound:
            self.not_found = True
            self.contract_number = number
            return
        self.not_found = False
        self.contract_number = details.number
        self.detail = billing_view(details, actor.locale)
        self.can_manage_cards = actor.is_billing_admin
        self.cards = card_options(cards, leave_out=details.payment_method_id)

    @rx.event
    @signed_in(page=True)
    def load(self, actor: Actor, db: Session):
        self._clear_errors()
        self.chosen_card = ""
        self.change_kind, self.change_value, self.change_note = "billing_frequency", "", ""
        self._refresh(actor, db)

    set_chosen_card = field_setter("chosen_card", clears=("card",))

    @rx.event
    @signed_in(errors={"*": "card"})
    def change_card(self, actor: Actor, db: Session):
        if not self.chosen_card:
            raise ValidationFailed("card", "Choose the card that pays this contract from now on.")
        contract_billing.change_payment_method(session=db, actor=actor, number=self._number(),
                                               card_id=event_id(self.chosen_card, "card"))
        self.chosen_card = ""
        self._refresh(actor, db)
        return rx.toast.success(_("Contract {contract} is now paid with {card}.").format(
            contract=self.contract_number, card=self.detail.payment_method))

    @rx.event
    @signed_in
    def set_change_kind(self, value: str):
        self.change_kind, self.change_value = value, ""
        self._clear_errors("change")

    set_change_value = field_setter("change_value", clears=("change",))
    set_change_note = field_setter("change_note")

    @rx.event
    @signed_in(errors={"*": "change"})
    def request_change(self, actor: Actor, db: Session):
        if not self.change_value:
            raise ValidationFailed("requested_value", "Choose the new value.")
        contract_billing.request_change(session=db, actor=actor, number=self._number(), kind=self.change_kind,
                                        requested_value=self.change_value, note=self.change_note)
        self.change_value, self.change_note = "", ""
        self._refresh(actor, db)
        return rx.toast.success(_("Your change request was sent to support. You will get an e-mail when it is done."))

    @rx.var
    def change_options(self) -> list[Option]:
        return CHANGE_OPTIONS.get(self.change_kind, CHANGE_OPTIONS["billing_frequency"])
