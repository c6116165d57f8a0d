"""A contract's Billing details (R-CON-3, R-PAY-1): the payment method, changed per contract, and
change requests for billing frequency and payment terms, handled by support."""

from __future__ import annotations

import reflex as rx

from billing_center.components.form_fields import labelled
from billing_center.components.layout import console_page
from billing_center.components.ui import data_table, status_badge
from billing_center.states.contract_billing import ContractBillingState

SELECT_STYLE = {"width": "100%", "padding": "8px", "borderRadius": "6px", "border": "1px solid var(--gray-7)",
                "fontSize": "14px", "background": "white"}


def _detail(label: str, value) -> rx.Component:
    return rx.vstack(rx.text(label, size="1", color_scheme="gray", weight="medium"),
                     rx.text(value, size="2", aria_label=label), spacing="0")


def _request_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["date"]),
        rx.table.cell(row["kind"]),
        rx.table.cell(row["change"]),
        rx.table.cell(row["requested_by"]),
        rx.table.cell(status_badge(row["status"], row["status_color"])),
    )


def _payment_method_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Payment method", size="4", as_="h2"),
            rx.text("This contract is paid with ", rx.text.strong(ContractBillingState.payment_method),
                    ". The wallet's default card does not change it.", size="2"),
            rx.cond(
                ContractBillingState.can_manage_cards,
                rx.cond(
                    ContractBillingState.cards.length() > 0,
                    rx.hstack(
                        rx.box(labelled(
                            "New payment method",
                            rx.el.select(
                                rx.el.option("Choose a card…", value=""),
                                rx.foreach(ContractBillingState.cards,
                                           lambda c: rx.el.option(c["label"], value=c["id"])),
                                id="contract-card", value=ContractBillingState.chosen_card,
                                on_change=ContractBillingState.set_chosen_card, style=SELECT_STYLE),
                            ContractBillingState.card_error), flex="1"),
                        rx.button("Change payment method", on_click=ContractBillingState.change_card),
                        align="end", spacing="3", width="100%",
                    ),
                    rx.text("Add another card under Payment methods to switch this contract to it.", size="2",
                            color_scheme="gray"),
                ),
                rx.text("Only billing admins change the payment method.", size="2", color_scheme="gray"),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _change_request_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Request a change", size="4", as_="h2"),
            rx.text("Billing frequency and payment terms are changed by our support team. You get an e-mail "
                    "when the change is done.", size="2", color_scheme="gray"),
            rx.grid(
                labelled("What to change",
                         rx.el.select(rx.el.option("Billing frequency", value="billing_frequency"),
                                      rx.el.option("Payment terms", value="payment_terms"),
                                      id="change-kind", value=ContractBillingState.change_kind,
                                      on_change=ContractBillingState.set_change_kind, style=SELECT_STYLE)),
                labelled("New value",
                         rx.el.select(rx.el.option("Choose…", value=""),
                                      rx.foreach(ContractBillingState.change_options,
                                                 lambda o: rx.el.option(o[1], value=o[0])),
                                      id="change-value", value=ContractBillingState.change_value,
                                      on_change=ContractBillingState.set_change_value, style=SELECT_STYLE),
                         ContractBillingState.change_error),
                columns="2", spacing="3", width="100%",
            ),
            labelled("Note for support (optional)",
                     rx.text_area(id="change-note", value=ContractBillingState.change_note,
                                  on_change=ContractBillingState.set_change_note, width="100%", max_length=2000)),
            rx.button("Send change request", on_click=ContractBillingState.request_change),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def contract_billing_page() -> rx.Component:
    return console_page(
        "Billing details",
        rx.cond(
            ContractBillingState.not_found,
            rx.callout("There is no contract " + ContractBillingState.contract_number + " in your organisation.",
                       icon="circle-alert", color_scheme="amber"),
            rx.vstack(
                rx.hstack(
                    rx.link(rx.hstack(rx.icon("arrow-left", size=14), "Contracts", align="center", spacing="1"),
                            href="/contracts"),
                    rx.text("/", color_scheme="gray"),
                    rx.text("Contract " + ContractBillingState.contract_number, weight="medium"),
                    spacing="2", align="center",
                ),
                rx.card(
                    rx.grid(
                        _detail("Billing frequency", ContractBillingState.billing_frequency),
                        _detail("Payment terms", ContractBillingState.payment_terms),
                        _detail("PO number", ContractBillingState.po_number),
                        _detail("Invoice recipients", ContractBillingState.invoice_recipients),
                        columns=rx.breakpoints(initial="2", md="4"), spacing="4", width="100%",
                    ),
                    width="100%",
                ),
                rx.grid(_payment_method_card(), _change_request_card(), columns=rx.breakpoints(initial="1", md="2"),
                        spacing="4", width="100%"),
                rx.heading("Change requests", size="4", as_="h2"),
                data_table(["Requested", "Change", "From → to", "By", "Status"], ContractBillingState.requests,
                           _request_row, caption="Change requests", empty_text="No change requests yet."),
                spacing="4",
                width="100%",
            ),
        ),
    )
