"""Order history on the Order seats page (R-ORD-4, R-ORD-5): the organisation's seat orders, a page at
a time, and the card of an active order changed from its row."""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import reflex as rx
from sqlmodel import Session

from billing_center.components.ui import status_color
from billing_center.domain.enums import OrderStatus
from billing_center.domain.errors import ValidationFailed
from billing_center.formatting import format_money, format_period
from billing_center.i18n import _
from billing_center.labels import status_label
from billing_center.services import seat_orders, wallet
from billing_center.services.actors import Actor
from billing_center.states.rows import Option, card_options
from billing_center.states.session import FieldErrors, SessionState, event_id, field_setter, signed_in

PAGE = 10


@dataclasses.dataclass
class OrderRow:
    """One seat order as the history shows it."""

    number: str
    product: str
    seats: str
    status: str
    status_color: str
    total: str
    period: str
    payment: str
    editable: bool


def order_row(order: seat_orders.OrderRow, actor: Actor) -> OrderRow:
    return OrderRow(
        number=order.number, product=order.product, seats=str(order.seats), status=status_label(order.status),
        status_color=status_color(order.status), total=format_money(order.total, actor.locale),
        period=format_period(order.start, order.end, actor.locale), payment=order.payment,
        editable=actor.is_billing_admin and order.status == OrderStatus.ACTIVE and order.paid_by_card,
    )


class OrderHistoryState(FieldErrors, SessionState):
    history: list[OrderRow] = []
    history_total: int = 0
    history_offset: int = 0
    edit_open: bool = False
    edit_order: str = ""
    edit_card: str = ""
    wallet_cards: list[Option] = []

    # ``errors`` keys: page (why the checkout is not this person's) and edit (an order's card)
    field_errors: ClassVar[dict[str, str]] = {"*": "edit"}

    def _load_history(self, actor: Actor, db: Session) -> None:
        rows, self.history_total = seat_orders.order_history(session=db, actor=actor, limit=PAGE,
                                                             offset=self.history_offset)
        self.history = [order_row(r, actor) for r in rows]

    @rx.event
    @signed_in(page=True, errors={"*": "page"})
    def load(self, actor: Actor, db: Session):
        """Who may not order seats sees why, instead of the checkout and the history."""
        self._clear_errors("page")
        self.history_offset = 0
        if self._refusal(lambda: self._load_history(actor, db)):
            self.history, self.history_total = [], 0
            self._show_error("page", _("Only billing admins and self-service buyers can order seats."))

    @rx.event
    @signed_in
    def first_page(self, actor: Actor, db: Session):
        """After a new order: it heads the first page."""
        self.history_offset = 0
        self._load_history(actor, db)

    @rx.event
    @signed_in
    def next_page(self, actor: Actor, db: Session):
        if self.history_offset + PAGE < self.history_total:
            self.history_offset += PAGE
            self._load_history(actor, db)

    @rx.event
    @signed_in
    def previous_page(self, actor: Actor, db: Session):
        if self.history_offset > 0:
            self.history_offset = max(0, self.history_offset - PAGE)
            self._load_history(actor, db)

    @rx.var
    def history_range(self) -> str:
        """The orders shown, as numbers ("21–40"): the page adds the words in the person's language."""
        if not self.history_total:
            return ""
        return f"{self.history_offset + 1}–{min(self.history_offset + PAGE, self.history_total)}"

    @rx.var
    def has_previous(self) -> bool:
        return self.history_offset > 0

    @rx.var
    def has_next(self) -> bool:
        return self.history_offset + PAGE < self.history_total

    # --- R-ORD-5: an active order's card ---------------------------------------------------------
    @rx.event
    @signed_in
    def open_edit(self, actor: Actor, db: Session, number: str):
        self.wallet_cards = card_options(wallet.list_cards(session=db, actor=actor))
        self.edit_order, self.edit_card = number, ""
        self._clear_errors("edit")
        self.edit_open = True

    set_edit_open = field_setter("edit_open", bool, read_only=True)
    set_edit_card = field_setter("edit_card", clears=("edit",), read_only=True)

    @rx.event
    @signed_in
    def save_edit(self, actor: Actor, db: Session):
        if not self.edit_card:
            raise ValidationFailed("card", "Choose the card that pays this order from now on.")
        order = seat_orders.change_order_payment_method(session=db, actor=actor, order_number=self.edit_order,
                                                        card_id=event_id(self.edit_card, "card"))
        self.edit_open = False
        self._load_history(actor, db)
        return rx.toast.success(_("Order {number} is now paid with the chosen card.").format(number=order.number))
