"""A contract's Billing details (R-CON-3, R-PAY-1): the payment method, changed per contract, and
change requests for billing frequency and payment terms, handled by support."""

from __future__ import annotations

import reflex as rx

from billing_center.components.form_fields import SELECT_STYLE, labelled, option_select
from billing_center.components.forms import error_of
from billing_center.components.i18n import t
from billing_center.components.layout import console_page
from billing_center.components.ui import data_table, notice, section_card, status_badge, table_row, values_card
from billing_center.i18n import N_
from billing_center.states.contract_billing import ContractBillingState

S = ContractBillingState


def _request_row(row: rx.Var) -> rx.Component:
    return table_row(row.date, row.kind, row.change, row.requested_by, status_badge(row.status, row.status_color))


def _payment_method_card() -> rx.Component:
    return section_card(
        N_("Payment method"),
        rx.text(t("This contract is paid with "), rx.text.strong(S.detail.payment_method),
                t(". The wallet's default card does not change it."), size="2"),
        rx.cond(
            S.can_manage_cards,
            rx.cond(
                S.cards.length() > 0,
                rx.hstack(
                    rx.box(labelled(
                        N_("New payment method"),
                        option_select("contract-card", S.cards,
                                      value=S.chosen_card,
                                      on_change=S.set_chosen_card, first=("Choose a card…", "")),
                        error_of(S, "card")), flex="1"),
                    rx.button(t("Change payment method"), on_click=S.change_card),
                    align="end", spacing="3", width="100%",
                ),
                rx.text(t("Add another card under Payment methods to switch this contract to it."), size="2",
                        color_scheme="gray"),
            ),
            rx.text(t("Only billing admins change the payment method."), size="2", color_scheme="gray"),
        ),
    )


def _change_request_card() -> rx.Component:
    return section_card(
        N_("Request a change"),
        rx.grid(
            labelled(N_("What to change"),
                     rx.el.select(rx.el.option(t("Billing frequency"), value="billing_frequency"),
                                  rx.el.option(t("Payment terms"), value="payment_terms"),
                                  id="change-kind", value=S.change_kind,
                                  on_change=S.set_change_kind, style=SELECT_STYLE)),
            labelled(N_("New value"),
                     option_select("change-value", S.change_options,
                                   value=S.change_value,
                                   on_change=S.set_change_value, first=("Choose…", "")),
                     error_of(S, "change")),
            columns="2", spacing="3", width="100%",
        ),
        labelled(N_("Note for support (optional)"),
                 rx.text_area(id="change-note", value=S.change_note,
                              on_change=S.set_change_note, width="100%", max_length=2000)),
        rx.button(t("Send change request"), on_click=S.request_change),
        description=N_("Billing frequency and payment terms are changed by our support team. You get an e-mail "
                       "when the change is done."),
    )


def contract_billing_page() -> rx.Component:
    return console_page(
        N_("Billing details"),
        rx.cond(
            S.not_found,
            notice(t("There is no contract ") + S.contract_number + t(" in your organisation."), icon="circle-alert",
                   color="amber"),
            rx.fragment(
                rx.hstack(
                    rx.link(rx.hstack(rx.icon("arrow-left", size=14), t("Contracts"), align="center", spacing="1"),
                            href="/contracts"),
                    rx.text("/", color_scheme="gray"),
                    rx.text(t("Contract ") + S.contract_number, weight="medium"),
                    spacing="2", align="center",
                ),
                values_card(
                    (N_("Billing frequency"), S.detail.billing_frequency),
                    (N_("Payment terms"), S.detail.payment_terms),
                    (N_("PO number"), S.detail.po_number),
                    (N_("Invoice recipients"), S.detail.invoice_recipients),
                    columns=rx.breakpoints(initial="2", md="4"), spacing="0",
                ),
                rx.grid(_payment_method_card(), _change_request_card(), columns=rx.breakpoints(initial="1", md="2"),
                        spacing="4", width="100%"),
                rx.heading(t("Change requests"), size="4", as_="h2"),
                data_table([N_("Requested"), N_("Change"), N_("From → to"), N_("By"), N_("Status")], S.detail.requests,
                           _request_row, caption=N_("Change requests"), empty_text=N_("No change requests yet.")),
            ),
        ),
    )
