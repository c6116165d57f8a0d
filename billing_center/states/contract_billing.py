"""A contract's billing details (R-CON-3, R-PAY-1): its payment method, changed at once, and change
requests for billing frequency and payment terms, handled by support."""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import reflex as rx
from sqlmodel import Session

from billing_center.components.ui import status_color
from billing_center.domain.errors import NotFound
from billing_center.formatting import format_moment
from billing_center.i18n import _
from billing_center.labels import status_label
from billing_center.services import contract_billing, wallet
from billing_center.services.actors import Actor
from billing_center.services.contract_billing import FREQUENCIES, PAYMENT_TERMS
from billing_center.states.rows import Option, card_options, options
from billing_center.states.session import SessionState, event_id, signed_in

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


class ContractBillingState(SessionState):
    contract_number: str = ""
    not_found: bool = False
    status: str = ""
    billing_frequency: str = ""
    payment_terms: str = ""
    po_number: str = ""
    invoice_recipients: str = ""
    payment_method: str = ""
    cards: list[Option] = []
    chosen_card: str = ""
    card_error: str = ""
    requests: list[RequestRow] = []
    change_kind: str = "billing_frequency"
    change_value: str = ""
    change_note: str = ""
    change_error: str = ""
    can_manage_cards: bool = False

    field_errors: ClassVar[dict[str, str]] = {"card": "card_error", "kind": "change_error",
                                              "requested_value": "change_error", "note": "change_error"}

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
        self.status = details.status
        self.billing_frequency, self.payment_terms = details.billing_frequency, details.payment_terms
        self.po_number = details.po_number or "—"
        self.invoice_recipients = details.invoice_recipients or "—"
        self.payment_method = details.payment_method
        self.can_manage_cards = actor.is_billing_admin
        self.cards = card_options(cards, leave_out=details.payment_method_id)
        self.requests = [request_row(r, actor.locale) for r in details.requests]

    @rx.event
    @signed_in(page=True)
    def load(self, actor: Actor, db: Session):
        self.card_error = self.change_error = ""
        self.chosen_card = ""
        self.change_kind, self.change_value, self.change_note = "billing_frequency", "", ""
        self._refresh(actor, db)

    @rx.event
    @signed_in
    def set_chosen_card(self, value: str):
        self.chosen_card, self.card_error = value, ""

    @rx.event
    @signed_in(errors={"*": "card_error"})
    def change_card(self, actor: Actor, db: Session):
        if not self.chosen_card:
            self.card_error = _("Choose the card that pays this contract from now on.")
            return
        contract_billing.change_payment_method(session=db, actor=actor, number=self._number(),
                                               card_id=event_id(self.chosen_card, "card"))
        self.chosen_card = ""
        self._refresh(actor, db)
        return rx.toast.success(_("Contract {contract} is now paid with {card}.").format(
            contract=self.contract_number, card=self.payment_method))

    @rx.event
    @signed_in
    def set_change_kind(self, value: str):
        self.change_kind, self.change_value, self.change_error = value, "", ""

    @rx.event
    @signed_in
    def set_change_value(self, value: str):
        self.change_value, self.change_error = value, ""

    @rx.event
    @signed_in
    def set_change_note(self, value: str):
        self.change_note = value

    @rx.event
    @signed_in(errors={"*": "change_error"})
    def request_change(self, actor: Actor, db: Session):
        if not self.change_value:
            self.change_error = _("Choose the new value.")
            return
        contract_billing.request_change(session=db, actor=actor, number=self._number(), kind=self.change_kind,
                                        requested_value=self.change_value, note=self.change_note)
        self.change_value, self.change_note = "", ""
        self._refresh(actor, db)
        return rx.toast.success(_("Your change request was sent to support. You will get an e-mail when it is done."))

    @rx.var
    def change_options(self) -> list[Option]:
        return CHANGE_OPTIONS.get(self.change_kind, CHANGE_OPTIONS["billing_frequency"])
