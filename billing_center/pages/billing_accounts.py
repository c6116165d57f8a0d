"""Billing accounts: each account's billing profiles with their payment method and invoices (R-PAY-3)."""

from __future__ import annotations

import reflex as rx

from billing_center.components.layout import console_page, empty_state
from billing_center.components.ui import status_badge
from billing_center.states.billing_accounts import BillingAccountsState


def _detail(label: str, value) -> rx.Component:
    return rx.vstack(rx.text(label, size="1", color_scheme="gray", weight="medium"), rx.text(value, size="2"),
                     spacing="0")


def _invoice_row(inv) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(inv.number),
        rx.table.cell(inv.issued),
        rx.table.cell(inv.due),
        rx.table.cell(inv.total, text_align="right"),
        rx.table.cell(status_badge(inv.status, inv.status_color)),
    )


def _profile(profile) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(profile.name, size="3", as_="h3"),
                rx.badge(profile.currency, variant="outline"),
                rx.spacer(),
                rx.hstack(rx.icon("credit-card", size=14), rx.text(profile.payment_method, size="2"),
                          align="center", spacing="1", aria_label="Payment method of " + profile.name),
                width="100%",
                align="center",
            ),
            rx.grid(
                _detail("Invoices sent to", profile.invoice_email),
                _detail("PO number", profile.po_number),
                _detail("Billing address", profile.address),
                columns="3",
                spacing="4",
                width="100%",
            ),
            rx.cond(
                BillingAccountsState.cards.length() > 0,
                rx.hstack(
                    rx.el.label("Change payment method", html_for="card-" + profile.id,
                                style={"fontSize": "13px", "fontWeight": 500}),
                    rx.el.select(
                        rx.el.option("Choose a card…", value=""),
                        rx.foreach(BillingAccountsState.cards, lambda c: rx.el.option(c["label"], value=c["id"])),
                        id="card-" + profile.id,
                        value="",
                        on_change=lambda value: BillingAccountsState.set_profile_card(profile.id, value),
                        style={"padding": "4px 8px", "borderRadius": "6px", "border": "1px solid var(--gray-7)",
                               "background": "white", "fontSize": "13px"},
                    ),
                    align="center",
                    spacing="2",
                ),
            ),
            rx.text(profile.invoice_count, size="2", color_scheme="gray"),
            rx.cond(
                profile.invoices.length() > 0,
                rx.table.root(
                    rx.el.caption("Invoices of " + profile.name, style={"position": "absolute", "left": "-10000px"}),
                    rx.table.header(rx.table.row(
                        rx.table.column_header_cell("Invoice"), rx.table.column_header_cell("Issued"),
                        rx.table.column_header_cell("Due"),
                        rx.table.column_header_cell("Total", text_align="right"),
                        rx.table.column_header_cell("Status"))),
                    rx.table.body(rx.foreach(profile.invoices, _invoice_row)),
                    variant="surface", size="1", width="100%", aria_label="Invoices of " + profile.name,
                ),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        role="region",
        aria_label="Billing profile " + profile.name,
    )


def _account(account) -> rx.Component:
    return rx.vstack(
        rx.hstack(rx.icon("landmark", size=18), rx.heading(account.name, size="5", as_="h2"), align="center",
                  spacing="2"),
        rx.foreach(account.profiles, _profile),
        spacing="3",
        width="100%",
    )


def billing_accounts_page() -> rx.Component:
    return console_page(
        "Billing accounts",
        rx.vstack(
            rx.cond(BillingAccountsState.page_error != "",
                    rx.callout(BillingAccountsState.page_error, icon="lock", color_scheme="amber", width="100%")),
            rx.cond(BillingAccountsState.action_error != "",
                    rx.callout(BillingAccountsState.action_error, icon="circle-alert", color_scheme="red",
                               role="alert", width="100%")),
            rx.cond(
                BillingAccountsState.accounts.length() > 0,
                rx.vstack(rx.foreach(BillingAccountsState.accounts, _account), spacing="6", width="100%"),
                rx.cond(BillingAccountsState.page_error == "",
                        empty_state("landmark", "No billing accounts", "Billing accounts and their profiles appear "
                                    "here once your organisation has one.")),
            ),
            spacing="4",
            width="100%",
        ),
    )
