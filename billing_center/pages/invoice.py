"""One invoice: billing period, dates, current charges, totals, payment state, credit notes and the
billing history of its subscription (R-INV-3, R-INV-4)."""

from __future__ import annotations

import reflex as rx

from billing_center.components.downloads import download_link
from billing_center.components.layout import console_page, empty_state
from billing_center.components.ui import confirm_dialog, data_table, field_error, status_badge
from billing_center.states.invoice import InvoiceState

S = InvoiceState


def _field(label: str, value) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", color_scheme="gray", weight="medium"),
        rx.text(value, size="2"),
        spacing="1",
        align="start",
        role="group",
        aria_label=label,
    )


def _line_row(row) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(row["product"]),
        rx.table.cell(row["description"]),
        rx.table.cell(row["quantity"], text_align="right"),
        rx.table.cell(row["unit"], text_align="right"),
        rx.table.cell(row["vat"], text_align="right"),
        rx.table.cell(row["amount"], text_align="right"),
    )


def _total_row(label: str, value, strong: bool = False) -> rx.Component:
    return rx.hstack(
        rx.text(label, size="2" if not strong else "3", weight="bold" if strong else "regular"),
        rx.spacer(),
        rx.text(value, size="2" if not strong else "3", weight="bold" if strong else "regular"),
        width="100%",
        role="group",
        aria_label=label,
    )


def _credit_row(row) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(row["number"]),
        rx.table.cell(row["date"]),
        rx.table.cell(row["reason"]),
        rx.table.cell(row["total"], text_align="right"),
        rx.table.cell(download_link(rx.icon("file-down", size=16), href=row["pdf"],
                                    label="Download PDF of " + row["number"])),
    )


def _history_row(row) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            rx.cond(row["current"] != "", rx.text(row["number"], weight="bold"),
                    rx.link(row["number"], href=row["href"]))
        ),
        rx.table.cell(row["period"]),
        rx.table.cell(row["issue"]),
        rx.table.cell(status_badge(row["status"], row["color"])),
        rx.table.cell(row["total"], text_align="right"),
    )


def _quantity_input(row) -> rx.Component:
    return rx.hstack(
        rx.text(row["product"], size="2", flex="1"),
        rx.text("of ", row["creditable"], " left", size="1", color_scheme="gray"),
        rx.input(value=S.cn_quantities[row["id"]], on_change=lambda v: S.set_cn_quantity(row["id"], v),
                 aria_label="Quantity to credit for " + row["product"], width="90px", input_mode="numeric"),
        align="center",
        width="100%",
        spacing="3",
    )


def credit_form() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Issue a credit note", size="4", as_="h2"),
            rx.text("An issued invoice is never changed: a credit note corrects it and gets its own number.",
                    size="2", color_scheme="gray"),
            rx.checkbox("Credit everything still open on this invoice", checked=S.cn_full,
                        on_change=S.set_cn_full),
            rx.cond(~S.cn_full, rx.vstack(rx.foreach(S.lines, _quantity_input), spacing="2", width="100%")),
            field_error(S.cn_quantity_error),
            rx.vstack(
                rx.el.label("Reason", html_for="cn-reason",
                            style={"fontSize": "13px", "fontWeight": 500}),
                rx.text_area(id="cn-reason", value=S.cn_reason, on_change=S.set_cn_reason,
                             placeholder="For example: 2 licences were cancelled in the first week",
                             width="100%", max_length=500),
                field_error(S.cn_reason_error),
                spacing="1",
                width="100%",
            ),
            rx.hstack(
                rx.text("Credit note total: ", rx.text.strong(rx.cond(S.cn_preview != "", S.cn_preview, "—")),
                        size="2", role="status"),
                rx.spacer(),
                rx.button("Cancel", variant="soft", color_scheme="gray", on_click=S.close_credit_form),
                confirm_dialog(
                    trigger=rx.button("Issue credit note", disabled=(S.cn_preview == "") | S.cn_busy),
                    title="Issue this credit note?",
                    description=rx.text("A credit note of ", rx.text.strong(S.cn_preview), " will be issued against ",
                                        S.invoice_number, ". It cannot be edited or removed afterwards."),
                    confirm_label="Issue credit note",
                    on_confirm=S.issue_credit_note,
                    danger=False,
                ),
                width="100%",
                align="center",
                spacing="3",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _body() -> rx.Component:
    return rx.vstack(
        rx.link(rx.hstack(rx.icon("arrow-left", size=14), rx.text("All transactions"), align="center", spacing="1"),
                href="/transactions"),
        rx.hstack(
            rx.heading("Invoice ", S.invoice_number, size="5", as_="h2"),
            status_badge(S.status, S.status_color),
            rx.spacer(),
            rx.cond(S.can_credit & ~S.cn_open,
                    rx.button(rx.icon("receipt-text", size=14), "Issue credit note", variant="soft",
                              on_click=S.open_credit_form)),
            download_link(rx.button(rx.icon("file-down", size=14), "Download PDF", tab_index=-1), href=S.pdf,
                          label="Download PDF"),
            width="100%",
            align="center",
            spacing="3",
        ),
        rx.cond(S.cn_open, credit_form()),
        rx.card(
            rx.grid(
                _field("Billing period", S.period),
                _field("Invoice date", S.issue),
                _field("Due date", S.due),
                _field("Order number", S.order_number),
                _field("Contract", rx.cond(S.contract_number != "",
                                           rx.link(S.contract_number, href="/contracts/" + S.contract_number), "—")),
                _field("Payment method", S.payment_method),
                _field("Previous balance", S.previous_balance),
                _field("Payment state", S.status),
                columns=rx.breakpoints(initial="2", md="4"),
                spacing="4",
                width="100%",
            ),
            width="100%",
        ),
        rx.heading("Current charges", size="4", as_="h2"),
        data_table(["Product", "Description", "Quantity", "Unit price", "VAT", "Amount"], S.lines, _line_row,
                   caption="Current charges", empty_text="No charges.",
                   numeric=("Quantity", "Unit price", "VAT", "Amount")),
        rx.hstack(
            rx.box(
                rx.cond(S.reverse_charge,
                        rx.text("Reverse charge: VAT to be accounted for by the recipient "
                                "(Art. 196 Directive 2006/112/EC)", size="1", color_scheme="gray")),
                flex="1",
            ),
            rx.card(
                rx.vstack(
                    _total_row("Subtotal", S.subtotal),
                    _total_row("Tax", S.tax),
                    _total_row("Total", S.total, strong=True),
                    rx.cond(S.has_credit, _total_row("Credited", S.credited)),
                    _total_row("Balance due", S.balance),
                    spacing="2",
                    width="100%",
                ),
                width="320px",
            ),
            width="100%",
            align="start",
        ),
        rx.cond(
            S.credit_notes.length() > 0,
            rx.vstack(
                rx.heading("Credit notes", size="4", as_="h2"),
                data_table(["Credit note", "Date", "Reason", "Amount", "PDF"], S.credit_notes, _credit_row,
                           caption="Credit notes of this invoice", empty_text="No credit notes.", numeric=("Amount",)),
                width="100%",
                spacing="3",
            ),
        ),
        rx.heading("Billing history", size="4", as_="h2"),
        data_table(["Invoice", "Billing period", "Invoice date", "Status", "Total"], S.history, _history_row,
                   caption="Billing history", empty_text="No earlier invoices.", numeric=("Total",)),
        spacing="4",
        width="100%",
    )


def invoice_page() -> rx.Component:
    return console_page(
        "Transactions",
        rx.cond(
            S.loaded,
            rx.cond(S.found, _body(),
                    empty_state("file-x", "No such invoice",
                                "This invoice does not exist or is not one you can see. Check the number or open "
                                "Transactions.")),
            rx.center(rx.spinner(), padding="40px", width="100%"),
        ),
    )
