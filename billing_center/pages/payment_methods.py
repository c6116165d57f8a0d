"""Payment methods: the wallet of cards (R-PAY-1). Card details are typed into the processor's hosted
fields; this page only ever sees the token, brand, last 4 digits and expiry (R-PAY-2)."""

from __future__ import annotations

import reflex as rx

from billing_center.components.card_fields import card_fields, tokenise_card
from billing_center.components.form_fields import labelled
from billing_center.components.forms import error_of
from billing_center.components.i18n import t
from billing_center.components.layout import console_page
from billing_center.components.ui import (
    confirm_dialog,
    data_table,
    error_notice,
    form_dialog,
    page_notices,
    status_badge,
    table_row,
)
from billing_center.i18n import N_
from billing_center.states.wallet import WalletState

S = WalletState


def _card_dialog() -> rx.Component:
    replacing = S.replace_id != ""
    return form_dialog(
        rx.cond(replacing, t("Replace ") + S.replace_label, t("Add payment method")),
        rx.cond(replacing, t("The new card takes over everything the old card pays; the old card is removed."),
                t("The card is checked with the payment processor before it is added.")),
        card_fields(S.processor_url),
        error_notice(error_of(S, "card")),
        labelled(N_("Cardholder name"),
                 rx.input(id="holder-name", value=S.holder_name, on_change=S.set_holder_name, auto_complete="cc-name",
                          width="100%"),
                 error_of(S, "holder")),
        labelled(N_("Billing address"),
                 rx.input(id="card-address", value=S.address, on_change=S.set_address,
                          placeholder=t("Street, postal code, city, country"), width="100%")),
        rx.cond(~replacing, rx.checkbox(t("Use as default for future purchases"), checked=S.make_default,
                                        on_change=S.set_make_default)),
        actions=[rx.button(rx.cond(replacing, t("Replace card"), t("Save card")),
                           on_click=tokenise_card(S.card_ready))],
        open=S.add_open,
        on_open_change=S.set_add_open,
        max_width="520px",
    )


def _edit_dialog() -> rx.Component:
    return form_dialog(
        t("Edit ") + S.edit_label,
        t("Change the expiry date, the cardholder or the billing address. For another card number, replace the "
          "card."),
        labelled(N_("Expiry date (MM/YY)"),
                 rx.input(id="edit-expiry", value=S.edit_expiry, on_change=S.set_edit_expiry, width="100%"),
                 error_of(S, "expiry")),
        labelled(N_("Cardholder name"),
                 rx.input(id="edit-name", value=S.edit_name, on_change=S.set_edit_name, width="100%"),
                 error_of(S, "edit_name")),
        labelled(N_("Billing address"),
                 rx.input(id="edit-address", value=S.edit_address, on_change=S.set_edit_address, width="100%")),
        actions=[rx.button(t("Save changes"), on_click=S.save_edit)],
        open=S.edit_open,
        on_open_change=S.set_edit_open,
        max_width="460px",
    )


def _row(card: rx.Var) -> rx.Component:
    return table_row(
        rx.table.row_header_cell(
            rx.hstack(rx.icon("credit-card", size=16, color=rx.color("gray", 10)),
                      rx.text(card.label, weight="medium", white_space="nowrap"), align="center", spacing="2")),
        card.expiry, card.holder, rx.text(card.pays, size="2", color_scheme="gray"),
        rx.cond(card.status != "", status_badge(card.status, card.status_color)),
        rx.hstack(
            rx.cond(
                ~card.is_default,
                rx.button(t("Set as default"), size="1", variant="soft",
                          on_click=S.set_default(card.id),
                          aria_label=t("Set ") + card.short + t(" as default")),
            ),
            rx.button(t("Edit"), size="1", variant="soft", color_scheme="gray",
                      on_click=S.open_edit(card.id), aria_label=t("Edit ") + card.short),
            rx.button(t("Replace"), size="1", variant="soft", color_scheme="gray",
                      on_click=S.open_replace(card.id), aria_label=t("Replace ") + card.short),
            confirm_dialog(
                trigger=rx.button(t("Delete"), size="1", variant="soft", color_scheme="red",
                                  aria_label=t("Delete ") + card.short),
                title=N_("Delete this card?"),
                description=rx.text(card.short, t(" will be removed from the wallet. Contracts and "
                                                   "subscriptions it pays must be moved to another card first.")),
                confirm_label=N_("Delete card"),
                on_confirm=S.delete(card.id),
            ),
            spacing="2",
        ),
    )


def payment_methods_page() -> rx.Component:
    return console_page(
        N_("Payment methods"),
        rx.hstack(
            rx.text(t("Cards of your organisation. The default card pays future purchases; each active "
                    "contract keeps its own payment method until you change it on the contract."),
                    size="2", color_scheme="gray", max_width="640px"),
            rx.spacer(),
            rx.button(rx.icon("plus", size=16), t("Add payment method"), on_click=S.open_add,
                      disabled=error_of(S, "page") != ""),
            width="100%",
            align="center",
        ),
        page_notices(error_of(S, "page"), error_of(S, "action")),
        rx.cond(
            error_of(S, "page") == "",
            data_table([N_("Card"), N_("Expires"), N_("Cardholder"), N_("Pays"), N_("Status"), N_("Actions")],
                       S.cards, _row,
                       caption=N_("Payment methods"),
                       empty_text=N_("No cards yet. Add a payment method to pay by card.")),
        ),
        _card_dialog(),
        _edit_dialog(),
    )
