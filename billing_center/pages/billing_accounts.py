"""Billing accounts: each account's billing profiles with their payment method and invoices (R-PAY-3)."""

from __future__ import annotations

import reflex as rx

from billing_center.components.form_fields import option_select
from billing_center.components.forms import error_of
from billing_center.components.i18n import t
from billing_center.components.layout import console_page, empty_state
from billing_center.components.ui import (
    data_table,
    numeric_cell,
    page_notices,
    status_badge,
    table_row,
    value_grid,
)
from billing_center.i18n import N_
from billing_center.states.billing_accounts import BillingAccountsState

COMPACT_SELECT = {"padding": "4px 8px", "borderRadius": "6px", "border": "1px solid var(--gray-7)",
                  "background": "white", "fontSize": "13px"}


def _invoice_row(inv) -> rx.Component:
    return table_row(rx.table.row_header_cell(inv.number), inv.issued, inv.due, numeric_cell(inv.total),
                     status_badge(inv.status, inv.status_color))


def _profile(profile) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(profile.name, size="3", as_="h3"),
                rx.badge(profile.currency, variant="outline"),
                rx.spacer(),
                rx.hstack(rx.icon("credit-card", size=14), rx.text(profile.payment_method, size="2"),
                          align="center", spacing="1", aria_label=t("Payment method of ") + profile.name),
                width="100%",
                align="center",
            ),
            value_grid(
                (N_("Invoices sent to"), profile.invoice_email),
                (N_("PO number"), profile.po_number),
                (N_("Billing address"), profile.address),
                columns="3", spacing="0",
            ),
            rx.cond(
                BillingAccountsState.cards.length() > 0,
                rx.hstack(
                    rx.el.label(t("Change payment method"), html_for="card-" + profile.id,
                                style={"fontSize": "13px", "fontWeight": 500}),
                    option_select("card-" + profile.id, BillingAccountsState.cards, value="",
                                  on_change=lambda value: BillingAccountsState.set_profile_card(profile.id, value),
                                  first=("Choose a card…", ""), style=COMPACT_SELECT),
                    align="center",
                    spacing="2",
                ),
            ),
            rx.text(profile.invoice_count, size="2", color_scheme="gray"),
            data_table([N_("Invoice"), N_("Issued"), N_("Due"), N_("Total"), N_("Status")], profile.invoices,
                       _invoice_row, caption=t("Invoices of ") + profile.name, empty_text=None,
                       numeric=(N_("Total"),), size="1"),
            spacing="3",
            width="100%",
        ),
        width="100%",
        role="region",
        aria_label=t("Billing profile ") + profile.name,
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
        N_("Billing accounts"),
        page_notices(error_of(BillingAccountsState, "page"), error_of(BillingAccountsState, "action")),
        rx.cond(
            BillingAccountsState.accounts.length() > 0,
            rx.vstack(rx.foreach(BillingAccountsState.accounts, _account), spacing="6", width="100%"),
            rx.cond(error_of(BillingAccountsState, "page") == "",
                    empty_state("landmark", N_("No billing accounts"),
                                N_("Billing accounts and their profiles appear here once your organisation "
                                   "has one."))),
        ),
    )
