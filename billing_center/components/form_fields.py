"""A labelled form control with its hint and the error shown next to it."""

from __future__ import annotations

import reflex as rx

from billing_center.components.ui import field_error


def labelled(label: str, control: rx.Component, error=None, hint: str | None = None) -> rx.Component:
    items = [rx.el.label(label, html_for=str(control.id), style={"fontSize": "14px", "fontWeight": 500}), control]
    if hint:
        items.append(rx.text(hint, size="1", color_scheme="gray"))
    if error is not None:
        items.append(field_error(error))
    return rx.vstack(*items, spacing="1", width="100%")
