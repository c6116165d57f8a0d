"""Order seats (R-ORD-1..3): the number of seats and its estimate, then billing country, contact and
card, then Complete order; the Order history below shows every seat order (R-ORD-4, R-ORD-5)."""

from __future__ import annotations

import reflex as rx

from billing_center.components.card_fields import card_fields, tokenise_card
from billing_center.components.form_fields import labelled
from billing_center.components.layout import console_page
from billing_center.components.ui import data_table, pager, status_badge
from billing_center.states.seat_order import PAGE as PAGE_SIZE
from billing_center.states.seat_order import SeatOrderState, countries

SELECT_STYLE = {"width": "100%", "padding": "8px", "borderRadius": "6px", "border": "1px solid var(--gray-7)",
                "fontSize": "14px", "background": "white"}


def _estimate_card() -> rx.Component:
    return rx.cond(
        SeatOrderState.estimate_total != "",
        rx.card(
            rx.vstack(
                rx.text("Estimate (annual)", size="2", color_scheme="gray", weight="medium"),
                rx.heading(SeatOrderState.estimate_total, size="7", as_="p"),
                rx.text(SeatOrderState.estimate_line, size="2"),
                rx.text("Billed annually in advance. Taxes are added where they apply.", size="1",
                        color_scheme="gray"),
                spacing="1",
            ),
            role="group",
            aria_label="Estimate",
            width="100%",
        ),
    )


def _seats_step() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Learning Manager seats", size="4", as_="h2"),
            rx.text("USD 4.00 per learner per month. Your first order is for at least 10 seats; one order holds "
                    "at most 3500.", size="2", color_scheme="gray"),
            rx.form(
                rx.hstack(
                    rx.box(
                        labelled("Number of seats",
                                 rx.input(id="seats", name="seats", value=SeatOrderState.seats, on_change=SeatOrderState.set_seats,
                                          input_mode="numeric", placeholder="e.g. 25", width="180px",
                                          aria_invalid=rx.cond(SeatOrderState.seats_error != "", "true", "false")),
                                 SeatOrderState.seats_error),
                    ),
                    rx.button("Show estimate", type="submit", variant="soft"),
                    align="end",
                    spacing="3",
                ),
                on_submit=SeatOrderState.submit_seats,
                reset_on_submit=False,
            ),
            _estimate_card(),
            rx.button("Continue", rx.icon("arrow-right", size=16), size="3",
                      on_click=SeatOrderState.continue_to_payment),
            spacing="4",
            width="100%",
        ),
        width="100%",
        max_width="640px",
    )


def _payment_step() -> rx.Component:
    return rx.grid(
        rx.card(
            rx.vstack(
                rx.heading("Billing and payment", size="4", as_="h2"),
                labelled(
                    "Billing country",
                    rx.el.select(
                        *[rx.el.option(label, value=code) for code, label in countries()],
                        id="billing-country",
                        value=SeatOrderState.country,
                        on_change=SeatOrderState.set_country,
                        style={"width": "100%", "padding": "8px", "borderRadius": "6px",
                               "border": "1px solid var(--gray-7)", "fontSize": "14px", "background": "white"},
                    ),
                    SeatOrderState.country_error,
                    hint="The currency follows the billing country.",
                ),
                labelled("Contact name",
                         rx.input(id="contact-name", value=SeatOrderState.contact_name,
                                  on_change=SeatOrderState.set_contact_name, width="100%", auto_complete="name"),
                         SeatOrderState.name_error),
                labelled("Contact e-mail",
                         rx.input(id="contact-email", value=SeatOrderState.contact_email, type="email",
                                  on_change=SeatOrderState.set_contact_email, width="100%", auto_complete="email"),
                         SeatOrderState.email_error, hint="The receipt is sent here."),
                rx.cond(
                    SeatOrderState.saved_cards.length() > 0,
                    labelled(
                        "Pay with",
                        rx.el.select(
                            rx.el.option("A new card", value="new"),
                            rx.foreach(SeatOrderState.saved_cards,
                                       lambda c: rx.el.option(c["label"], value=c["id"])),
                            id="pay-with",
                            value=SeatOrderState.pay_with,
                            on_change=SeatOrderState.set_pay_with,
                            style={"width": "100%", "padding": "8px", "borderRadius": "6px",
                                   "border": "1px solid var(--gray-7)", "fontSize": "14px", "background": "white"},
                        ),
                    ),
                ),
                rx.cond(SeatOrderState.pay_with == "new", card_fields(SeatOrderState.processor_url)),
                rx.cond(SeatOrderState.card_error != "",
                        rx.callout(SeatOrderState.card_error, icon="credit-card", color_scheme="red", role="alert",
                                   width="100%")),
                rx.cond(SeatOrderState.form_error != "",
                        rx.callout(SeatOrderState.form_error, icon="circle-alert", color_scheme="amber",
                                   role="alert", width="100%")),
                spacing="3",
                width="100%",
            ),
            width="100%",
        ),
        rx.vstack(
            _estimate_card(),
            rx.card(
                rx.vstack(
                    rx.text(SeatOrderState.tax_line, size="1", color_scheme="gray"),
                    rx.text("You will be charged ", rx.text.strong(SeatOrderState.charge_total),
                            " today, and the paid invoice is e-mailed to you.", size="2"),
                    rx.cond(
                        SeatOrderState.pay_with == "new",
                        rx.button("Complete order", size="3", width="100%",
                                  on_click=tokenise_card(SeatOrderState.complete_with_card)),
                        rx.button("Complete order", size="3", width="100%",
                                  on_click=SeatOrderState.complete_with_saved_card),
                    ),
                    rx.button("Change seats", variant="ghost", color_scheme="gray",
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
    return rx.callout(
        rx.vstack(
            rx.text("Order ", rx.text.strong(SeatOrderState.done_number), " is complete: ",
                    SeatOrderState.done_total, " was charged and invoice ", SeatOrderState.done_invoice,
                    " is paid. The receipt was e-mailed to ", SeatOrderState.contact_email, "."),
            rx.button("Order more seats", variant="soft", on_click=SeatOrderState.new_order),
            spacing="2",
            align="start",
        ),
        icon="circle-check",
        color_scheme="green",
        width="100%",
    )


def _history_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(row["number"]),
        rx.table.cell(row["product"]),
        rx.table.cell(row["seats"], text_align="right"),
        rx.table.cell(row["period"]),
        rx.table.cell(row["payment"]),
        rx.table.cell(row["total"], text_align="right"),
        rx.table.cell(status_badge(row["status"], row["status_color"])),
        rx.table.cell(rx.cond(row["editable"] == "yes",
                              rx.button("Change card", size="1", variant="soft",
                                        on_click=SeatOrderState.open_edit(row["number"]),
                                        aria_label="Change the card of order " + row["number"]))),
    )


def _edit_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Change the card of order " + SeatOrderState.edit_order),
            rx.dialog.description("The next renewal of this order is charged to the card you choose.", size="2",
                                  color_scheme="gray"),
            rx.vstack(
                labelled("Card",
                         rx.el.select(rx.el.option("Choose a card…", value=""),
                                      rx.foreach(SeatOrderState.wallet_cards,
                                                 lambda c: rx.el.option(c["label"], value=c["id"])),
                                      id="order-card", value=SeatOrderState.edit_card,
                                      on_change=SeatOrderState.set_edit_card, style=SELECT_STYLE),
                         SeatOrderState.edit_error),
                rx.hstack(rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray")),
                          rx.button("Save", on_click=SeatOrderState.save_edit), justify="end", spacing="3",
                          width="100%"),
                spacing="3", width="100%", padding_top="12px",
            ),
            max_width="460px",
        ),
        open=SeatOrderState.edit_open,
        on_open_change=SeatOrderState.set_edit_open,
    )


def seat_order_page() -> rx.Component:
    return console_page(
        "Order seats",
        rx.vstack(
            rx.cond(
                SeatOrderState.page_error != "",
                rx.callout(SeatOrderState.page_error, icon="lock", color_scheme="amber", width="100%"),
                rx.vstack(
                    rx.match(
                        SeatOrderState.step,
                        ("payment", _payment_step()),
                        ("done", _done_step()),
                        _seats_step(),
                    ),
                    rx.heading("Order history", size="4", as_="h2", padding_top="12px"),
                    data_table(["Order", "Product", "Seats", "Period", "Payment method", "Total", "Status", ""],
                               SeatOrderState.history, _history_row, caption="Order history",
                               empty_text="No seat orders yet.", numeric=("Seats", "Total")),
                    _edit_dialog(),
                    rx.cond(SeatOrderState.history_total > PAGE_SIZE,
                            pager(SeatOrderState.history_label, SeatOrderState.previous_page,
                                  SeatOrderState.next_page, SeatOrderState.has_previous, SeatOrderState.has_next)),
                    spacing="4",
                    width="100%",
                ),
            ),
            spacing="4",
            width="100%",
        ),
    )
