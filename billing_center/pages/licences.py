"""Licences: per product bought / assigned / available; a product's holders with assigning and
revoking (R-LIC-2); the admins' read-only view of self-service purchases (R-SS-1)."""

from __future__ import annotations

import reflex as rx

from billing_center.components.forms import error_of, search_form
from billing_center.components.i18n import t, tr
from billing_center.components.layout import console_page, empty_state, stat_card
from billing_center.components.ui import (
    confirm_dialog,
    data_table,
    error_notice,
    loading,
    locked_notice,
    notice,
    numeric_cell,
    page_section,
    pager,
    section_card,
    status_badge,
    table_row,
    toolbar,
)
from billing_center.i18n import N_
from billing_center.states.licences import ADMIN_NOTE, LicenceHoldersState, LicencesState

H = LicenceHoldersState

SORT_ITEMS = [("name", N_("Name, A to Z")), ("-name", N_("Name, Z to A"))]


# --- /licences -----------------------------------------------------------------------------------
def _product_row(row) -> rx.Component:
    return table_row(
        rx.table.row_header_cell(rx.link(row.name, href=row.href, weight="medium")),
        numeric_cell(row.bought), numeric_cell(row.assigned), numeric_cell(row.available),
        rx.progress(value=row.percent, max=100, width="120px", aria_label=t("Licences in use for ") + row.name),
    )


def _purchase_row(row) -> rx.Component:
    return table_row(
        rx.table.row_header_cell(row.product), row.buyer, numeric_cell(row.quantity),
        status_badge(row.status, row.color), row.renewal,
        rx.vstack(rx.text(row.total), rx.text(row.price, size="1", color_scheme="gray"), spacing="0"), row.assigned,
        confirm_dialog(
            trigger=rx.button(rx.icon("building-2", size=14), t("Take over"), size="1", variant="soft",
                              aria_label=t("Take over ") + row.product + t(" bought by ") + row.buyer),
            title=N_("Take over this purchase?"),
            description=rx.text(row.product, " (", row.quantity, t(" licences, "), row.total,
                                t(" a year) becomes your organisation's: your billing admins manage it and your "
                                "organisation pays for it from the next renewal. The buyer is told by e-mail.")),
            confirm_label=N_("Take over"),
            on_confirm=LicencesState.take_over(row.id),
            danger=False,
        ),
    )


def _setting_row(row) -> rx.Component:
    return table_row(
        rx.table.row_header_cell(row.product),
        rx.select.root(
            rx.select.trigger(aria_label=t("Members may buy ") + row.product),
            rx.select.content(rx.select.item(t("Allow"), value="allow"),
                              rx.select.item(t("Do not allow"), value="deny")),
            value=rx.cond(row.allowed, "allow", "deny"),
            on_change=lambda value: LicencesState.set_allowed(row.id, value),
        ),
    )


def _self_service() -> rx.Component:
    return page_section(
        N_("Self-service purchases"),
        notice(tr(ADMIN_NOTE), icon="info", color="blue"),
        data_table([N_("Product"), N_("Buyer"), N_("Licences"), N_("Status"), N_("Renewal"), N_("Price"),
                    N_("Assigned to"), N_("Actions")],
                   LicencesState.purchases, _purchase_row, caption=N_("Self-service purchases"),
                   empty_text=N_("No member has bought a subscription with their own card."),
                   numeric=(N_("Licences"),)),
        rx.heading(t("Products members may buy themselves"), size="4", as_="h2", padding_top="12px"),
        data_table([N_("Product"), N_("Members may buy it")], LicencesState.settings, _setting_row,
                   caption=N_("Products members may buy"), empty_text=N_("No products.")),
    )


def licences_page() -> rx.Component:
    return console_page(
        N_("Licences"),
        locked_notice(LicencesState.locked_message),
        rx.cond(
            LicencesState.allowed,
            rx.vstack(
                loading(
                    LicencesState.loaded,
                    data_table([N_("Product"), N_("Bought"), N_("Assigned"), N_("Available"), N_("In use")],
                               LicencesState.products,
                               _product_row, caption=N_("Licences per product"),
                               empty_text=N_("No subscriptions with licences to assign yet."),
                               numeric=(N_("Bought"), N_("Assigned"), N_("Available"))),
                    size="3",
                ),
                rx.cond(LicencesState.is_admin, _self_service()),
                spacing="5",
                width="100%",
            ),
        ),
    )


# --- /licences/[product] -------------------------------------------------------------------------
def _candidate(choice) -> rx.Component:
    return rx.button(rx.icon("plus", size=14), choice.name, rx.text(choice.email, size="1", color_scheme="gray"),
                     variant="soft", color_scheme="gray", size="2", on_click=H.pick(choice.id),
                     aria_label=t("Add ") + choice.name)


def _picked(choice) -> rx.Component:
    return rx.badge(choice.name,
                    rx.icon_button(rx.icon("x", size=12), size="1", variant="ghost", on_click=H.unpick(choice.id),
                                   aria_label=t("Remove ") + choice.name + t(" from the selection")),
                    size="2", variant="surface", radius="full")


def _buy_dialog() -> rx.Component:
    """The price of the missing licences (the Subscriptions proration preview) before anything is paid."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(H.buy.title),
            rx.dialog.description(t("Charged now for the rest of the current term, then assigned at once."), size="2"),
            rx.table.root(
                rx.table.body(
                    rx.foreach(H.buy.lines, lambda line: table_row(line.description, numeric_cell(line.amount))),
                    table_row(t("Tax"), numeric_cell(H.buy.tax)),
                    table_row(rx.table.row_header_cell(t("Charged now")),
                              numeric_cell(rx.text(H.buy.total, weight="bold"))),
                ),
                width="100%",
                aria_label=t("Price of the extra licences"),
            ),
            rx.text(t("Paid with "), H.buy.payment, ". ", H.buy.renewal, size="2", color_scheme="gray"),
            rx.hstack(
                rx.button(t("Cancel"), variant="soft", color_scheme="gray", on_click=H.close_buy),
                rx.button(t("Pay ") + H.buy.total + t(" and assign"), on_click=H.confirm_buy),
                justify="end",
                spacing="3",
                padding_top="16px",
            ),
        ),
        open=H.buy_open,
        on_open_change=lambda _open: H.close_buy(),
    )


def _assign_card() -> rx.Component:
    return section_card(
        N_("Assign licences"),
        rx.el.label(t("Find people"), html_for="find_people", style={"fontSize": "14px", "fontWeight": 500}),
        rx.debounce_input(
            rx.input(id="find_people", placeholder=t("Start typing a name or e-mail address"), value=H.search_text,
                     on_change=H.search_people, width="100%", auto_complete="off"),
            debounce_timeout=250,
        ),
        rx.text(t("Only people of your organisation; at most 20 at a time."), size="1", color_scheme="gray"),
        rx.cond(H.candidates.length() > 0,
                rx.flex(rx.foreach(H.candidates, _candidate), wrap="wrap", gap="2", role="group",
                        aria_label=t("Search results")),
                rx.cond(H.search_text != "", rx.text(t("Nobody found without a licence."), size="2",
                                                     color_scheme="gray"))),
        rx.cond(H.picked.length() > 0,
                rx.flex(rx.foreach(H.picked, _picked), wrap="wrap", gap="2", role="group",
                        aria_label=t("Chosen people"))),
        error_notice(error_of(H, "assign")),
        rx.hstack(
            rx.button(rx.icon("user-plus", size=16), t("Assign licences"), on_click=H.assign,
                      disabled=H.picked.length() == 0),
            rx.cond(H.short > 0,
                    rx.button(rx.icon("shopping-cart", size=16),
                        t("Buy ") + H.short.to_string() + t(" more and assign"),
                              on_click=H.preview_buy, variant="soft")),
            spacing="3",
        ),
        _buy_dialog(),
        spacing="2",
        align="start",
    )


def _holder_row(row) -> rx.Component:
    return table_row(
        rx.checkbox(checked=H.selected.contains(row.id), on_change=lambda c: H.toggle_selected(row.id, c),
                    aria_label=t("Select ") + row.name),
        rx.table.row_header_cell(row.name), row.email, row.team, row.assigned,
    )


def _holders() -> rx.Component:
    return page_section(
        N_("People with a licence"),
        toolbar(
            search_form(N_("Search holders"), H.query, on_submit=H.search_holders),
            rx.spacer(),
            rx.text(t("Sort by"), size="2"),
            rx.select.root(
                rx.select.trigger(aria_label=t("Sort by")),
                rx.select.content(*[rx.select.item(tr(text), value=v) for v, text in SORT_ITEMS]),
                value=H.sort,
                on_change=H.set_sort,
            ),
        ),
        error_notice(error_of(H, "list")),
        rx.hstack(
            rx.checkbox(t("Select this page"), checked=(H.selected.length() == H.rows.length()) & (H.rows.length() > 0),
                        on_change=H.toggle_page),
            rx.spacer(),
            confirm_dialog(
                trigger=rx.button(rx.icon("user-minus", size=14), t("Unassign licences"), color_scheme="red",
                                  variant="soft", disabled=H.selected.length() == 0),
                title=N_("Unassign these licences?"),
                description=rx.text(H.selected.length().to_string(), t(" people lose their "), H.product,
                                    t(" licence now; the licences become available at once.")),
                confirm_label=N_("Unassign"),
                on_confirm=H.revoke_selected,
            ),
            width="100%",
            align="center",
        ),
        data_table(["", N_("Name"), N_("E-mail"), N_("Team"), N_("Assigned on")], H.rows, _holder_row,
                   caption=N_("People with a licence"),
                   empty_text=N_("Nobody with a licence of this product matches; assign licences above.")),
        pager(t("Page ") + H.page_no.to_string() + " · " + H.total.to_string() + t(" people"), H.previous_page,
              H.next_page, H.page_no > 1, H.has_next),
    )


def licence_holders_page() -> rx.Component:
    return console_page(
        N_("Licences"),
        rx.link(rx.hstack(rx.icon("arrow-left", size=14), rx.text(t("All products"), size="2"), align="center"),
                href="/licences"),
        rx.cond(
            H.found,
            rx.fragment(
                rx.heading(H.product, size="5", as_="h2"),
                rx.grid(stat_card(N_("Bought"), H.bought.to_string(), icon="package"),
                        stat_card(N_("Assigned"), H.assigned.to_string(), icon="user-check"),
                        stat_card(N_("Available"), H.available.to_string(), icon="circle-plus"),
                        columns="3", spacing="4", width="100%"),
                _assign_card(),
                _holders(),
            ),
            empty_state("package", N_("No such product"), N_("Choose one of your organisation's products.")),
        ),
        on_leave=H.leave,
    )
