"""Labelled form fields with their error next to them (issue 4 pages; reusable by any section)."""

from __future__ import annotations

import reflex as rx


def labelled_input(label: str, name: str, error: rx.Var | str = "", *, kind: str = "text", hint: str = "",
                   autocomplete: str = "off", **props) -> rx.Component:
    described = f"{name}-error"
    return rx.vstack(
        rx.el.label(label, html_for=name, style={"fontSize": "14px", "fontWeight": 500}),
        rx.input(
            id=name,
            name=name,
            type=kind,
            auto_complete=autocomplete,
            size="3",
            width="100%",
            aria_invalid=rx.cond(error != "", "true", "false"),
            aria_describedby=described,
            **props,
        ),
        rx.text(hint, size="1", color_scheme="gray") if hint else rx.fragment(),
        rx.cond(error != "", rx.text(error, id=described, color_scheme="red", size="1", role="alert")),
        spacing="1",
        width="100%",
    )


def public_card(*children: rx.Component, width: str = "440px") -> rx.Component:
    """The centred card of the pages a visitor sees before signing in (sign-in, access, activate)."""
    return rx.center(
        rx.card(
            rx.vstack(
                rx.hstack(rx.icon("wallet", size=26), rx.text("Billing Center", size="6", weight="bold"),
                          align="center", spacing="2"),
                *children,
                spacing="4",
                width="100%",
            ),
            size="4",
            width=width,
            max_width="94vw",
        ),
        min_height="100vh",
        padding_y="32px",
        background=rx.color("gray", 2),
    )


def form_text(form_data: dict, name: str) -> str:
    """A submitted field as text. Reflex sends None for a field that is not on screen."""
    value = form_data.get(name)
    return "" if value is None else str(value)
