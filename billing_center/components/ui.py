"""Building blocks every section uses, so the console looks and behaves the same everywhere."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

# Status words -> badge colour. Sections add their own words here rather than inventing colours.
STATUS_COLORS = {
    "active": "green",
    "paid": "green",
    "completed": "green",
    "trial": "blue",
    "invited": "blue",
    "open": "amber",
    "unpaid": "amber",
    "pending": "amber",
    "suspended": "orange",
    "cancellation started": "orange",
    "activation required": "orange",
    "overdue": "red",
    "expired": "red",
    "declined": "red",
    "inactive": "gray",
    "cancelled": "gray",
    "void": "gray",
    "removed": "gray",
    "default": "indigo",
}


def status_color(status: str) -> str:
    return STATUS_COLORS.get(status.lower().replace("_", " "), "gray")


def status_badge(label: rx.Var | str, color: rx.Var | str) -> rx.Component:
    """A status badge. States send both the label and its colour (use ``status_color``)."""
    return rx.badge(label, color_scheme=color, variant="soft", radius="full")


def data_table(
    headers: list[str],
    rows: rx.Var,
    render_row: Callable[[rx.Var], rx.Component],
    *,
    caption: str,
    empty_text: str,
    numeric: tuple[str, ...] = (),
) -> rx.Component:
    """A table with clear headers, an accessible caption and an honest empty state.
    ``rows`` is a small list held in state (one page of results, never the whole set)."""
    return rx.cond(
        rows.length() > 0,
        rx.table.root(
            rx.el.caption(caption, style={"position": "absolute", "left": "-10000px"}),
            rx.table.header(
                rx.table.row(
                    *[
                        rx.table.column_header_cell(h, text_align="right" if h in numeric else "left")
                        for h in headers
                    ]
                )
            ),
            rx.table.body(rx.foreach(rows, render_row)),
            variant="surface",
            width="100%",
            aria_label=caption,
        ),
        rx.card(
            rx.vstack(
                rx.icon("inbox", size=28, color=rx.color("gray", 9)),
                rx.text(empty_text, color_scheme="gray", size="2"),
                align="center",
                padding="32px",
                spacing="2",
            ),
            width="100%",
        ),
    )


def pager(label: rx.Var | str, on_previous, on_next, has_previous: rx.Var, has_next: rx.Var) -> rx.Component:
    """Previous / next for server-side (keyset) pagination."""
    return rx.hstack(
        rx.text(label, size="2", color_scheme="gray"),
        rx.spacer(),
        rx.button(rx.icon("chevron-left", size=14), "Previous", variant="soft", color_scheme="gray",
                  on_click=on_previous, disabled=~has_previous),
        rx.button("Next", rx.icon("chevron-right", size=14), variant="soft", color_scheme="gray",
                  on_click=on_next, disabled=~has_next),
        width="100%",
        align="center",
        padding_top="12px",
    )


def confirm_dialog(
    *,
    trigger: rx.Component,
    title: str,
    description: rx.Var | str | rx.Component,
    confirm_label: str,
    on_confirm,
    danger: bool = True,
) -> rx.Component:
    """A confirmation before anything destructive or costly; the description states the amount."""
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(trigger),
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(description),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button(confirm_label, color_scheme="red" if danger else "indigo", on_click=on_confirm)
                ),
                justify="end",
                spacing="3",
                padding_top="16px",
            ),
        ),
    )


def field_error(message: rx.Var) -> rx.Component:
    return rx.cond(message != "", rx.text(message, color_scheme="red", size="1", role="alert"))
