"""Admins: per contract, invite admins by e-mail, see their state, resend, remove (R-CON-4)."""

from __future__ import annotations

import reflex as rx

from billing_center.components.forms import error_of, form_card, submit_button
from billing_center.components.i18n import t
from billing_center.components.layout import console_page, empty_state
from billing_center.components.ui import data_table, notice, remove_dialog, status_badge, table_row
from billing_center.i18n import N_
from billing_center.states.admins import AdminsState


def _row(row: rx.Var) -> rx.Component:
    return table_row(
        rx.table.row_header_cell(row.email), row.name, status_badge(row.state, row.color), row.invited, row.last_sent,
        rx.hstack(
            rx.cond(
                row.can_resend,
                rx.button(rx.icon("send", size=14), t("Resend invitation"), size="1", variant="soft",
                          on_click=AdminsState.resend(row.id), aria_label=t("Resend invitation to ") + row.email),
            ),
            rx.cond(
                row.can_remove,
                remove_dialog(
                    row.email,
                    title=N_("Remove this admin?"),
                    description=rx.text(row.email, t(" loses access to contract "), AdminsState.contract,
                                        t(", its orders and its invoices. Open invitation links stop working.")),
                    on_confirm=AdminsState.remove(row.id),
                ),
            ),
            spacing="2",
        ),
        align="center",
    )


def _invite_form() -> rx.Component:
    return form_card(
        N_("Invite admins"),
        rx.el.label(t("E-mail addresses"), html_for="emails", style={"fontSize": "14px", "fontWeight": 500}),
        rx.text_area(id="emails", name="emails", placeholder=t("name@company.com, other@company.com"),
                     rows="3", width="100%",
                     aria_invalid=rx.cond(error_of(AdminsState, "emails") != "", "true", "false"),
                     aria_describedby="emails-error"),
        rx.text(t("Separate addresses with commas or new lines; at most 20 at a time. Each one gets an "
                "invitation link that works once."), size="1", color_scheme="gray"),
        rx.cond(error_of(AdminsState, "emails") != "",
                rx.text(error_of(AdminsState, "emails"), id="emails-error", color_scheme="red", size="2",
                        role="alert")),
        submit_button(rx.icon("user-plus", size=16), t("Invite admins")),
        spacing="2",
        align="start",
        on_submit=AdminsState.invite,
    )


def _content() -> rx.Component:
    """The chosen contract and its admins, as parts of the page."""
    return rx.fragment(
        rx.hstack(
            rx.el.label(t("Contract"), html_for="contract", style={"fontSize": "14px", "fontWeight": 500}),
            rx.select(AdminsState.contracts, value=AdminsState.contract, on_change=AdminsState.choose_contract,
                      id="contract", aria_label=t("Contract")),
            rx.text(t("Admins of a contract see that contract, its orders and its invoices."), size="2",
                    color_scheme="gray"),
            align="center",
            spacing="3",
        ),
        rx.cond(
            AdminsState.not_found,
            notice(t("No such contract. Choose one of your contracts above."), icon="circle-alert", color="red",
                   role="alert"),
            rx.fragment(
                _invite_form(),
                data_table([N_("E-mail"), N_("Name"), N_("State"), N_("Invited"), N_("Last invitation"),
                            N_("Actions")], AdminsState.rows,
                           _row, caption=N_("Admins of the contract"),
                           empty_text=N_("No admins yet. Invite one above.")),
            ),
        ),
    )


def admins_page() -> rx.Component:
    return console_page(
        N_("Admins"),
        rx.cond(
            AdminsState.allowed,
            rx.cond(
                AdminsState.contracts.length() > 0,
                _content(),
                empty_state("shield-check", N_("No contracts to manage"),
                            N_("You are not an admin of any contract yet.")),
            ),
            empty_state("shield-check", N_("Admins are managed by billing and contract admins"),
                        N_("Ask a billing admin of your organisation if you need to manage a contract's admins.")),
        ),
    )
