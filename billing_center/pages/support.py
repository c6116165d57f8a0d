"""The support agents' queue: open change requests of every customer (R-CON-3)."""

from __future__ import annotations

import reflex as rx

from billing_center.components.layout import console_page
from billing_center.components.ui import confirm_dialog, data_table
from billing_center.states.support import SupportState


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["date"]),
        rx.table.cell(row["organisation"]),
        rx.table.row_header_cell(row["contract"]),
        rx.table.cell(row["kind"]),
        rx.table.cell(row["change"]),
        rx.table.cell(row["requested_by"]),
        rx.table.cell(rx.text(row["note"], size="1")),
        rx.table.cell(
            confirm_dialog(
                trigger=rx.button("Complete", size="1", aria_label="Complete request " + row["id"]),
                title="Complete this change request?",
                description=rx.text("Contract ", row["contract"], ": ", row["kind"], " ", row["change"],
                                    ". The contract is changed and ", row["requested_by"], " is e-mailed."),
                confirm_label="Complete request",
                on_confirm=SupportState.complete(row["id"]),
                danger=False,
            )
        ),
    )


def support_page() -> rx.Component:
    return console_page(
        "Change requests",
        rx.vstack(
            rx.cond(SupportState.page_error != "",
                    rx.callout(SupportState.page_error, icon="lock", color_scheme="amber", width="100%")),
            rx.cond(SupportState.action_error != "",
                    rx.callout(SupportState.action_error, icon="circle-alert", color_scheme="red", role="alert",
                               width="100%")),
            rx.cond(
                SupportState.page_error == "",
                data_table(["Requested", "Customer", "Contract", "Change", "From → to", "By", "Note", "Action"],
                           SupportState.queue, _row, caption="Open change requests",
                           empty_text="No open change requests."),
            ),
            spacing="4",
            width="100%",
        ),
    )
