"""Order seats by card (R-ORD-1..3, R-ORD-5): seats -> estimate -> billing country, contact and card ->
Complete order. The idempotency key is made when the payment form opens and kept (backend-only) until
the order is done, so a double click or a retry after a lost reply places exactly one order. The order
history below the checkout is states/order_history.py."""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Mapping
from typing import ClassVar

import reflex as rx
from sqlmodel import Session

from billing_center.components.card_fields import card_result_fields
from billing_center.domain.errors import Conflict, ServiceError
from billing_center.formatting import format_money
from billing_center.i18n import _, ngettext
from billing_center.payments import get_gateway
from billing_center.services import seat_orders, wallet
from billing_center.services.actors import Actor
from billing_center.services.seat_orders import COUNTRIES
from billing_center.states.order_history import OrderHistoryState
from billing_center.states.rows import Option, blank, card_options
from billing_center.states.session import FieldErrors, SessionState, field_setter, signed_in

# The estimate's errors show at the number of seats, whatever field they name.
AT_SEATS = {"*": "seats", "country": "seats"}


@dataclasses.dataclass
class SeatEstimate:
    """The price of the seats asked for, in the billing country's currency (R-ORD-3)."""

    line: str  # "{count} seats × {price} per month × 12 months"
    total: str  # the year's price before tax; "" while there is no estimate to show
    tax_line: str
    charge_total: str


def seat_estimate(quote: seat_orders.Estimate, locale: str) -> SeatEstimate:
    return SeatEstimate(
        line=ngettext("{count} seat × {price} per month × 12 months",
                      "{count} seats × {price} per month × 12 months", quote.seats).format(
            count=quote.seats, price=format_money(quote.unit_price, locale)),
        total=format_money(quote.annual, locale),
        tax_line=_("Tax: {amount}").format(amount=format_money(quote.tax, locale))
        if quote.tax.amount_minor else _("No VAT is added (reverse charge or outside the EU)."),
        charge_total=format_money(quote.total, locale))


@dataclasses.dataclass
class PlacedOrder:
    """The order a checkout placed, as the last step states it."""

    number: str
    invoice: str
    total: str


class SeatOrderState(FieldErrors, SessionState):
    step: str = "seats"  # seats -> payment -> done
    intro: str = ""  # the price per learner and the order limits, in the organisation's format
    seats: str = ""
    estimate: SeatEstimate = blank(SeatEstimate)
    country: str = "US"
    currency: str = "USD"
    contact_name: str = ""
    contact_email: str = ""
    pay_with: str = "new"
    saved_cards: list[Option] = []
    processor_url: str = ""
    done: PlacedOrder = blank(PlacedOrder)
    _checkout_key: str = ""

    # ``errors`` keys: seats, name, email, country, card, and form for any other refusal
    field_errors: ClassVar[dict[str, str]] = {"seats": "seats", "contact_name": "name", "contact_email": "email",
                                              "country": "country", "card": "card", "*": "form"}

    def _service_error(self, exc: ServiceError, errors: Mapping[str, str] | None = None):
        target = self._error_target(exc, errors)
        if target == "seats":
            self.step = "seats"
        elif target == "card" or isinstance(exc, Conflict):
            # A definite "no" from the processor, or a checkout that cannot complete any more (used for
            # another request, or its charge refunded): the next try is a new checkout (a new key). A
            # payment the processor did not confirm keeps its key: the retry finds the charge already made.
            self._checkout_key = secrets.token_urlsafe(24)
        return super()._service_error(exc, errors)

    def _estimate(self, actor: Actor, db: Session) -> None:
        quote = seat_orders.estimate(session=db, actor=actor, seats=self.seats, country=self.country)
        self.currency = quote.annual.currency
        self.estimate = seat_estimate(quote, actor.locale)

    def _forget_estimate(self) -> None:
        """No estimate shows (the line and total; the payment step, which shows the rest, is not open)."""
        self.estimate = dataclasses.replace(self.estimate, line="", total="")

    @rx.event
    @signed_in(page=True)
    def load(self, actor: Actor, db: Session):
        self.processor_url = get_gateway().browser_url()
        offer = seat_orders.seat_offer(session=db, actor=actor, country=self.country)
        price = format_money(offer.unit_price, actor.locale)
        self.intro = (_("{price} per learner per month. Your first order is for at least {min} seats; one order "
                        "holds at most {max}.") if offer.first_order else
                      _("{price} per learner per month. One order holds at most {max} seats.")).format(
            price=price, min=offer.min_first_order, max=offer.max_per_order)
        if self.step == "payment" and self._checkout_key:
            return self._resume(actor, db)
        self.step = "seats"
        self._clear_errors("seats", "form", "card")
        self._forget_estimate()
        self._checkout_key = ""
        self.contact_name, self.contact_email = actor.full_name, actor.email
        seats = self.router.page.params.get("seats")
        if isinstance(seats, str) and seats:
            self.seats = seats
            return SeatOrderState.show_estimate

    @rx.event
    @signed_in(errors=AT_SEATS)
    def set_seats(self, value: str):
        """Typing keeps the error until the next estimate: it going away as the field loses focus (a click
        on Show estimate or Continue) would move the page under the pointer."""
        self.seats = value

    @rx.event
    @signed_in(errors=AT_SEATS)  # a refusal (the database gone, say) shows where the person is looking
    def submit_seats(self, form_data: dict):
        """The form's own value is the truth: the input's debounced change may not have arrived yet."""
        self.seats = str(form_data.get("seats", self.seats))
        self._clear_errors("seats")
        return SeatOrderState.show_estimate

    @rx.event
    @signed_in(errors=AT_SEATS)
    def show_estimate(self, actor: Actor, db: Session):
        self._forget_estimate()
        self._estimate(actor, db)

    @rx.event
    @signed_in(errors=AT_SEATS)
    def continue_to_payment(self, actor: Actor, db: Session):
        """The payment form opens: a new checkout, with its own idempotency key."""
        self._estimate(actor, db)
        cards = wallet.list_cards(session=db, actor=actor) if actor.is_billing_admin else []
        self.saved_cards = card_options(cards)
        self.pay_with = "new"
        self._clear_errors("card", "form", "name", "email", "country")
        self._checkout_key = secrets.token_urlsafe(24)
        self.step = "payment"

    @rx.event
    @signed_in
    def back_to_seats(self):
        self.step = "seats"
        self._checkout_key = ""

    @rx.event
    @signed_in(errors=AT_SEATS)
    def set_country(self, actor: Actor, db: Session, value: str):
        """R-ORD-3: the currency of the estimate follows the billing country."""
        if value not in COUNTRIES:
            self._show_error("country", _("Choose the billing country."))
            return
        self.country = value
        self._clear_errors("country")
        self._estimate(actor, db)

    set_contact_name = field_setter("contact_name", clears=("name",))
    set_contact_email = field_setter("contact_email", clears=("email",))
    set_pay_with = field_setter("pay_with", clears=("card",))

    def _resume(self, actor: Actor, db: Session):
        """This tab's checkout was open when the page was reloaded or its connection dropped and came
        back (docs/operations.md): show what became of it. A completed order is shown as done; a
        checkout that recorded nothing stays open with everything typed, and Complete order again
        finds the charge the processor may already hold (the same key)."""
        result = seat_orders.checkout_result(session=db, actor=actor, idempotency_key=self._checkout_key)
        if result is None:
            return None
        return self._done(result, actor)

    def _done(self, result: seat_orders.OrderResult, actor: Actor):
        self.done = PlacedOrder(number=result.order_number, invoice=result.invoice_number,
                                total=format_money(result.total, actor.locale))
        self.step = "done"
        return [OrderHistoryState.first_page,
                rx.toast.success(_("Order {number} is complete. The receipt is on its way.").format(
                    number=result.order_number))]

    def _place(self, actor: Actor, db: Session, *, card_token: str = "", saved_card_id: int | None = None):
        self._clear_errors("card", "form", "name", "email", "seats")
        if not self._checkout_key:
            self._show_error("form", _("This checkout has expired. Start again with the number of seats."))
            return
        result = seat_orders.place_card_order(
            session=db, actor=actor, gateway=get_gateway(), idempotency_key=self._checkout_key,
            seats=self.seats, country=self.country, contact_name=self.contact_name,
            contact_email=self.contact_email, card_token=card_token, saved_card_id=saved_card_id)
        return self._done(result, actor)

    @rx.event
    @signed_in
    def complete_with_card(self, actor: Actor, db: Session, card: dict):
        """The hosted fields answered with a token (or an error); only token/brand/last4/expiry arrive."""
        if not isinstance(card, dict) or card.get("error") or not card.get("token"):
            self._show_error("card", str(card.get("error")) if isinstance(card, dict) and card.get("error")
                             else _("Enter your card details."))
            return
        return self._place(actor, db, card_token=card_result_fields(card)["token"])

    @rx.event
    @signed_in
    def complete_with_saved_card(self, actor: Actor, db: Session, card_id: str):
        """The saved card the "Pay with" select showed at the click (the service checks it is the actor's)."""
        choice = str(card_id)
        if not choice.isdigit():
            self._show_error("card", _("Choose a card."))
            return
        self.pay_with = choice
        return self._place(actor, db, saved_card_id=int(choice))

    @rx.event
    @signed_in
    def new_order(self):
        self.step = "seats"
        self.seats = ""
        self._forget_estimate()
        self._checkout_key = ""


def countries() -> list[tuple[str, str, str]]:
    """(code, name msgid, currency) of the billing countries: the page translates the name."""
    return [(code, name, currency) for code, (name, currency) in COUNTRIES.items()]
