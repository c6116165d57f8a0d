"""Sign in to Billing Center."""

from __future__ import annotations

import reflex as rx

from billing_center.states.sign_in import SignInState


def _field(label: str, name: str, kind: str, error, autocomplete: str) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=name, style={"fontSize": "14px", "fontWeight": 500}),
        rx.input(
            id=name,
            name=name,
            type=kind,
            required=True,
            auto_complete=autocomplete,
            size="3",
            width="100%",
            aria_invalid=rx.cond(error != "", "true", "false"),
            aria_describedby=f"{name}-error",
        ),
        rx.cond(error != "", rx.text(error, id=f"{name}-error", color_scheme="red", size="1")),
        spacing="1",
        width="100%",
    )


def sign_in_page() -> rx.Component:
    return rx.center(
        rx.card(
            rx.vstack(
                rx.hstack(rx.icon("wallet", size=26), rx.heading("Billing Center", size="6", as_="h1"),
                          align="center", spacing="2"),
                rx.text("Sign in to manage contracts, invoices, payment methods and licences.",
                        color_scheme="gray", size="2"),
                rx.cond(
                    SignInState.error != "",
                    rx.callout(SignInState.error, icon="circle-alert", color_scheme="red", role="alert",
                               width="100%"),
                ),
                rx.form(
                    rx.vstack(
                        _field("Work e-mail", "email", "email", SignInState.email_error, "username"),
                        _field("Password", "password", "password", SignInState.password_error,
                               "current-password"),
                        rx.button("Sign in", type="submit", size="3", width="100%",
                                  loading=SignInState.is_hydrated == False),  # noqa: E712
                        spacing="4",
                        width="100%",
                    ),
                    on_submit=SignInState.submit,
                    reset_on_submit=False,
                    width="100%",
                ),
                rx.hstack(
                    rx.text("New to Billing Center?", size="2", color_scheme="gray"),
                    rx.link("Access billing", href="/access", size="2", weight="medium"),
                    spacing="2",
                ),
                rx.link(rx.hstack(rx.icon("inbox", size=14), rx.text("Demo mailbox", size="1"), align="center",
                                  spacing="1"),
                        href="/mailbox", color_scheme="gray"),
                spacing="4",
                width="100%",
            ),
            size="4",
            width="400px",
        ),
        height="100vh",
        background=rx.color("gray", 2),
    )
