"""A contract's billing details (R-CON-3, R-PAY-1): its payment method, changed at once, and change
requests for billing frequency and payment terms, handled by support."""

from __future__ import annotations

import reflex as rx

from billing_center.components.ui import status_color
from billing_center.db import session_scope
from billing_center.domain.errors import NotFound, ServiceError, ValidationFailed
from billing_center.formatting import format_moment
from billing_center.services import contract_billing, wallet
from billing_center.services.contract_billing import FREQUENCIES, PAYMENT_TERMS
from billing_center.states.session import SessionState


class ContractBillingState(SessionState):
    contract_number: str = ""
    not_found: bool = False
    status: str = ""
    billing_frequency: str = ""
    payment_terms: str = ""
    po_number: str = ""
    invoice_recipients: str = ""
    payment_method: str = ""
    cards: list[dict[str, str]] = []
    chosen_card: str = ""
    card_error: str = ""
    requests: list[dict[str, str]] = []
    change_kind: str = "billing_frequency"
    change_value: str = ""
    change_note: str = ""
    change_error: str = ""
    can_manage_cards: bool = False

    def _number(self) -> str:
        return str(self.router.page.params.get("number", "") or "")

    def _refresh(self, actor) -> None:
        number = self._number()
        try:
            with session_scope() as session:
                details = contract_billing.billing_details(session=session, actor=actor, number=number)
                cards = wallet.list_cards(session=session, actor=actor) if actor.is_billing_admin else []
        except NotFound:
            self.not_found = True
            self.contract_number = number
            return
        self.not_found = False
        locale = actor.locale
        self.contract_number = details.number
        self.status = details.status
        self.billing_frequency, self.payment_terms = details.billing_frequency, details.payment_terms
        self.po_number = details.po_number or "—"
        self.invoice_recipients = details.invoice_recipients or "—"
        self.payment_method = details.payment_method
        self.can_manage_cards = actor.is_billing_admin
        self.cards = [{"id": str(c.id), "label": f"{c.brand} •••• {c.last4} (expires {c.expiry})"}
                      for c in cards if not c.expired and c.id != details.payment_method_id]
        self.requests = [
            {"kind": r.kind, "change": f"{r.current} → {r.requested}", "status": r.status.capitalize(),
             "status_color": status_color(r.status), "requested_by": r.requested_by,
             "date": format_moment(r.created_at, locale), "note": r.note or "—"}
            for r in details.requests
        ]

    @rx.event
    def load(self):
        actor = self._actor()
        if actor is None:
            return self._to_sign_in()
        self._show_actor(actor)
        self.card_error = self.change_error = ""
        self.chosen_card = ""
        self.change_kind, self.change_value, self.change_note = "billing_frequency", "", ""
        self._refresh(actor)

    @rx.event
    def set_chosen_card(self, value: str):
        self.chosen_card, self.card_error = value, ""

    @rx.event
    def change_card(self):
        actor = self._actor()
        if actor is None:
            return self._to_sign_in()
        if not self.chosen_card:
            self.card_error = "Choose the card that pays this contract from now on."
            return
        try:
            with session_scope() as session:
                contract_billing.change_payment_method(session=session, actor=actor, number=self._number(),
                                                       card_id=int(self.chosen_card))
        except (ServiceError, ValueError) as exc:
            self.card_error = getattr(exc, "message", "Choose a card.")
            return
        self.chosen_card = ""
        self._refresh(actor)
        return rx.toast.success(f"Contract {self.contract_number} is now paid with {self.payment_method}.")

    @rx.event
    def set_change_kind(self, value: str):
        self.change_kind, self.change_value, self.change_error = value, "", ""

    @rx.event
    def set_change_value(self, value: str):
        self.change_value, self.change_error = value, ""

    @rx.event
    def set_change_note(self, value: str):
        self.change_note = value

    @rx.event
    def request_change(self):
        actor = self._actor()
        if actor is None:
            return self._to_sign_in()
        if not self.change_value:
            self.change_error = "Choose the new value."
            return
        try:
            with session_scope() as session:
                contract_billing.request_change(session=session, actor=actor, number=self._number(),
                                                kind=self.change_kind, requested_value=self.change_value,
                                                note=self.change_note)
        except ValidationFailed as exc:
            self.change_error = exc.message
            return
        except ServiceError as exc:
            self.change_error = exc.message
            return
        self.change_value, self.change_note = "", ""
        self._refresh(actor)
        return rx.toast.success("Your change request was sent to support. You will get an e-mail when it is done.")

    @rx.var
    def change_options(self) -> list[list[str]]:
        options = FREQUENCIES if self.change_kind == "billing_frequency" else PAYMENT_TERMS
        return [[value, label] for value, label in options.items()]
