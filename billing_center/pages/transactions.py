"""Transactions: every invoice of the organisation's contracts, filtered in the URL, paginated on the
server, with PDF, ZIP and CSV downloads (R-INV-1, R-INV-2)."""

from __future__ import annotations

import reflex as rx

from billing_center.components.downloads import download_link
from billing_center.components.forms import error_of
from billing_center.components.i18n import t, tr
from billing_center.components.layout import console_page
from billing_center.components.ui import (
    data_table,
    field_error,
    loading,
    numeric_cell,
    pager,
    status_badge,
    table_row,
    toolbar,
)
from billing_center.i18n import N_
from billing_center.states.transactions import ALL, TransactionsState

S = TransactionsState

PERIOD_ITEMS = [("3m", N_("Last 3 months")), ("6m", N_("Last 6 months")), ("custom", N_("Custom date range"))]
STATUS_ITEMS = [(ALL, N_("All statuses")), ("paid", N_("Paid")), ("unpaid", N_("Unpaid")), ("overdue", N_("Overdue")),
                ("void", N_("Void"))]
SORT_ITEMS = [("issue_desc", N_("Newest first")), ("issue_asc", N_("Oldest first")),
              ("due_desc", N_("Due date, latest first")), ("due_asc", N_("Due date, earliest first")),
              ("total_desc", N_("Highest total first")), ("total_asc", N_("Lowest total first"))]


def _labelled(label: str, control: rx.Component) -> rx.Component:
    return rx.vstack(rx.text(tr(label), size="1", weight="medium", color_scheme="gray"), control, spacing="1")


def _select(label: str, items, value, on_change) -> rx.Component:
    return _labelled(
        label,
        rx.select.root(
            rx.select.trigger(aria_label=tr(label), min_width="170px"),
            rx.select.content(*[rx.select.item(tr(text), value=v) for v, text in items]),
            value=value,
            on_change=on_change,
        ),
    )


def _contract_select() -> rx.Component:
    return _labelled(
        N_("Contract"),
        rx.select.root(
            rx.select.trigger(aria_label=t("Contract"), min_width="150px"),
            rx.select.content(
                rx.select.item(t("All contracts"), value=ALL),
                rx.foreach(S.contract_options, lambda c: rx.select.item(c, value=c)),
            ),
            value=S.contract,
            on_change=S.set_contract,
        ),
    )


def _date_field(label: str, field_id: str, value, on_change, error) -> rx.Component:
    return rx.vstack(
        rx.el.label(tr(label), html_for=field_id,
                    style={"fontSize": "12px", "fontWeight": 500, "color": "var(--gray-11)"}),
        rx.input(id=field_id, type="date", value=value, on_change=on_change, aria_invalid=error != ""),
        field_error(error),
        spacing="1",
    )


def filters() -> rx.Component:
    return rx.vstack(
        toolbar(
            _select(N_("Period"), PERIOD_ITEMS, S.period, S.set_period),
            rx.cond(
                S.period == "custom",
                rx.hstack(
                    _date_field(N_("From"), "range-from", S.date_from, S.set_date_from, error_of(S, "from")),
                    _date_field(N_("To"), "range-to", S.date_to, S.set_date_to, error_of(S, "to")),
                    rx.button(t("Apply"), on_click=S.apply_range, margin_top="20px"),
                    spacing="3",
                    align="start",
                ),
            ),
            _select(N_("Status"), STATUS_ITEMS, S.status, S.set_status),
            _contract_select(),
            _select(N_("Sort by"), SORT_ITEMS, S.sort, S.set_sort),
            align="start",
            spacing="4",
        ),
        field_error(error_of(S, "filter")),
        spacing="2",
        width="100%",
    )


def _row(row) -> rx.Component:
    number = row.number
    return table_row(
        rx.checkbox(checked=S.selected.contains(number), on_change=lambda c: S.toggle_selected(number, c),
                    aria_label=t("Select ") + number),
        rx.table.row_header_cell(
            rx.vstack(
                rx.link(number, href=row.href, weight="medium"),
                rx.cond(row.credit_notes != "",
                        rx.text(t("Credit note ") + row.credit_notes, size="1", color_scheme="gray")),
                spacing="0",
            )
        ),
        status_badge(row.status, row.color), row.issue, row.due,
        t(row.payment),  # "Invoice", or a card (left as it is)
        row.contract,
        numeric_cell(rx.vstack(rx.text(row.total),
                               rx.cond(row.credited != "", rx.text(row.credited, size="1", color_scheme="gray")),
                               spacing="0", align="end")),
        download_link(rx.icon("file-down", size=16), href=row.pdf, label=t("Download PDF of ") + number),
    )


def downloads() -> rx.Component:
    return toolbar(
        rx.text(S.count.to_string(), t(" invoice(s) · "), S.range_label, size="2", color_scheme="gray"),
        rx.spacer(),
        rx.cond(
            S.zip_busy,
            rx.hstack(
                rx.spinner(size="2"),
                rx.text(t("Preparing PDFs "), S.zip_done.to_string(), t(" of "), S.zip_total.to_string(), "…", size="2",
                        role="status"),
                rx.progress(value=rx.cond(S.zip_total > 0, S.zip_done * 100 / S.zip_total, 0), max=100,
                            width="120px", aria_label=t("ZIP progress")),
                align="center",
                spacing="2",
            ),
        ),
        rx.cond(
            S.selected.length() > 0,
            rx.button(rx.icon("folder-down", size=14), t("Download selected ("), S.selected.length().to_string(), ")",
                      on_click=S.download_selected, disabled=S.zip_busy, variant="soft"),
        ),
        rx.button(rx.icon("archive", size=14), t("Download all in this filter"), on_click=S.download_all,
                  disabled=S.zip_busy | (S.count == 0), variant="soft"),
        rx.checkbox(t("Include the XML (UBL) beside each PDF"), checked=S.zip_with_xml,
                    on_change=S.set_zip_with_xml, disabled=S.zip_busy, size="2"),
        download_link(rx.button(rx.icon("sheet", size=14), t("Export CSV"), variant="outline", color_scheme="gray",
                                tab_index=-1), href=S.csv_href, label=t("Export CSV")),
    )


def transactions_page() -> rx.Component:
    return console_page(
        N_("Transactions"),
        filters(),
        downloads(),
        loading(
            S.loaded,
            rx.vstack(
                rx.cond(
                    S.rows.length() > 0,
                    rx.checkbox(t("Select all on this page"), on_change=S.toggle_page, size="1"),
                ),
                data_table(["", N_("Invoice"), N_("Status"), N_("Issue date"), N_("Due date"),
                            N_("Payment method"), N_("Contract"),
                            N_("Total"), N_("PDF")], S.rows, _row, caption=N_("Invoices"),
                           empty_text=N_("No invoices in this period. Try the last 6 months or a custom range."),
                           numeric=(N_("Total"),)),
                pager(t("Page ") + S.page_no.to_string(), S.previous_page, S.next_page, S.page_no > 1, S.has_next),
                spacing="2",
                width="100%",
            ),
        ),
        on_leave=S.leave,
    )
