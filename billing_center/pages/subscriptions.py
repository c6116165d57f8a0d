"""Subscriptions (issue 8): the list with its filters in the URL, and the subscription page with every
action behind a confirmation that shows the amount (R-LIC-1, R-LIC-3, R-LIC-4, R-ACC-3)."""

from __future__ import annotations

import reflex as rx

from billing_center.components.form_fields import SELECT_STYLE, labelled, option_select
from billing_center.components.forms import error_of
from billing_center.components.i18n import t
from billing_center.components.layout import console_page, empty_state
from billing_center.components.ui import (
    confirm_dialog,
    data_table,
    error_notice,
    form_dialog,
    loading,
    notice,
    numeric_cell,
    page_section,
    pager,
    status_badge,
    table_row,
    toolbar,
    value_grid,
)
from billing_center.i18n import N_
from billing_center.states.subscriptions import SubscriptionsState, SubscriptionState

L = SubscriptionsState
S = SubscriptionState


# --- the list ---------------------------------------------------------------------------------------
def _list_row(row) -> rx.Component:
    return table_row(
        rx.table.row_header_cell(
            rx.vstack(
                rx.link(row.product, href=row.href, weight="medium"),
                rx.cond(row.self_service, rx.text(t("Self-service"), size="1", color_scheme="gray")),
                spacing="0",
            )
        ),
        row.licences, row.term, status_badge(row.status, row.color), row.date, numeric_cell(row.price),
        numeric_cell(row.subtotal, white_space="nowrap"),
    )


def _filter(label: str, select_id: str, options, value, on_change) -> rx.Component:
    return rx.box(labelled(label, option_select(select_id, options, value=value, on_change=on_change,
                                                style={**SELECT_STYLE, "minWidth": "200px"})), width="220px")


def _field_and_button(field: rx.Component, width: str, button: rx.Component) -> rx.Component:
    """A labelled field (``width`` wide) and the button that applies it, beside its input (the button's
    ``margin_top`` clears the label)."""
    return rx.hstack(rx.box(field, width=width), button, align="start", spacing="3")


def _activation_key() -> rx.Component:
    return rx.cond(
        L.can_activate,
        rx.card(
            _field_and_button(
                labelled(N_("Activation key"),
                         rx.input(id="activation-key", value=L.key_input, on_change=L.set_key_input,
                                  placeholder=t("ALM-XXXX-XXXX-XXXX"), width="100%"),
                         error_of(L, "key"),
                         hint=N_("Bought seats through a purchase order? Enter the key from sales.")),
                "360px",
                rx.button(t("Activate"), on_click=L.activate_key, margin_top="22px"),
            ),
            width="100%",
        ),
    )


def _account() -> rx.Component:
    return rx.card(
        toolbar(
            rx.vstack(
                rx.hstack(rx.text(t("Account status"), weight="medium"), status_badge(L.account.status,
                                                                                      L.account.color),
                          rx.cond(L.account.days != "", rx.text(L.account.days, size="2", color_scheme="gray")),
                          align="center", spacing="2"),
                rx.text(L.account.text, size="2", color_scheme="gray"),
                spacing="1",
            ),
            rx.spacer(),
            rx.cond(L.account.can_deactivate, confirm_dialog(
                trigger=rx.button(t("Deactivate account"), color_scheme="red", variant="outline"),
                title=N_("Deactivate the account?"),
                description=N_("Every subscription stops renewing and ends with its current paid period; people keep "
                            "access until then. You have 30 days to reactivate (the owner gets reminders on days 7, "
                            "21 and 28); after that only billing admins can sign in."),
                confirm_label=N_("Deactivate account"),
                on_confirm=L.deactivate,
            )),
            rx.cond(L.account.can_reactivate, rx.button(t("Reactivate account"), on_click=L.reactivate)),
        ),
        width="100%",
        role="region",
        aria_label=t("Account status"),
    )


def _filters() -> rx.Component:
    return toolbar(
        _filter(N_("Status"), "filter-status", L.status_options, L.status, L.set_status),
        _filter(N_("Purchased"), "filter-self-service", L.self_service_options, L.self_service, L.set_self_service),
        rx.spacer(),
        rx.text(L.total.to_string(), t(" subscription(s)"), size="2", color_scheme="gray"),
        align="end",
        spacing="4",
    )


def subscriptions_page() -> rx.Component:
    return console_page(
        N_("Subscriptions"),
        _account(),
        _activation_key(),
        _filters(),
        error_notice(error_of(L, "filter")),
        loading(
            L.loaded,
            rx.vstack(
                data_table([N_("Product"), N_("Licences (assigned / total)"), N_("Term"), N_("Status"),
                            N_("Renewal or end"), N_("Price per licence per year"), N_("Subtotal")], L.rows,
                           _list_row, caption=N_("Subscriptions"),
                           empty_text=N_("No subscriptions match these filters. Choose All statuses to see every "
                                         "subscription."),
                           numeric=(N_("Price per licence per year"), N_("Subtotal"))),
                pager(t("Page ") + L.page_no.to_string() + t(" of ") + L.pages.to_string(), L.previous_page,
                      L.next_page, L.page_no > 1, L.page_no < L.pages),
                width="100%",
                spacing="2",
            ),
        ),
    )


# --- the subscription page ------------------------------------------------------------------------------
def _preview() -> rx.Component:
    return rx.cond(
        S.has_preview,
        rx.vstack(
            rx.heading(t("What happens"), size="3", as_="h3"),
            rx.text(S.change_preview.summary, size="2"),
            rx.cond(
                S.change_preview.lines.length() > 0,
                rx.table.root(
                    rx.table.header(rx.table.row(rx.table.column_header_cell(t("Proration line")),
                                                 rx.table.column_header_cell(t("Amount"), text_align="right"))),
                    rx.table.body(
                        rx.foreach(S.change_preview.lines, lambda ln: table_row(
                            ln.description, numeric_cell(ln.amount, white_space="nowrap"))),
                        table_row(rx.table.row_header_cell(t("Net")), numeric_cell(S.change_preview.net)),
                        table_row(rx.table.row_header_cell(t("Tax")), numeric_cell(S.change_preview.tax)),
                        table_row(rx.table.row_header_cell(rx.text(t("Total now"), weight="bold")),
                                  numeric_cell(rx.text(S.change_preview.total, weight="bold"), white_space="nowrap")),
                    ),
                    variant="surface",
                    width="100%",
                ),
            ),
            rx.text(t("Next renewal: "), S.change_preview.next_renewal, t(" (tax included)"), size="2",
                    color_scheme="gray"),
            spacing="2",
            width="100%",
            role="region",
            aria_label=t("Proration preview"),
        ),
    )


def _change_dialog() -> rx.Component:
    return form_dialog(
        t("Buy or remove licences"),
        t("Enter the new total number of licences (have 100, want 5 more: enter 105)."),
        labelled(N_("New total number of licences"),
                 rx.input(id="new-total", value=S.new_total, on_change=S.set_new_total, input_mode="numeric",
                          width="100%", aria_invalid=error_of(S, "total") != ""),
                 error_of(S, "total")),
        rx.text(t("Currently "), S.detail.quantity.to_string(), t(" licences, "), S.detail.assigned.to_string(),
                t(" assigned."), size="1", color_scheme="gray"),
        error_notice(error_of(S, "action")),
        _preview(),
        actions=[rx.button(t("Review change"), on_click=S.preview, variant="soft"),
                 rx.button(t("Confirm change"), on_click=S.confirm_change, disabled=~S.has_preview)],
        open=S.change_open,
        on_open_change=S.set_change_open,
        max_width="640px",
    )


def _cancel_dialog() -> rx.Component:
    fee = S.cancellation.fee
    return form_dialog(
        t("Cancel subscription"),
        S.cancellation.summary,
        rx.cond(fee != "",
                notice(rx.text(t("Early termination fee (50"), "%", t(" of the remaining committed period): "),
                               rx.text.strong(fee)),
                       icon="receipt", color="amber")),
        labelled(N_("Reason"), option_select("cancel-reason", S.reason_options, value=S.cancel_reason,
                                             on_change=S.set_cancel_reason, first=("Choose a reason", "")),
                 error_of(S, "cancel")),
        labelled(N_("Feedback (optional)"),
                 rx.text_area(id="cancel-feedback", value=S.cancel_feedback, on_change=S.set_cancel_feedback,
                              width="100%", max_length=2000)),
        error_notice(error_of(S, "action")),
        actions=[rx.button(rx.cond(fee != "", t("Cancel and pay ") + fee, t("Cancel subscription")),
                           color_scheme="red", on_click=S.confirm_cancel)],
        cancel=N_("Keep subscription"),
        muted=False,
        open=S.cancel_open,
        on_open_change=S.set_cancel_open,
        max_width="560px",
    )


def _auto_renew() -> rx.Component:
    return rx.cond(
        S.detail.auto_renew,
        confirm_dialog(
            trigger=rx.button(t("Turn off auto-renew"), variant="outline", color_scheme="gray"),
            title=N_("Turn off auto-renew?"),
            description=rx.text(t("The subscription ends on "), rx.text.strong(S.detail.end_date),
                                t(" and is not charged again. Scheduled licence changes are cancelled.")),
            confirm_label=N_("Turn off auto-renew"),
            on_confirm=S.toggle_auto_renew,
        ),
        confirm_dialog(
            trigger=rx.button(t("Turn on auto-renew"), variant="outline"),
            title=N_("Turn on auto-renew?"),
            description=rx.cond(
                S.detail.per_user,
                rx.text(t("The plan renews on "), rx.text.strong(S.detail.end_date),
                        t(" and each period goes on billing its monthly active users, charged to "),
                        S.detail.payment, "."),
                rx.text(t("The subscription renews on "), rx.text.strong(S.detail.end_date), t(" for "),
                        S.detail.subtotal, t(" plus tax, charged to "), S.detail.payment, "."),
            ),
            confirm_label=N_("Turn on auto-renew"),
            on_confirm=S.toggle_auto_renew,
            danger=False,
        ),
    )


def _summary() -> rx.Component:
    live = (S.detail.status_code == "active") | (S.detail.status_code == "suspended")
    return rx.card(
        rx.vstack(
            toolbar(
                rx.heading(S.detail.product, size="5", as_="h2"),
                status_badge(S.detail.status, S.detail.status_color),
                rx.spacer(),
                rx.cond(S.detail.can_manage & live, _auto_renew()),
            ),
            rx.text(S.detail.renewal_text, size="2", color_scheme="gray"),
            rx.cond(S.detail.buyer != "", rx.text(t("Bought through self-service by "), S.detail.buyer, size="2",
                                           color_scheme="gray")),
            value_grid(
                (N_("Term"), S.detail.term),
                (N_("Current period"), S.detail.period),
                (N_("Licences"), S.detail.licences),
                (N_("Price"), S.detail.price),
                (N_("Subtotal"), S.detail.subtotal),
                (N_("Frequency"), S.detail.frequency),
                (N_("Payment method"), S.detail.payment),
                (N_("PO number"), rx.cond(S.detail.po_number != "", S.detail.po_number, "—")),
                columns="3",
            ),
            rx.cond(
                S.detail.scheduled_text != "",
                notice(rx.hstack(rx.text(S.detail.scheduled_text), rx.spacer(),
                                 rx.cond(S.detail.can_manage, rx.button(t("Undo scheduled change"), size="1",
                                                                        variant="soft", on_click=S.undo_scheduled)),
                                 align="center", width="100%"),
                       icon="calendar-clock", color="blue"),
            ),
            rx.cond(S.detail.cancel_reason_text != "", rx.text(t("Cancellation reason: "), S.detail.cancel_reason_text,
                                                               size="2", color_scheme="gray")),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _actions() -> rx.Component:
    live = ((S.detail.status_code == "active") | (S.detail.status_code == "trial")) & ~S.detail.per_user
    return rx.cond(
        S.detail.can_manage,
        page_section(
            N_("Manage"),
            rx.hstack(
                rx.cond(live, rx.button(rx.icon("plus", size=14), t("Buy licences"), on_click=S.open_change(True))),
                rx.cond(live, rx.button(rx.icon("minus", size=14), t("Remove licences"), variant="soft",
                                        on_click=S.open_change(False))),
                rx.cond((S.detail.status_code != "cancelled") & (S.detail.status_code != "expired")
                        & (S.detail.status_code != "cancellation_started"),
                        rx.button(t("Cancel subscription"), color_scheme="red", variant="outline",
                                  on_click=S.open_cancel)),
                spacing="3",
                wrap="wrap",
            ),
            rx.cond(~S.detail.partial_cancellation & ~S.detail.per_user,
                    rx.text(t("This plan cannot be reduced during its term: to have fewer licences, "
                              "turn off auto-renew "
                            "(or cancel at the end of the billing cycle) and buy the new number."), size="2",
                            color_scheme="gray")),
            _field_and_button(
                labelled(N_("PO number"), rx.input(id="po-number", value=S.po_input, on_change=S.set_po_input,
                                                   max_length=64, width="100%"), error_of(S, "po")),
                "260px",
                rx.button(t("Save PO number"), variant="soft", on_click=S.save_po, margin_top="22px"),
            ),
            rx.cond(
                S.cards.length() > 0,
                _field_and_button(
                    labelled(N_("Change payment method"),
                             option_select("sub-card", S.cards, value=S.chosen_card, on_change=S.set_chosen_card,
                                           first=("Choose a card", "")),
                             error_of(S, "card")),
                    "320px",
                    rx.button(t("Change"), variant="soft", on_click=S.change_card, margin_top="22px"),
                ),
            ),
            error_notice(error_of(S, "action")),
        ),
        notice(t("You have a read-only view of this subscription: only its buyer (or a billing admin, for one "
                 "not bought through self-service) can change it."), icon="lock", color="gray"),
    )


def _invoice_row(row) -> rx.Component:
    return table_row(rx.table.row_header_cell(rx.link(row.number, href=row.href)), row.date,
                     status_badge(row.status, row.color), numeric_cell(row.total))


def _history_row(row) -> rx.Component:
    return table_row(row.when, row.who, rx.table.row_header_cell(row.action), row.detail)


def subscription_page() -> rx.Component:
    return console_page(
        N_("Subscription"),
        rx.cond(
            S.not_found,
            empty_state("package-x", N_("No such subscription"),
                        N_("It does not exist or is not visible to you. Go back to Subscriptions to choose one.")),
            rx.fragment(
                rx.link(t("← All subscriptions"), href="/subscriptions", size="2"),
                _summary(),
                _actions(),
                rx.heading(t("View invoices"), size="4", as_="h2"),
                data_table([N_("Invoice"), N_("Date"), N_("Status"), N_("Total")], S.detail.invoices, _invoice_row,
                           caption=N_("Invoices of this subscription"),
                           empty_text=N_("No invoices for this subscription yet."), numeric=(N_("Total"),)),
                rx.heading(t("History of changes"), size="4", as_="h2"),
                data_table([N_("When"), N_("Who"), N_("What"), N_("Detail")], S.detail.history, _history_row,
                           caption=N_("History of changes"), empty_text=N_("No changes recorded yet.")),
                _change_dialog(),
                _cancel_dialog(),
            ),
        ),
    )
