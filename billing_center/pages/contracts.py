"""Contracts and orders: the organisation's contracts, and one contract with its orders (R-CON-1..3)."""

from __future__ import annotations

import reflex as rx

from billing_center.components.downloads import download_link
from billing_center.components.i18n import t
from billing_center.components.layout import console_page, empty_state
from billing_center.components.ui import (
    data_table,
    explanation,
    labelled_value,
    loading,
    numeric_cell,
    section_card,
    status_badge,
    table_row,
    value_grid,
)
from billing_center.i18n import N_
from billing_center.states.contracts import ContractDetailState, ContractsState


def _contract_row(row) -> rx.Component:
    return table_row(rx.table.row_header_cell(rx.link(row.number, href=row.href, weight="medium")),
                     status_badge(row.status, row.color), row.period, row.term, numeric_cell(row.total))


def contracts_page() -> rx.Component:
    return console_page(
        N_("Contracts and orders"),
        explanation(N_("Open a contract to see its general information, orders and billing details.")),
        rx.cond(ContractsState.message != "", rx.callout(ContractsState.message, icon="info", role="alert")),
        loading(
            ContractsState.loaded,
            data_table([N_("Contract"), N_("Status"), N_("Start – end"), N_("Contract term"), N_("Total")],
                       ContractsState.contracts,
                       _contract_row, caption=N_("Contracts"), empty_text=N_("No contracts yet."),
                       numeric=(N_("Total"),)),
        ),
    )


def _section(title: str, *children) -> rx.Component:
    return section_card(title, *children, spacing="4")


def _order_row(row) -> rx.Component:
    return table_row(
        rx.table.row_header_cell(row.number), row.type, row.start, row.end,
        t(row.payment_method),  # "Invoice"/"Card", or a card
        numeric_cell(row.total),
        download_link(rx.icon("download", size=14), t("Order form"), href=row.pdf,
                      label=t("Download order form ") + row.number),
    )


def contract_detail_page() -> rx.Component:
    s = ContractDetailState
    body = rx.vstack(
        rx.hstack(
            rx.link(rx.hstack(rx.icon("arrow-left", size=14), rx.text(t("All contracts")), align="center",
                              spacing="1"), href="/contracts"),
            width="100%",
        ),
        rx.hstack(
            rx.heading(s.contract_number, size="5", as_="h2"),
            status_badge(s.detail.status, s.detail.status_color),
            align="center",
            spacing="3",
        ),
        _section(
            N_("General information"),
            value_grid(
                (N_("Status"), s.detail.status),
                (N_("Start date"), s.detail.start),
                (N_("End date"), s.detail.end),
                (N_("Contract term"), s.detail.term),
                (N_("Total value"), s.detail.total),
                (N_("Payment method"), s.detail.payment_method),
                columns=rx.breakpoints(initial="2", md="3"),
            ),
            labelled_value(N_("Subscription terms"), s.detail.subscription_terms),
            value_grid(
                (N_("Billing address"), s.detail.billing_address),
                (N_("Shipping address"), s.detail.shipping_address),
                columns="2",
            ),
        ),
        _section(
            N_("Orders"),
            data_table([N_("Order number"), N_("Type"), N_("Start"), N_("End"), N_("Payment method"), N_("Total"),
                        N_("Order form")],
                       s.detail.orders, _order_row, caption=N_("Orders of this contract"),
                       empty_text=N_("No orders yet."), numeric=(N_("Total"),)),
        ),
        _section(
            N_("Billing details"),
            value_grid(
                (N_("Billing frequency"), s.detail.frequency),
                (N_("Payment terms"), s.detail.payment_terms),
                (N_("PO number"), s.detail.po_number),
                (N_("Invoice recipients"), s.detail.recipients),
                columns=rx.breakpoints(initial="2", md="4"),
            ),
            rx.hstack(
                rx.link(
                    rx.button(rx.icon("pencil", size=14), t("Change payment method or billing terms"),
                              variant="soft"),
                    href="/contracts/" + s.contract_number + "/billing",
                ),
                rx.link(t("See this contract's invoices"),
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
        N_("Contracts and orders"),
        loading(
            s.loaded,
            rx.cond(
                s.found,
                body,
                empty_state("file-x", N_("No such contract"),
                            N_("This contract does not exist or is not one of yours. Check the number or open the "
                            "list of contracts.")),
            ),
        ),
    )
