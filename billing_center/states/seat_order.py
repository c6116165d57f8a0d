"""Order seats by card (R-ORD-1..3, R-ORD-5): seats -> estimate -> billing country, contact and card ->
Complete order. The idempotency key is made when the payment form opens and kept (backend-only) until
the order is done, so a double click or a retry after a lost reply places exactly one order."""

from __future__ import annotations

import secrets

import reflex as rx

from billing_center.components.card_fields import card_result_fields
from billing_center.db import session_scope
from billing_center.domain.errors import Conflict, ServiceError, ValidationFailed
from billing_center.formatting import format_day, format_money
from billing_center.payments import get_gateway
from billing_center.services import seat_orders, wallet
from billing_center.services.seat_orders import COUNTRIES, PaymentNotConfirmed
from billing_center.components.ui import status_color
from billing_center.states.session import SessionState

ORDER_STATUS = {"active": "Active", "suspended": "Suspended", "cancellation_started": "Cancellation started",
                "cancelled": "Cancelled"}
PAGE = 10


class SeatOrderState(SessionState):
    step: str = "seats"  # seats -> payment -> done
    seats: str = ""
    seats_error: str = ""
    estimate_line: str = ""
    estimate_total: str = ""
    tax_line: str = ""
    charge_total: str = ""
    country: str = "US"
    currency: str = "USD"
    contact_name: str = ""
    contact_email: str = ""
    name_error: str = ""
    email_error: str = ""
    country_error: str = ""
    card_error: str = ""
    form_error: str = ""
    pay_with: str = "new"
    saved_cards: list[dict[str, str]] = []
    processor_url: str = ""
    done_number: str = ""
    done_invoice: str = ""
    done_total: str = ""
    history: list[dict[str, str]] = []
    history_total: int = 0
    history_offset: int = 0
    page_error: str = ""
    edit_open: bool = False
    edit_order: str = ""
    edit_card: str = ""
    edit_error: str = ""
    wallet_cards: list[dict[str, str]] = []
    _checkout_key: str = ""

    def _load_history(self, actor) -> None:
        with session_scope() as session:
            rows, total = seat_orders.order_history(session=session, actor=actor, limit=PAGE,
                                                    offset=self.history_offset)
        locale = actor.locale
        self.history_total = total
        self.history = [
            {"number": r.number, "product": r.product, "seats": str(r.seats),
             "status": ORDER_STATUS.get(r.status, r.status), "status_color": status_color(r.status),
             "total": format_money(r.total, locale),
             "period": f"{format_day(r.start, locale)} – {format_day(r.end, locale)}",
             "payment": r.payment,
             "editable": "yes" if actor.is_billing_admin and r.status == "active" and r.payment != "Invoice" else ""}
            for r in rows
        ]

    def _fill_estimate(self, actor, quote) -> None:
        locale = actor.locale
        self.currency = quote.annual.currency
        self.estimate_line = (f"{quote.seats} seats × {format_money(quote.unit_price, locale)} per month × 12 months")
        self.estimate_total = format_money(quote.annual, locale)
        self.tax_line = f"Tax: {format_money(quote.tax, locale)}" if quote.tax.amount_minor else \
            "No VAT is added (reverse charge or outside the EU)."
        self.charge_total = format_money(quote.total, locale)

    @rx.event
    def load(self):
        actor = self._actor()
        if actor is None:
            return self._to_sign_in()
        self._show_actor(actor)
        self.processor_url = get_gateway().browser_url()
        self.step = "seats"
        self.seats_error = self.form_error = self.card_error = self.page_error = ""
        self.estimate_line = self.estimate_total = ""
        self.history_offset = 0
        self._checkout_key = ""
        self.contact_name, self.contact_email = actor.full_name, actor.email
        try:
            self._load_history(actor)
        except ServiceError as exc:
            self.page_error = "Only billing admins and self-service buyers can order seats." \
                if exc.code == "forbidden" else exc.message
            return
        seats = self.router.page.params.get("seats")
        if isinstance(seats, str) and seats:
            self.seats = seats
            return SeatOrderState.show_estimate

    @rx.event
    def set_seats(self, value: str):
        self.seats = value
        self.seats_error = ""

    @rx.event
    def submit_seats(self, form_data: dict):
        """The form's own value is the truth: the input's debounced change may not have arrived yet."""
        self.seats = str(form_data.get("seats", self.seats))
        self.seats_error = ""
        return SeatOrderState.show_estimate

    @rx.event
    def show_estimate(self):
        actor = self._actor()
        if actor is None:
            return self._to_sign_in()
        try:
            with session_scope() as session:
                quote = seat_orders.estimate(session=session, actor=actor, seats=self.seats, country=self.country)
        except ValidationFailed as exc:
            self.seats_error = exc.message
            self.estimate_line = self.estimate_total = ""
            return
        except ServiceError as exc:
            self.seats_error = exc.message
            return
        self._fill_estimate(actor, quote)

    @rx.event
    def continue_to_payment(self):
        """The payment form opens: a new checkout, with its own idempotency key."""
        actor = self._actor()
        if actor is None:
            return self._to_sign_in()
        try:
            with session_scope() as session:
                quote = seat_orders.estimate(session=session, actor=actor, seats=self.seats, country=self.country)
                cards = wallet.list_cards(session=session, actor=actor) if actor.is_billing_admin else []
        except ServiceError as exc:
            self.seats_error = exc.message
            return
        self._fill_estimate(actor, quote)
        self.saved_cards = [{"id": str(c.id), "label": f"{c.brand} •••• {c.last4} (expires {c.expiry})"}
                            for c in cards if not c.expired]
        self.pay_with = "new"
        self.card_error = self.form_error = self.name_error = self.email_error = self.country_error = ""
        self._checkout_key = secrets.token_urlsafe(24)
        self.step = "payment"

    @rx.event
    def back_to_seats(self):
        self.step = "seats"
        self._checkout_key = ""

    @rx.event
    def set_country(self, value: str):
        """R-ORD-3: the currency of the estimate follows the billing country."""
        actor = self._actor()
        if actor is None:
            return self._to_sign_in()
        if value not in COUNTRIES:
            self.country_error = "Choose the billing country."
            return
        self.country, self.country_error = value, ""
        try:
            with session_scope() as session:
                quote = seat_orders.estimate(session=session, actor=actor, seats=self.seats, country=value)
        except ServiceError as exc:
            self.seats_error, self.step = exc.message, "seats"
            return
        self._fill_estimate(actor, quote)

    @rx.event
    def set_contact_name(self, value: str):
        self.contact_name, self.name_error = value, ""

    @rx.event
    def set_contact_email(self, value: str):
        self.contact_email, self.email_error = value, ""

    @rx.event
    def set_pay_with(self, value: str):
        self.pay_with, self.card_error = value, ""

    def _place(self, *, card_token: str = "", saved_card_id: int | None = None):
        actor = self._actor()
        if actor is None:
            return self._to_sign_in()
        self.card_error = self.form_error = self.name_error = self.email_error = self.seats_error = ""
        if not self._checkout_key:
            self.form_error = "This checkout has expired. Start again with the number of seats."
            return
        try:
            with session_scope() as session:
                result = seat_orders.place_card_order(
                    session=session, actor=actor, gateway=get_gateway(), idempotency_key=self._checkout_key,
                    seats=self.seats, country=self.country, contact_name=self.contact_name,
                    contact_email=self.contact_email, card_token=card_token, saved_card_id=saved_card_id)
        except ValidationFailed as exc:
            if exc.field == "card":
                # A definite "no" from the processor: the next try is a new checkout (a new key).
                self._checkout_key = secrets.token_urlsafe(24)
                self.card_error = exc.message
            elif exc.field == "contact_name":
                self.name_error = exc.message
            elif exc.field == "contact_email":
                self.email_error = exc.message
            elif exc.field == "country":
                self.country_error = exc.message
            elif exc.field == "seats":
                self.step = "seats"
                self.seats_error = exc.message
            else:
                self.form_error = exc.message
            return
        except PaymentNotConfirmed as exc:
            self.form_error = exc.message  # the key is kept: the retry finds the charge already made
            return
        except (Conflict, ServiceError) as exc:
            self.form_error = exc.message
            return
        locale = actor.locale
        self.done_number, self.done_invoice = result.order_number, result.invoice_number
        self.done_total = format_money(result.total, locale)
        self.step = "done"
        self.history_offset = 0
        self._load_history(actor)
        return rx.toast.success(f"Order {result.order_number} is complete. The receipt is on its way.")

    @rx.event
    def complete_with_card(self, card: dict):
        """The hosted fields answered with a token (or an error); only token/brand/last4/expiry arrive."""
        if not isinstance(card, dict) or card.get("error") or not card.get("token"):
            self.card_error = str(card.get("error")) if isinstance(card, dict) and card.get("error") \
                else "Enter your card details."
            return
        return self._place(card_token=card_result_fields(card)["token"])

    @rx.event
    def complete_with_saved_card(self):
        try:
            card_id = int(self.pay_with)
        except ValueError:
            self.card_error = "Choose a card."
            return
        return self._place(saved_card_id=card_id)

    # --- R-ORD-5: an active order's card ---------------------------------------------------------
    @rx.event
    def open_edit(self, number: str):
        actor = self._actor()
        if actor is None:
            return self._to_sign_in()
        with session_scope() as session:
            cards = wallet.list_cards(session=session, actor=actor)
        self.wallet_cards = [{"id": str(c.id), "label": f"{c.brand} •••• {c.last4} (expires {c.expiry})"}
                             for c in cards if not c.expired]
        self.edit_order, self.edit_card, self.edit_error = number, "", ""
        self.edit_open = True

    @rx.event
    def set_edit_open(self, value: bool):
        self.edit_open = value

    @rx.event
    def set_edit_card(self, value: str):
        self.edit_card, self.edit_error = value, ""

    @rx.event
    def save_edit(self):
        actor = self._actor()
        if actor is None:
            return self._to_sign_in()
        if not self.edit_card:
            self.edit_error = "Choose the card that pays this order from now on."
            return
        try:
            with session_scope() as session:
                order = seat_orders.change_order_payment_method(session=session, actor=actor,
                                                                order_number=self.edit_order,
                                                                card_id=int(self.edit_card))
                number = order.number
        except (ServiceError, ValueError) as exc:
            self.edit_error = getattr(exc, "message", "Choose a card.")
            return
        self.edit_open = False
        self._load_history(actor)
        return rx.toast.success(f"Order {number} is now paid with the chosen card.")

    @rx.event
    def new_order(self):
        self.step = "seats"
        self.seats = ""
        self.estimate_line = self.estimate_total = ""
        self._checkout_key = ""

    @rx.event
    def next_page(self):
        actor = self._actor()
        if actor is None:
            return self._to_sign_in()
        if self.history_offset + PAGE < self.history_total:
            self.history_offset += PAGE
            self._load_history(actor)

    @rx.event
    def previous_page(self):
        actor = self._actor()
        if actor is None:
            return self._to_sign_in()
        if self.history_offset > 0:
            self.history_offset = max(0, self.history_offset - PAGE)
            self._load_history(actor)

    @rx.var
    def history_label(self) -> str:
        if not self.history_total:
            return ""
        return f"{self.history_offset + 1}–{min(self.history_offset + PAGE, self.history_total)} " \
               f"of {self.history_total} orders"

    @rx.var
    def has_previous(self) -> bool:
        return self.history_offset > 0

    @rx.var
    def has_next(self) -> bool:
        return self.history_offset + PAGE < self.history_total


def countries() -> list[tuple[str, str]]:
    return [(code, f"{name} ({currency})") for code, (name, currency) in COUNTRIES.items()]

