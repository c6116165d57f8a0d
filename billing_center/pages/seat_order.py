"""Order seats (R-ORD-1..3): the number of seats and its estimate, then billing country, contact and
card, then Complete order (states/seat_order.py); the Order history below shows every seat order (R-ORD-4,
R-ORD-5; states/order_history.py)."""

from __future__ import annotations

import reflex as rx

from billing_center.components.card_fields import card_fields, pay_with_choice
from billing_center.components.form_fields import SELECT_STYLE, labelled, option_select
from billing_center.components.forms import error_of, submit_button, submit_form
from billing_center.components.i18n import t
from billing_center.components.layout import console_page
from billing_center.components.ui import (
    data_table,
    error_notice,
    form_dialog,
    locked_notice,
    notice,
    numeric_cell,
    page_section,
    pager,
    section_card,
    status_badge,
    table_row,
)
from billing_center.i18n import N_
from billing_center.states.order_history import PAGE as PAGE_SIZE
from billing_center.states.order_history import OrderHistoryState
from billing_center.states.seat_order import SeatOrderState, countries


def _estimate_card() -> rx.Component:
    return rx.cond(
        SeatOrderState.estimate.total != "",
        rx.card(
            rx.vstack(
                rx.text(t("Estimate (annual)"), size="2", color_scheme="gray", weight="medium"),
                rx.heading(SeatOrderState.estimate.total, size="7", as_="p"),
                rx.text(SeatOrderState.estimate.line, size="2"),
                rx.text(t("Billed annually in advance. Taxes are added where they apply."), size="1",
                        color_scheme="gray"),
                spacing="1",
            ),
            role="group",
            aria_label=t("Estimate"),
            width="100%",
        ),
    )


def _seats_step() -> rx.Component:
    return section_card(
        N_("Learning Manager seats"),
        rx.text(SeatOrderState.intro, size="2", color_scheme="gray"),
        submit_form(
            labelled(N_("Number of seats"),
                     rx.input(id="seats", name="seats", value=SeatOrderState.seats,
                              on_change=SeatOrderState.set_seats, input_mode="numeric",
                              placeholder="e.g. 25", width="180px",
                              aria_invalid=rx.cond(error_of(SeatOrderState, "seats") != "", "true", "false")),
                     error_of(SeatOrderState, "seats"),
                     beside=submit_button(t("Show estimate"), variant="soft")),
            on_submit=SeatOrderState.submit_seats,
            width="auto",
        ),
        _estimate_card(),
        rx.button(t("Continue"), rx.icon("arrow-right", size=16), size="3",
                  on_click=SeatOrderState.continue_to_payment),
        spacing="4",
        max_width="640px",
    )


def _payment_step() -> rx.Component:
    return rx.grid(
        section_card(
            N_("Billing and payment"),
            labelled(
                N_("Billing country"),
                rx.el.select(
                    *[rx.el.option(t(name) + f" ({currency})", value=code) for code, name, currency in countries()],
                    id="billing-country",
                    value=SeatOrderState.country,
                    on_change=SeatOrderState.set_country,
                    style=SELECT_STYLE,
                ),
                error_of(SeatOrderState, "country"),
                hint=N_("The currency follows the billing country."),
            ),
            labelled(N_("Contact name"),
                     rx.input(id="contact-name", value=SeatOrderState.contact_name,
                              on_change=SeatOrderState.set_contact_name, width="100%", auto_complete="name"),
                     error_of(SeatOrderState, "name")),
            labelled(N_("Contact e-mail"),
                     rx.input(id="contact-email", value=SeatOrderState.contact_email, type="email",
                              on_change=SeatOrderState.set_contact_email, width="100%", auto_complete="email"),
                     error_of(SeatOrderState, "email"), hint=N_("The receipt is sent here.")),
            rx.cond(
                SeatOrderState.saved_cards.length() > 0,
                labelled(
                    N_("Pay with"),
                    option_select("pay-with", SeatOrderState.saved_cards, default_value=SeatOrderState.pay_with,
                                  on_change=SeatOrderState.set_pay_with, first=("A new card", "new")),
                ),
            ),
            rx.cond(SeatOrderState.pay_with == "new", card_fields(SeatOrderState.processor_url)),
            error_notice(error_of(SeatOrderState, "card"), icon="credit-card"),
            error_notice(error_of(SeatOrderState, "form"), color="amber"),
        ),
        rx.vstack(
            _estimate_card(),
            rx.card(
                rx.vstack(
                    rx.text(SeatOrderState.estimate.tax_line, size="1", color_scheme="gray"),
                    rx.text(t("You will be charged "), rx.text.strong(SeatOrderState.estimate.charge_total),
                            t(" today, and the paid invoice is e-mailed to you."), size="2"),
                    rx.button(t("Complete order"), size="3", width="100%",
                              on_click=pay_with_choice("pay-with", SeatOrderState.complete_with_card,
                                                       SeatOrderState.complete_with_saved_card)),
                    rx.button(t("Change seats"), variant="ghost", color_scheme="gray",
                              on_click=SeatOrderState.back_to_seats),
                    spacing="3",
                    width="100%",
                ),
                width="100%",
            ),
            spacing="4",
            width="100%",
        ),
        columns=rx.breakpoints(initial="1", md="2"),
        spacing="5",
        width="100%",
    )


def _done_step() -> rx.Component:
    return notice(
        rx.vstack(
            rx.text(t("Order "), rx.text.strong(SeatOrderState.done.number), t(" is complete: "),
                    SeatOrderState.done.total, t(" was charged and invoice "), SeatOrderState.done.invoice,
                    t(" is paid. The receipt was e-mailed to "), SeatOrderState.contact_email, "."),
            rx.button(t("Order more seats"), variant="soft", on_click=SeatOrderState.new_order),
            spacing="2",
            align="start",
        ),
        icon="circle-check",
        color="green",
    )


def _history_row(row: rx.Var) -> rx.Component:
    return table_row(
        rx.table.row_header_cell(row.number), row.product, numeric_cell(row.seats), row.period, row.payment,
        numeric_cell(row.total), status_badge(row.status, row.status_color),
        rx.cond(row.editable, rx.button(t("Change card"), size="1", variant="soft",
                                        on_click=OrderHistoryState.open_edit(row.number),
                                        aria_label=t("Change the card of order ") + row.number)),
    )


def _edit_dialog() -> rx.Component:
    return form_dialog(
        t("Change the card of order ") + OrderHistoryState.edit_order,
        t("The next renewal of this order is charged to the card you choose."),
        labelled(N_("Card"),
                 option_select("order-card", OrderHistoryState.wallet_cards, value=OrderHistoryState.edit_card,
                               on_change=OrderHistoryState.set_edit_card, first=("Choose a card…", "")),
                 error_of(OrderHistoryState, "edit")),
        actions=[rx.button(t("Save"), on_click=OrderHistoryState.save_edit)],
        open=OrderHistoryState.edit_open,
        on_open_change=OrderHistoryState.set_edit_open,
        max_width="460px",
    )


def _order_history() -> rx.Component:
    history = OrderHistoryState
    return page_section(
        N_("Order history"),
        data_table([N_("Order"), N_("Product"), N_("Seats"), N_("Period"), N_("Payment method"), N_("Total"),
                    N_("Status"), ""],
                   history.history, _history_row, caption=N_("Order history"), empty_text=N_("No seat orders yet."),
                   numeric=(N_("Seats"), N_("Total"))),
        _edit_dialog(),
        rx.cond(history.history_total > PAGE_SIZE,
                pager(history.history_range + t(" of ") + history.history_total.to_string() + t(" orders"),
                      history.previous_page, history.next_page, history.has_previous,
                      history.has_next)),
        spacing="4",
        padding_top="12px",
    )


def seat_order_page() -> rx.Component:
    return console_page(
        N_("Order seats"),
        rx.cond(
            error_of(OrderHistoryState, "page") != "",
            locked_notice(error_of(OrderHistoryState, "page")),
            rx.fragment(
                rx.match(
                    SeatOrderState.step,
                    ("payment", _payment_step()),
                    ("done", _done_step()),
                    _seats_step(),
                ),
                _order_history(),
            ),
        ),
    )
