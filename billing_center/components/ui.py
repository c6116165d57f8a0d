"""Building blocks every section uses, so the console looks and behaves the same everywhere."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx
from reflex.components.radix.themes.components.table import TableCell, TableRowHeaderCell

from billing_center.components.i18n import t, tr
from billing_center.i18n import N_

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
    caption: str | rx.Var,
    empty_text: str | None,
    numeric: tuple[str, ...] = (),
    size: str | None = None,
) -> rx.Component:
    """A table with clear headers, an accessible caption and an honest empty state (``empty_text``; None
    where the table is left out when empty). ``rows`` is a small list held in state (one page of results,
    never the whole set). Headers, caption and empty text are translated here (pages mark them with ``N_``)."""
    caption = tr(caption)
    table = rx.table.root(
        rx.el.caption(caption, style={"position": "absolute", "left": "-10000px"}),
        rx.table.header(
            rx.table.row(
                *[
                    rx.table.column_header_cell(tr(h), text_align="right" if h in numeric else "left")
                    for h in headers
                ]
            )
        ),
        rx.table.body(rx.foreach(rows, render_row)),
        variant="surface",
        width="100%",
        aria_label=caption,
        **({"size": size} if size else {}),
    )
    if empty_text is None:
        return rx.cond(rows.length() > 0, table)
    return rx.cond(
        rows.length() > 0,
        table,
        rx.card(
            rx.vstack(
                rx.icon("inbox", size=28, color=rx.color("gray", 9)),
                rx.text(tr(empty_text), color_scheme="gray", size="2"),
                align="center",
                padding="32px",
                spacing="2",
            ),
            width="100%",
        ),
    )


def table_row(*cells: Any, **props) -> rx.Component:
    """A row of a :func:`data_table`, its cells in the order of the headers: a value (or a component) is a
    plain cell; a cell built here (``rx.table.row_header_cell``, :func:`numeric_cell`) is taken as it is."""
    return rx.table.row(*[c if isinstance(c, TableCell | TableRowHeaderCell) else rx.table.cell(c) for c in cells],
                        **props)


def numeric_cell(value: Any, **props) -> rx.Component:
    """A cell of a number or an amount, right-aligned under its header (list it in ``data_table(numeric=...)``)."""
    return rx.table.cell(value, text_align="right", **props)


def pager(label: rx.Var | str, on_previous, on_next, has_previous: rx.Var, has_next: rx.Var) -> rx.Component:
    """Previous / next for server-side (keyset) pagination."""
    return rx.hstack(
        rx.text(label, size="2", color_scheme="gray"),
        rx.spacer(),
        rx.button(rx.icon("chevron-left", size=14), t("Previous"), variant="soft", color_scheme="gray",
                  on_click=on_previous, disabled=~has_previous),
        rx.button(t("Next"), rx.icon("chevron-right", size=14), variant="soft", color_scheme="gray",
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
            rx.alert_dialog.title(tr(title)),
            rx.alert_dialog.description(tr(description)),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button(t("Cancel"), variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button(tr(confirm_label), color_scheme="red" if danger else "indigo", on_click=on_confirm)
                ),
                justify="end",
                spacing="3",
                padding_top="16px",
            ),
        ),
    )


def remove_dialog(who: rx.Var, *, title: str, description: rx.Component, on_confirm) -> rx.Component:
    """A row's Remove button (named "Remove ``who``" for screen readers) behind its confirmation."""
    return confirm_dialog(
        trigger=rx.button(rx.icon("user-minus", size=14), t("Remove"), size="1", variant="soft", color_scheme="red",
                          aria_label=t("Remove ") + who),
        title=title,
        description=description,
        confirm_label=N_("Remove"),
        on_confirm=on_confirm,
    )


def form_dialog(title, description, *fields: rx.Component, actions: list[rx.Component], open: rx.Var,
                on_open_change, max_width: str, cancel: str = "Cancel", muted: bool = True) -> rx.Component:
    """A dialog of fields the state opens (``open``, ``on_open_change`` its setter): the title, what it does
    (``muted``: in gray), the fields, then ``cancel`` (an ``N_`` msgid; it closes the dialog) and the
    ``actions``, right-aligned."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(title),
            rx.dialog.description(description, size="2", **({"color_scheme": "gray"} if muted else {})),
            rx.vstack(
                *fields,
                rx.hstack(rx.dialog.close(rx.button(tr(cancel), variant="soft", color_scheme="gray")), *actions,
                          justify="end", spacing="3", width="100%"),
                spacing="3",
                width="100%",
                padding_top="12px",
            ),
            max_width=max_width,
        ),
        open=open,
        on_open_change=on_open_change,
    )


def field_error(message: rx.Var) -> rx.Component:
    return rx.cond(message != "", rx.text(message, color_scheme="red", size="1", role="alert"))


def notice(content: rx.Component | rx.Var | str, *, icon: str, color: str, **props) -> rx.Component:
    """A callout across the width of its column: ``content`` under an ``icon`` in the ``color`` that says
    what kind of news it is; ``props`` add e.g. its ``role`` ("alert", "status")."""
    return rx.callout(content, icon=icon, color_scheme=color, width="100%", **props)


def error_notice(message: rx.Var, icon: str = "circle-alert", color: str = "red") -> rx.Component:
    """A refused action's message above the content, announced to screen readers; nothing when empty."""
    return rx.cond(message != "", notice(message, icon=icon, color=color, role="alert"))


def locked_notice(message: rx.Var) -> rx.Component:
    """Why a section shows nothing to this person (their role); nothing when empty."""
    return rx.cond(message != "", notice(message, icon="lock", color="amber"))


def page_notices(locked: rx.Var, error: rx.Var) -> rx.Component:
    """The top of a page: why it shows nothing to this person (``locked``, see :func:`locked_notice`), then
    a refused action's message (``error``, see :func:`error_notice`)."""
    return rx.fragment(locked_notice(locked), error_notice(error))


def explanation(text: str) -> rx.Component:
    """What a section or a page is for, in gray under its heading (``text`` an ``N_`` msgid)."""
    return rx.text(tr(text), size="2", color_scheme="gray")


def page_section(title: str, *children: rx.Component, description: str | None = None, heading_size: str = "4",
                 **props) -> rx.Component:
    """A part of a page under its own h2 ``title`` (an ``N_`` msgid) and its :func:`explanation`
    (``description``), its children one under another; ``props`` lay out that column (``spacing`` "3" unless
    told, ``align``, ``padding_top``)."""
    about = [explanation(description)] if description else []
    return rx.vstack(rx.heading(tr(title), size=heading_size, as_="h2"), *about, *children,
                     **{"spacing": "3", "width": "100%", **props})


def section_card(title: str, *children: rx.Component, max_width: str | None = None, **props) -> rx.Component:
    """A :func:`page_section` in a card (``max_width`` the card's)."""
    return rx.card(
        page_section(title, *children, **props),
        width="100%",
        **({"max_width": max_width} if max_width else {}),
    )


def toolbar(*children: rx.Component, align: str = "center", spacing: str = "3", **props) -> rx.Component:
    """A row of controls (filters, buttons, a count) across the page, wrapping onto more lines when narrow."""
    return rx.hstack(*children, align=align, spacing=spacing, width="100%", wrap="wrap", **props)


def loading(loaded: rx.Var, content: rx.Component, *, size: str | None = None,
            label: str | None = None) -> rx.Component:
    """``content`` once the page's data has loaded (``loaded``), a spinner in its place until then (``size`` the
    spinner's; ``label``, an ``N_`` msgid, names it for screen readers)."""
    spinner = rx.spinner(size=size) if size else rx.spinner()
    named = {"aria_label": tr(label)} if label else {}
    return rx.cond(loaded, content, rx.center(spinner, padding="40px", width="100%", **named))


def labelled_value(label: str, value, spacing: str = "1") -> rx.Component:
    """A label above its value, a group named by the label (for screen readers and tests)."""
    label = tr(label)
    return rx.vstack(
        rx.text(label, size="1", color_scheme="gray", weight="medium"),
        rx.text(value, size="2"),
        spacing=spacing,
        align="start",
        role="group",
        aria_label=label,
    )


def value_grid(*items: tuple[str, Any], columns: Any = "3", spacing: str = "1") -> rx.Component:
    """Labelled values side by side: ``(label, value)`` pairs, labels marked with ``N_``; ``spacing`` is the
    distance between each label and its value (see :func:`labelled_value`)."""
    return rx.grid(*[labelled_value(label, value, spacing) for label, value in items], columns=columns,
                   spacing="4", width="100%")


def values_card(*items: tuple[str, Any], columns: Any = "3", spacing: str = "1") -> rx.Component:
    """A :func:`value_grid` in a card of the page's width: the facts of the thing a page shows."""
    return rx.card(value_grid(*items, columns=columns, spacing=spacing), width="100%")
