"""A labelled form control with its hint and the error shown next to it."""

from __future__ import annotations

import reflex as rx

from billing_center.components.i18n import t, tr
from billing_center.components.ui import field_error


def labelled(label: str, control: rx.Component, error=None, hint: str | None = None,
             beside: rx.Component | None = None) -> rx.Component:
    """``beside`` (a field's own button) sits in the control's row, above the hint and the error: an error
    that appears or goes never moves the button under the pointer of a person clicking it."""
    row = control if beside is None else rx.hstack(control, beside, align="center", spacing="3")
    items = [rx.el.label(tr(label), html_for=str(control.id), style={"fontSize": "14px", "fontWeight": 500}), row]
    if hint:
        items.append(rx.text(tr(hint), size="1", color_scheme="gray"))
    if error is not None:
        items.append(field_error(error))
    return rx.vstack(*items, spacing="1", width="100%")


SELECT_STYLE = {"width": "100%", "padding": "8px", "borderRadius": "6px", "border": "1px solid var(--gray-7)",
                "fontSize": "14px", "background": "white"}


def option_select(select_id: str, options: rx.Var, *, value=None, on_change, first: tuple[str, str] | None = None,
                  style: dict | None = None, default_value=None) -> rx.Component:
    """A native select of typed ``Option`` rows (states/rows.py); ``first`` = (label, value) comes before them.
    With ``default_value`` instead of ``value`` the select keeps the person's choice itself (uncontrolled):
    what it shows never falls back to the state's value while the change is on its way to the server."""
    leading = [rx.el.option(tr(first[0]), value=first[1])] if first else []
    shown = {"value": value} if default_value is None else {"default_value": default_value}
    # Labels are English msgids or plain values (a contract number): the lookup leaves the latter as they are.
    return rx.el.select(*leading, rx.foreach(options, lambda o: rx.el.option(t(o.label), value=o.value)),
                        id=select_id, on_change=on_change, style=style or SELECT_STYLE, **shown)
