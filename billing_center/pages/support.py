"""The support agents' queue: open change requests of every customer (R-CON-3)."""

from __future__ import annotations

import reflex as rx

from billing_center.components.forms import error_of
from billing_center.components.i18n import t
from billing_center.components.layout import console_page
from billing_center.components.ui import confirm_dialog, data_table, page_notices, table_row
from billing_center.i18n import N_
from billing_center.states.support import SupportState


def _row(row: rx.Var) -> rx.Component:
    return table_row(
        row.date, row.organisation, rx.table.row_header_cell(row.contract), row.kind, row.change, row.requested_by,
        rx.text(row.note, size="1"),
        confirm_dialog(
            trigger=rx.button(t("Complete"), size="1", aria_label=t("Complete request ") + row.id),
            title=N_("Complete this change request?"),
            description=rx.text(t("Contract "), row.contract, ": ", row.kind, " ", row.change,
                                t(". The contract is changed and "), row.requested_by, t(" is e-mailed.")),
            confirm_label=N_("Complete request"),
            on_confirm=SupportState.complete(row.id),
            danger=False,
        ),
    )


def support_page() -> rx.Component:
    return console_page(
        N_("Change requests"),
        page_notices(error_of(SupportState, "page"), error_of(SupportState, "action")),
        rx.cond(
            error_of(SupportState, "page") == "",
            data_table([N_("Requested"), N_("Customer"), N_("Contract"), N_("Change"), N_("From → to"), N_("By"),
                        N_("Note"), N_("Action")],
                       SupportState.queue, _row, caption=N_("Open change requests"),
                       empty_text=N_("No open change requests.")),
        ),
    )
