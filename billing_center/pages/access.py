"""Access billing: start with the work e-mail (R-ACT-1), prove access when needed (R-ACT-2)."""

from __future__ import annotations

import reflex as rx

from billing_center.components.forms import labelled_input, public_card
from billing_center.states.access import AccessState


def _form() -> rx.Component:
    proof = AccessState.step == "proof"
    return rx.form(
        rx.vstack(
            labelled_input("Work e-mail", "email", AccessState.email_error, kind="email", autocomplete="email",
                           default_value=AccessState.email, required=True,
                           placeholder="name@company.com"),
            rx.cond(
                proof,
                rx.vstack(
                    rx.callout(
                        "We need to check that you have access to this billing account. Enter the number of an "
                        "order or an invoice and its subtotal or total, as printed on the document.",
                        icon="info", color_scheme="blue", width="100%",
                    ),
                    labelled_input("Order or invoice number", "reference", AccessState.reference_error,
                                   placeholder="FL123133-2 or INV1238"),
                    labelled_input("Subtotal or total", "amount", AccessState.amount_error, input_mode="decimal",
                                   placeholder="6000.00",
                                   hint="As printed on the order or invoice, for example 6000.00."),
                    spacing="4",
                    width="100%",
                ),
            ),
            rx.button(rx.cond(proof, "Verify and continue", "Continue"), type="submit", size="3", width="100%",
                      loading=~AccessState.is_hydrated),
            spacing="4",
            width="100%",
        ),
        on_submit=AccessState.submit,
        reset_on_submit=False,
        width="100%",
    )


def access_page() -> rx.Component:
    return public_card(
        rx.heading("Access billing", size="6", as_="h1"),
        rx.cond(
            AccessState.error != "",
            rx.callout(AccessState.error, icon="circle-alert", color_scheme="red", role="alert", width="100%"),
        ),
        rx.match(
            AccessState.step,
            ("sent", rx.vstack(
                rx.callout(
                    rx.text("Check your mailbox. We sent an e-mail to ", rx.text.strong(AccessState.email),
                            " with a link to activate your account. The link works once and expires in 48 hours."),
                    icon="mail-check", color_scheme="green", role="status", width="100%",
                ),
                rx.cond(AccessState.demo_mailbox,
                        rx.link(rx.button(rx.icon("inbox", size=16), "Open the demo mailbox", variant="soft",
                                          width="100%"), href="/mailbox", width="100%")),
                rx.button("Use another e-mail address", variant="ghost", on_click=AccessState.start_over),
                spacing="3", width="100%",
            )),
            ("has_access", rx.vstack(
                rx.callout(
                    rx.text(rx.text.strong(AccessState.email),
                            " already has access to billing. Sign in with your password."),
                    icon="badge-check", color_scheme="blue", role="status", width="100%",
                ),
                rx.link(rx.button("Sign in", size="3", width="100%"), href="/sign-in", width="100%"),
                spacing="3", width="100%",
            )),
            rx.vstack(
                rx.text("Start with your work e-mail address. Primary and billing contacts receive an e-mail "
                        "at once; anyone else confirms an order or invoice first.", color_scheme="gray", size="2"),
                _form(),
                spacing="4", width="100%",
            ),
        ),
        rx.hstack(
            rx.link("Back to sign in", href="/sign-in", size="2"),
            rx.spacer(),
            rx.link("Demo mailbox", href="/mailbox", size="2"),
            width="100%",
        ),
    )
