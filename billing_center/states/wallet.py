"""Payment methods: the wallet (R-PAY-1, R-PAY-2). Thin: calls services/wallet.py."""

from __future__ import annotations

import reflex as rx

from billing_center.components.card_fields import card_result_fields
from billing_center.db import session_scope
from billing_center.domain.errors import Forbidden, ServiceError, ValidationFailed
from billing_center.payments import get_gateway
from billing_center.services import wallet
from billing_center.states.session import SessionState


class WalletState(SessionState):
    cards: list[dict[str, str]] = []
    processor_url: str = ""
    page_error: str = ""
    # add / replace dialog
    add_open: bool = False
    replace_id: str = ""
    replace_label: str = ""
    holder_name: str = ""
    address: str = ""
    make_default: bool = False
    card_error: str = ""
    holder_error: str = ""
    saving: bool = False
    # edit dialog
    edit_open: bool = False
    edit_id: str = ""
    edit_label: str = ""
    edit_expiry: str = ""
    edit_name: str = ""
    edit_address: str = ""
    expiry_error: str = ""
    edit_name_error: str = ""
    action_error: str = ""

    def _refresh(self, actor) -> None:
        with session_scope() as session:
            cards = wallet.list_cards(session=session, actor=actor)
        self.cards = [
            {
                "id": str(c.id),
                "label": f"{c.brand} •••• {c.last4}",
                "short": c.label,
                "expiry": c.expiry,
                "holder": c.holder_name or "—",
                "address": c.address,
                "pays": ", ".join(c.used_by) or "Nothing yet",
                "status": "Default" if c.is_default else ("Expired" if c.expired else ""),
                "status_color": "indigo" if c.is_default else "red",
                "is_default": "yes" if c.is_default else "",
            }
            for c in cards
        ]

    @rx.event
    def load(self):
        actor = self._actor()
        if actor is None:
            return self._to_sign_in()
        self._show_actor(actor)
        self.processor_url = get_gateway().browser_url()
        self.page_error = self.action_error = ""
        try:
            self._refresh(actor)
        except Forbidden:
            self.cards = []
            self.page_error = "Only billing admins manage the organisation's payment methods."

    # --- add and replace ---------------------------------------------------------------------
    def _reset_card_form(self) -> None:
        self.holder_name = self.person_name if not self.replace_id else ""
        self.address = ""
        self.make_default = False
        self.card_error = self.holder_error = ""
        self.saving = False

    @rx.event
    def open_add(self):
        self.replace_id = self.replace_label = ""
        self._reset_card_form()
        self.add_open = True

    @rx.event
    def open_replace(self, card_id: str):
        row = next((c for c in self.cards if c["id"] == card_id), None)
        if row is None:
            return
        self.replace_id, self.replace_label = card_id, row["short"]
        self._reset_card_form()
        self.holder_name = row["holder"] if row["holder"] != "—" else ""
        self.address = row["address"]
        self.add_open = True

    @rx.event
    def set_add_open(self, value: bool):
        self.add_open = value

    @rx.event
    def set_holder_name(self, value: str):
        self.holder_name = value
        self.holder_error = ""

    @rx.event
    def set_address(self, value: str):
        self.address = value

    @rx.event
    def set_make_default(self, value: bool):
        self.make_default = value

    @rx.event
    def card_ready(self, card: dict):
        """The hosted fields answered: a token (and brand, last 4, expiry) or an error."""
        actor = self._actor()
        if actor is None:
            return self._to_sign_in()
        self.card_error = self.holder_error = ""
        if not isinstance(card, dict) or card.get("error") or not card.get("token"):
            self.card_error = str((card or {}).get("error") or "Enter the card details.") \
                if isinstance(card, dict) else "Enter the card details."
            return
        safe = card_result_fields(card)
        try:
            with session_scope() as session:
                if self.replace_id:
                    new = wallet.replace_card(session=session, actor=actor, gateway=get_gateway(),
                                              card_id=int(self.replace_id), token=safe["token"],
                                              holder_name=self.holder_name, address=self.address)
                else:
                    new = wallet.add_card(session=session, actor=actor, gateway=get_gateway(), token=safe["token"],
                                          holder_name=self.holder_name, address=self.address,
                                          make_default=self.make_default)
                label = wallet.card_label(new)
        except ValidationFailed as exc:
            if exc.field == "holder_name":
                self.holder_error = exc.message
            else:
                self.card_error = exc.message
            return
        except ServiceError as exc:
            self.card_error = exc.message
            return
        replaced = self.replace_label
        self.add_open = False
        self._refresh(actor)
        if replaced:
            return rx.toast.success(f"{replaced} was replaced by {label}.")
        return rx.toast.success(f"{label} was added to your wallet.")

    # --- edit ------------------------------------------------------------------------------------
    @rx.event
    def open_edit(self, card_id: str):
        row = next((c for c in self.cards if c["id"] == card_id), None)
        if row is None:
            return
        self.edit_id, self.edit_label = card_id, row["short"]
        self.edit_expiry, self.edit_name = row["expiry"], (row["holder"] if row["holder"] != "—" else "")
        self.edit_address = row["address"]
        self.expiry_error = self.edit_name_error = ""
        self.edit_open = True

    @rx.event
    def set_edit_open(self, value: bool):
        self.edit_open = value

    @rx.event
    def set_edit_expiry(self, value: str):
        self.edit_expiry = value
        self.expiry_error = ""

    @rx.event
    def set_edit_name(self, value: str):
        self.edit_name = value
        self.edit_name_error = ""

    @rx.event
    def set_edit_address(self, value: str):
        self.edit_address = value

    @rx.event
    def save_edit(self):
        actor = self._actor()
        if actor is None:
            return self._to_sign_in()
        try:
            with session_scope() as session:
                wallet.update_card(session=session, actor=actor, card_id=int(self.edit_id), expiry=self.edit_expiry,
                                   holder_name=self.edit_name, address=self.edit_address)
        except ValidationFailed as exc:
            if exc.field == "expiry":
                self.expiry_error = exc.message
            else:
                self.edit_name_error = exc.message
            return
        except ServiceError as exc:
            self.edit_name_error = exc.message
            return
        self.edit_open = False
        self._refresh(actor)
        return rx.toast.success(f"{self.edit_label} was updated.")

    # --- default and delete ----------------------------------------------------------------------
    @rx.event
    def set_default(self, card_id: str):
        actor = self._actor()
        if actor is None:
            return self._to_sign_in()
        self.action_error = ""
        try:
            with session_scope() as session:
                card = wallet.set_default(session=session, actor=actor, card_id=int(card_id))
                label = wallet.card_label(card)
        except ServiceError as exc:
            self.action_error = exc.message
            return
        self._refresh(actor)
        return rx.toast.success(f"{label} is now the default for future purchases. "
                                "Active contracts keep their own payment method.")

    @rx.event
    def delete(self, card_id: str):
        actor = self._actor()
        if actor is None:
            return self._to_sign_in()
        self.action_error = ""
        row = next((c for c in self.cards if c["id"] == card_id), {"short": "The card"})
        try:
            with session_scope() as session:
                wallet.delete_card(session=session, actor=actor, card_id=int(card_id))
        except ServiceError as exc:
            self.action_error = exc.message
            return rx.toast.error("The card was not deleted.")
        self._refresh(actor)
        return rx.toast.success(f"{row['short']} was deleted.")
