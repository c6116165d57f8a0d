"""Payment methods: the wallet of cards (R-PAY-1). Card details are typed into the processor's hosted
fields; this page only ever sees the token, brand, last 4 digits and expiry (R-PAY-2)."""

from __future__ import annotations

import reflex as rx

from billing_center.components.card_fields import card_fields, tokenise_card
from billing_center.components.form_fields import labelled
from billing_center.components.i18n import t
from billing_center.components.layout import console_page
from billing_center.components.ui import confirm_dialog, data_table, error_notice, locked_notice, status_badge
from billing_center.i18n import N_
from billing_center.states.wallet import WalletState


def _card_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(WalletState.replace_id != "", t("Replace ") + WalletState.replace_label,
                                    t("Add payment method"))),
            rx.dialog.description(
                rx.cond(WalletState.replace_id != "",
                        t("The new card takes over everything the old card pays; the old card is removed."),
                        t("The card is checked with the payment processor before it is added.")),
                size="2", color_scheme="gray",
            ),
            rx.vstack(
                card_fields(WalletState.processor_url),
                error_notice(WalletState.card_error),
                labelled(N_("Cardholder name"),
                          rx.input(id="holder-name", value=WalletState.holder_name,
                                   on_change=WalletState.set_holder_name, auto_complete="cc-name", width="100%"),
                          WalletState.holder_error),
                labelled(N_("Billing address"),
                          rx.input(id="card-address", value=WalletState.address, on_change=WalletState.set_address,
                                   placeholder=t("Street, postal code, city, country"), width="100%")),
                rx.cond(
                    WalletState.replace_id == "",
                    rx.checkbox(t("Use as default for future purchases"), checked=WalletState.make_default,
                                on_change=WalletState.set_make_default),
                ),
                rx.hstack(
                    rx.dialog.close(rx.button(t("Cancel"), variant="soft", color_scheme="gray")),
                    rx.button(rx.cond(WalletState.replace_id != "", t("Replace card"), t("Save card")),
                              on_click=tokenise_card(WalletState.card_ready)),
                    justify="end", spacing="3", width="100%",
                ),
                spacing="3",
                width="100%",
                padding_top="12px",
            ),
            max_width="520px",
        ),
        open=WalletState.add_open,
        on_open_change=WalletState.set_add_open,
    )


def _edit_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("Edit ") + WalletState.edit_label),
            rx.dialog.description(t("Change the expiry date, the cardholder or the billing address. "
                                  "For another card number, replace the card."), size="2", color_scheme="gray"),
            rx.vstack(
                labelled(N_("Expiry date (MM/YY)"),
                          rx.input(id="edit-expiry", value=WalletState.edit_expiry,
                                   on_change=WalletState.set_edit_expiry, width="100%"),
                          WalletState.expiry_error),
                labelled(N_("Cardholder name"),
                          rx.input(id="edit-name", value=WalletState.edit_name, on_change=WalletState.set_edit_name,
                                   width="100%"),
                          WalletState.edit_name_error),
                labelled(N_("Billing address"),
                          rx.input(id="edit-address", value=WalletState.edit_address,
                                   on_change=WalletState.set_edit_address, width="100%")),
                rx.hstack(
                    rx.dialog.close(rx.button(t("Cancel"), variant="soft", color_scheme="gray")),
                    rx.button(t("Save changes"), on_click=WalletState.save_edit),
                    justify="end", spacing="3", width="100%",
                ),
                spacing="3", width="100%", padding_top="12px",
            ),
            max_width="460px",
        ),
        open=WalletState.edit_open,
        on_open_change=WalletState.set_edit_open,
    )


def _row(card: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            rx.hstack(rx.icon("credit-card", size=16, color=rx.color("gray", 10)),
                      rx.text(card.label, weight="medium", white_space="nowrap"), align="center", spacing="2")),
        rx.table.cell(card.expiry),
        rx.table.cell(card.holder),
        rx.table.cell(rx.text(card.pays, size="2", color_scheme="gray")),
        rx.table.cell(rx.cond(card.status != "", status_badge(card.status, card.status_color))),
        rx.table.cell(
            rx.hstack(
                rx.cond(
                    ~card.is_default,
                    rx.button(t("Set as default"), size="1", variant="soft",
                              on_click=WalletState.set_default(card.id),
                              aria_label=t("Set ") + card.short + t(" as default")),
                ),
                rx.button(t("Edit"), size="1", variant="soft", color_scheme="gray",
                          on_click=WalletState.open_edit(card.id), aria_label=t("Edit ") + card.short),
                rx.button(t("Replace"), size="1", variant="soft", color_scheme="gray",
                          on_click=WalletState.open_replace(card.id), aria_label=t("Replace ") + card.short),
                confirm_dialog(
                    trigger=rx.button(t("Delete"), size="1", variant="soft", color_scheme="red",
                                      aria_label=t("Delete ") + card.short),
                    title=N_("Delete this card?"),
                    description=rx.text(card.short, t(" will be removed from the wallet. Contracts and "
                                                       "subscriptions it pays must be moved to another card first.")),
                    confirm_label=N_("Delete card"),
                    on_confirm=WalletState.delete(card.id),
                ),
                spacing="2",
            )
        ),
    )


def payment_methods_page() -> rx.Component:
    return console_page(
        N_("Payment methods"),
        rx.vstack(
            rx.hstack(
                rx.text(t("Cards of your organisation. The default card pays future purchases; each active "
                        "contract keeps its own payment method until you change it on the contract."),
                        size="2", color_scheme="gray", max_width="640px"),
                rx.spacer(),
                rx.button(rx.icon("plus", size=16), t("Add payment method"), on_click=WalletState.open_add,
                          disabled=WalletState.page_error != ""),
                width="100%",
                align="center",
            ),
            locked_notice(WalletState.page_error),
            error_notice(WalletState.action_error),
            rx.cond(
                WalletState.page_error == "",
                data_table([N_("Card"), N_("Expires"), N_("Cardholder"), N_("Pays"), N_("Status"), N_("Actions")],
                            WalletState.cards, _row,
                           caption=N_("Payment methods"),
                           empty_text=N_("No cards yet. Add a payment method to pay by card.")),
            ),
            _card_dialog(),
            _edit_dialog(),
            spacing="4",
            width="100%",
        ),
    )
