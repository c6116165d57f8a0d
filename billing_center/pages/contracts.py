"""Contracts and orders: the organisation's contracts, and one contract with its orders (R-CON-1..3)."""

from __future__ import annotations

import reflex as rx

from billing_center.components.downloads import download_link
from billing_center.components.layout import console_page, empty_state
from billing_center.components.ui import data_table, status_badge
from billing_center.states.contracts import ContractDetailState, ContractsState


def _contract_row(row) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(rx.link(row["number"], href=row["href"], weight="medium")),
        rx.table.cell(status_badge(row["status"], row["color"])),
        rx.table.cell(row["period"]),
        rx.table.cell(row["term"]),
        rx.table.cell(row["total"], text_align="right"),
    )


def contracts_page() -> rx.Component:
    return console_page(
        "Contracts and orders",
        rx.vstack(
            rx.text("Open a contract to see its general information, orders and billing details.",
                    color_scheme="gray", size="2"),
            rx.cond(ContractsState.message != "", rx.callout(ContractsState.message, icon="info", role="alert")),
            rx.cond(
                ContractsState.loaded,
                data_table(["Contract", "Status", "Start – end", "Contract term", "Total"], ContractsState.contracts,
                           _contract_row, caption="Contracts", empty_text="No contracts yet.", numeric=("Total",)),
                rx.center(rx.spinner(), padding="40px", width="100%"),
            ),
            spacing="4",
            width="100%",
        ),
    )


def _field(label: str, value) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", color_scheme="gray", weight="medium"),
        rx.text(value, size="2"),
        spacing="1",
        align="start",
        role="group",
        aria_label=label,
    )


def _section(title: str, *children) -> rx.Component:
    return rx.card(
        rx.vstack(rx.heading(title, size="4", as_="h2"), *children, spacing="4", width="100%"),
        width="100%",
    )


def _order_row(row) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(row["number"]),
        rx.table.cell(row["type"]),
        rx.table.cell(row["start"]),
        rx.table.cell(row["end"]),
        rx.table.cell(row["payment_method"]),
        rx.table.cell(row["total"], text_align="right"),
        rx.table.cell(
            download_link(rx.icon("download", size=14), "Order form", href=row["pdf"],
                          label="Download order form " + row["number"]),
        ),
    )


def contract_detail_page() -> rx.Component:
    s = ContractDetailState
    body = rx.vstack(
        rx.hstack(
            rx.link(rx.hstack(rx.icon("arrow-left", size=14), rx.text("All contracts"), align="center",
                              spacing="1"), href="/contracts"),
            width="100%",
        ),
        rx.hstack(
            rx.heading(s.contract_number, size="5", as_="h2"),
            status_badge(s.status, s.status_color),
            align="center",
            spacing="3",
        ),
        _section(
            "General information",
            rx.grid(
                _field("Status", s.status),
                _field("Start date", s.start),
                _field("End date", s.end),
                _field("Contract term", s.term),
                _field("Total value", s.total),
                _field("Payment method", s.payment_method),
                columns=rx.breakpoints(initial="2", md="3"),
                spacing="4",
                width="100%",
            ),
            _field("Subscription terms", s.subscription_terms),
            rx.grid(
                _field("Billing address", s.billing_address),
                _field("Shipping address", s.shipping_address),
                columns="2",
                spacing="4",
                width="100%",
            ),
        ),
        _section(
            "Orders",
            data_table(["Order number", "Type", "Start", "End", "Payment method", "Total", "Order form"],
                       s.orders, _order_row, caption="Orders of this contract", empty_text="No orders yet.",
                       numeric=("Total",)),
        ),
        _section(
            "Billing details",
            rx.grid(
                _field("Billing frequency", s.frequency),
                _field("Payment terms", s.payment_terms),
                _field("PO number", s.po_number),
                _field("Invoice recipients", s.recipients),
                columns=rx.breakpoints(initial="2", md="4"),
                spacing="4",
                width="100%",
            ),
            rx.hstack(
                rx.link(
                    rx.button(rx.icon("pencil", size=14), "Change payment method or billing terms",
                              variant="soft"),
                    href="/contracts/" + s.contract_number + "/billing",
                ),
                rx.link("See this contract's invoices",
                        href="/transactions?period=custom&from=2000-01-01&to=2100-12-31"
                        "&contract=" + s.contract_number, size="2"),
                spacing="4",
                align="center",
            ),
        ),
        spacing="5",
        width="100%",
    )
    return console_page(
        "Contracts and orders",
        rx.cond(
            s.loaded,
            rx.cond(
                s.found,
                body,
                empty_state("file-x", "No such contract",
                            "This contract does not exist or is not one of yours. Check the number or open the "
                            "list of contracts."),
            ),
            rx.center(rx.spinner(), padding="40px", width="100%"),
        ),
    )
