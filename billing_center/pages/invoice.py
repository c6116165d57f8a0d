"""One invoice: billing period, dates, current charges, totals, payment state, credit notes and the
billing history of its subscription (R-INV-3, R-INV-4)."""

from __future__ import annotations

import reflex as rx

from billing_center.components.downloads import download_link
from billing_center.components.forms import error_of
from billing_center.components.i18n import t, tr
from billing_center.components.layout import console_page, empty_state
from billing_center.components.ui import (
    confirm_dialog,
    data_table,
    field_error,
    loading,
    numeric_cell,
    section_card,
    status_badge,
    table_row,
    values_card,
)
from billing_center.i18n import N_
from billing_center.states.invoice import InvoiceState

S = InvoiceState


def _line_row(row) -> rx.Component:
    return table_row(rx.table.row_header_cell(row.product), row.description, numeric_cell(row.quantity),
                     numeric_cell(row.unit), numeric_cell(row.vat), numeric_cell(row.amount))


def _total_row(label: str, value, strong: bool = False) -> rx.Component:
    label = tr(label)
    return rx.hstack(
        rx.text(label, size="2" if not strong else "3", weight="bold" if strong else "regular"),
        rx.spacer(),
        rx.text(value, size="2" if not strong else "3", weight="bold" if strong else "regular"),
        width="100%",
        role="group",
        aria_label=label,
    )


def _credit_row(row) -> rx.Component:
    return table_row(
        rx.table.row_header_cell(row.number), row.date, row.reason, numeric_cell(row.total),
        rx.hstack(
            download_link(rx.icon("file-down", size=16), "PDF", href=row.pdf, label=t("Download PDF of ") + row.number),
            download_link(rx.icon("file-code", size=16), "UBL", href=row.ubl, label=t("Download UBL of ") + row.number),
            spacing="3",
        ),
    )


def _history_row(row) -> rx.Component:
    return table_row(
        rx.table.row_header_cell(rx.cond(row.current, rx.text(row.number, weight="bold"),
                                         rx.link(row.number, href=row.href))),
        row.period, row.issue, status_badge(row.status, row.color), numeric_cell(row.total),
    )


def _quantity_input(row) -> rx.Component:
    return rx.hstack(
        rx.text(row.product, size="2", flex="1"),
        rx.text(t("of "), row.creditable, t(" left"), size="1", color_scheme="gray"),
        rx.input(value=S.cn_quantities[row.id], on_change=lambda v: S.set_cn_quantity(row.id, v),
                 aria_label=t("Quantity to credit for ") + row.product, width="90px", input_mode="numeric"),
        align="center",
        width="100%",
        spacing="3",
    )


def credit_form() -> rx.Component:
    return section_card(
        N_("Issue a credit note"),
        rx.checkbox(t("Credit everything still open on this invoice"), checked=S.cn_full,
                    on_change=S.set_cn_full),
        rx.cond(~S.cn_full, rx.vstack(rx.foreach(S.detail.lines, _quantity_input), spacing="2", width="100%")),
        field_error(error_of(S, "quantity")),
        rx.vstack(
            rx.el.label(t("Reason"), html_for="cn-reason",
                        style={"fontSize": "13px", "fontWeight": 500}),
            rx.text_area(id="cn-reason", value=S.cn_reason, on_change=S.set_cn_reason,
                         placeholder=t("For example: 2 licences were cancelled in the first week"),
                         width="100%", max_length=500),
            field_error(error_of(S, "reason")),
            spacing="1",
            width="100%",
        ),
        rx.hstack(
            rx.text(t("Credit note total: "), rx.text.strong(rx.cond(S.cn_preview != "", S.cn_preview, "—")),
                    size="2", role="status"),
            rx.spacer(),
            rx.button(t("Cancel"), variant="soft", color_scheme="gray", on_click=S.close_credit_form),
            confirm_dialog(
                trigger=rx.button(t("Issue credit note"), disabled=S.cn_preview == ""),
                title=N_("Issue this credit note?"),
                description=rx.text(t("A credit note of "), rx.text.strong(S.cn_preview),
                                    t(" will be issued against "), S.invoice_number,
                                    t(". It cannot be edited or removed afterwards.")),
                confirm_label=N_("Issue credit note"),
                on_confirm=S.issue_credit_note,
                danger=False,
            ),
            width="100%",
            align="center",
            spacing="3",
        ),
        description=N_("An issued invoice is never changed: a credit note corrects it and gets its own number."),
    )


def _body() -> rx.Component:
    return rx.vstack(
        rx.link(rx.hstack(rx.icon("arrow-left", size=14), rx.text(t("All transactions")), align="center", spacing="1"),
                href="/transactions"),
        rx.hstack(
            rx.heading(t("Invoice "), S.invoice_number, size="5", as_="h2"),
            status_badge(S.detail.status, S.detail.status_color),
            rx.spacer(),
            # Shown once this invoice is loaded (the flag may still be the previous invoice's).
            rx.cond(S.detail.can_credit & ~S.cn_open & S.is_hydrated,
                    rx.button(rx.icon("receipt-text", size=14), t("Issue credit note"), variant="soft",
                              on_click=S.open_credit_form)),
            download_link(rx.button(rx.icon("file-down", size=14), t("Download PDF (Factur-X)"), tab_index=-1),
                          href=S.detail.pdf, label=t("Download PDF (Factur-X)")),
            download_link(rx.button(rx.icon("file-code", size=14), t("Download UBL"), variant="outline", tab_index=-1),
                          href=S.detail.ubl, label=t("Download UBL (Peppol BIS 3.0 XML)")),
            width="100%",
            align="center",
            spacing="3",
        ),
        # Like the button above: the flag may still be a previous invoice's until this one has loaded.
        rx.cond(S.cn_open & S.is_hydrated, credit_form()),
        values_card(
            (N_("Billing period"), S.detail.period),
            (N_("Invoice date"), S.detail.issue),
            (N_("Due date"), S.detail.due),
            (N_("Order number"), S.detail.order_number),
            (N_("Contract"), rx.cond(
                S.detail.contract_number != "",
                rx.link(S.detail.contract_number, href="/contracts/" + S.detail.contract_number), "—")),
            (N_("Payment method"), S.detail.payment_method),
            (N_("Previous balance"), S.detail.previous_balance),
            (N_("Payment state"), S.detail.status),
            columns=rx.breakpoints(initial="2", md="4"),
        ),
        rx.heading(t("Current charges"), size="4", as_="h2"),
        data_table([N_("Product"), N_("Description"), N_("Quantity"), N_("Unit price"), N_("VAT"), N_("Amount")],
                    S.detail.lines, _line_row,
                   caption=N_("Current charges"), empty_text=N_("No charges."),
                   numeric=(N_("Quantity"), N_("Unit price"), N_("VAT"), N_("Amount"))),
        rx.hstack(
            rx.box(
                rx.cond(S.detail.reverse_charge,
                        rx.text(t("Reverse charge: VAT to be accounted for by the recipient "
                                "(Art. 196 Directive 2006/112/EC)"), size="1", color_scheme="gray")),
                flex="1",
            ),
            rx.card(
                rx.vstack(
                    _total_row(N_("Subtotal"), S.detail.subtotal),
                    _total_row(N_("Tax"), S.detail.tax),
                    _total_row(N_("Total"), S.detail.total, strong=True),
                    rx.cond(S.detail.has_credit, _total_row(N_("Credited"), S.detail.credited)),
                    _total_row(N_("Balance due"), S.detail.balance),
                    spacing="2",
                    width="100%",
                ),
                width="320px",
            ),
            width="100%",
            align="start",
        ),
        rx.cond(
            S.detail.credit_notes.length() > 0,
            rx.vstack(
                rx.heading(t("Credit notes"), size="4", as_="h2"),
                data_table([N_("Credit note"), N_("Date"), N_("Reason"), N_("Amount"), N_("Files")],
                           S.detail.credit_notes, _credit_row,
                           caption=N_("Credit notes of this invoice"), empty_text=N_("No credit notes."),
                           numeric=(N_("Amount"),)),
                width="100%",
                spacing="3",
            ),
        ),
        rx.heading(t("Billing history"), size="4", as_="h2"),
        data_table([N_("Invoice"), N_("Billing period"), N_("Invoice date"), N_("Status"), N_("Total")],
                    S.detail.history, _history_row,
                   caption=N_("Billing history"), empty_text=N_("No earlier invoices."), numeric=(N_("Total"),)),
        spacing="4",
        width="100%",
    )


def invoice_page() -> rx.Component:
    return console_page(
        N_("Transactions"),
        loading(
            S.loaded,
            rx.cond(S.found, _body(),
                    empty_state("file-x", N_("No such invoice"),
                                N_("This invoice does not exist or is not one you can see. Check the number or open "
                                "Transactions."))),
        ),
    )
