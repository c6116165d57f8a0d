"""Payment methods: the wallet (R-PAY-1, R-PAY-2). Thin: calls services/wallet.py."""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import reflex as rx
from sqlmodel import Session

from billing_center.components.card_fields import card_result_fields
from billing_center.i18n import _
from billing_center.labels import card_label, card_short_label
from billing_center.payments import get_gateway
from billing_center.services import wallet
from billing_center.services.actors import Actor
from billing_center.states.session import FieldErrors, SessionState, field_setter, signed_in


@dataclasses.dataclass
class CardRow:
    """One card of the wallet as the table shows it."""

    id: str
    label: str
    short: str
    expiry: str
    holder: str
    address: str
    pays: str
    status: str
    status_color: str
    is_default: bool


def card_row(card: wallet.CardView) -> CardRow:
    return CardRow(
        id=str(card.id),
        label=card_label(card.brand, card.last4),
        short=card_short_label(card.brand, card.last4),
        expiry=card.expiry,
        holder=card.holder_name or "—",
        address=card.address,
        pays=", ".join(card.used_by) or _("Nothing yet"),
        status=_("Default") if card.is_default else (_("Expired") if card.expired else ""),
        status_color="indigo" if card.is_default else "red",
        is_default=card.is_default,
    )


class WalletState(FieldErrors, SessionState):
    cards: list[CardRow] = []
    processor_url: str = ""
    # add / replace dialog
    add_open: bool = False
    replace_id: str = ""
    replace_label: str = ""
    holder_name: str = ""
    address: str = ""
    make_default: bool = False
    saving: bool = False
    # edit dialog
    edit_open: bool = False
    edit_id: str = ""
    edit_label: str = ""
    edit_expiry: str = ""
    edit_name: str = ""
    edit_address: str = ""

    # ``errors`` keys: page (why the wallet is not this person's), card and holder (the add / replace dialog),
    # expiry and edit_name (the edit dialog), action (the table's buttons)
    field_errors: ClassVar[dict[str, str]] = {"*": "action"}

    def _refresh(self, actor: Actor, db: Session) -> None:
        self.cards = [card_row(c) for c in wallet.list_cards(session=db, actor=actor)]

    def _row(self, card_id: str) -> CardRow | None:
        return next((c for c in self.cards if c.id == card_id), None)

    @rx.event
    @signed_in(page=True)
    def load(self, actor: Actor, db: Session):
        self.processor_url = get_gateway().browser_url()
        self._clear_errors("page", "action")
        if self._refusal(lambda: self._refresh(actor, db)):
            self.cards = []
            self._show_error("page", _("Only billing admins manage the organisation's payment methods."))

    # --- add and replace ---------------------------------------------------------------------
    def _reset_card_form(self) -> None:
        self.holder_name = self.person_name if not self.replace_id else ""
        self.address = ""
        self.make_default = False
        self._clear_errors("card", "holder")
        self.saving = False

    @rx.event
    @signed_in
    def open_add(self):
        self.replace_id = self.replace_label = ""
        self._reset_card_form()
        self.add_open = True

    @rx.event
    @signed_in
    def open_replace(self, card_id: str):
        row = self._row(card_id)
        if row is None:
            return
        self.replace_id, self.replace_label = card_id, row.short
        self._reset_card_form()
        self.holder_name = row.holder if row.holder != "—" else ""
        self.address = row.address
        self.add_open = True

    set_add_open = field_setter("add_open", bool)
    set_holder_name = field_setter("holder_name")
    set_address = field_setter("address")
    set_make_default = field_setter("make_default", bool)

    @rx.event
    @signed_in(errors={"holder_name": "holder", "*": "card"})
    def card_ready(self, actor: Actor, db: Session, card: dict):
        """The hosted fields answered: a token (and brand, last 4, expiry) or an error."""
        self._clear_errors("card", "holder")
        if not isinstance(card, dict) or card.get("error") or not card.get("token"):
            self._show_error("card", str((card or {}).get("error") or _("Enter the card details."))
                             if isinstance(card, dict) else _("Enter the card details."))
            return
        token = card_result_fields(card)["token"]
        if self.replace_id:
            new = wallet.replace_card(session=db, actor=actor, gateway=get_gateway(), card_id=int(self.replace_id),
                                      token=token, holder_name=self.holder_name, address=self.address)
        else:
            new = wallet.add_card(session=db, actor=actor, gateway=get_gateway(), token=token,
                                  holder_name=self.holder_name, address=self.address, make_default=self.make_default)
        label = card_short_label(new.brand, new.last4)
        self.add_open = False
        self._refresh(actor, db)
        if self.replace_label:
            return rx.toast.success(_("{old} was replaced by {new}.").format(old=self.replace_label, new=label))
        return rx.toast.success(_("{card} was added to your wallet.").format(card=label))

    # --- edit ------------------------------------------------------------------------------------
    @rx.event
    def open_edit(self, card_id: str):
        row = self._row(card_id)
        if row is None:
            return
        self.edit_id, self.edit_label = card_id, row.short
        self.edit_expiry, self.edit_name = row.expiry, (row.holder if row.holder != "—" else "")
        self.edit_address = row.address
        self._clear_errors("expiry", "edit_name")
        self.edit_open = True

    set_edit_open = field_setter("edit_open", bool)
    set_edit_expiry = field_setter("edit_expiry")
    set_edit_name = field_setter("edit_name")
    set_edit_address = field_setter("edit_address")

    @rx.event
    @signed_in(errors={"expiry": "expiry", "*": "edit_name"})
    def save_edit(self, actor: Actor, db: Session):
        self._clear_errors("expiry", "edit_name")
        wallet.update_card(session=db, actor=actor, card_id=int(self.edit_id), expiry=self.edit_expiry,
                           holder_name=self.edit_name, address=self.edit_address)
        self.edit_open = False
        self._refresh(actor, db)
        return rx.toast.success(_("{card} was updated.").format(card=self.edit_label))

    # --- default and delete ----------------------------------------------------------------------
    @rx.event
    @signed_in
    def set_default(self, actor: Actor, db: Session, card_id: str):
        self._clear_errors("action")
        card = wallet.set_default(session=db, actor=actor, card_id=int(card_id))
        self._refresh(actor, db)
        return rx.toast.success(_("{card} is now the default for future purchases. Active contracts keep their own "
                                  "payment method.").format(card=card_short_label(card.brand, card.last4)))

    @rx.event
    @signed_in
    def delete(self, actor: Actor, db: Session, card_id: str):
        self._clear_errors("action")
        row = self._row(card_id)
        wallet.delete_card(session=db, actor=actor, card_id=int(card_id))
        self._refresh(actor, db)
        return rx.toast.success(_("{card} was deleted.").format(card=row.short if row else _("The card")))
