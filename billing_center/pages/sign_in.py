"""Sign in to Billing Center."""

from __future__ import annotations

import reflex as rx

from billing_center.components.forms import error_of, labelled_input, public_card, public_form
from billing_center.components.i18n import document_title, language_menu, t
from billing_center.components.ui import error_notice
from billing_center.i18n import N_
from billing_center.states.sign_in import SignInState


def sign_in_page() -> rx.Component:
    return public_card(
        rx.text(t("Sign in to manage contracts, invoices, payment methods and licences."), color_scheme="gray",
                size="2"),
        error_notice(error_of(SignInState, "form")),
        public_form(
            labelled_input(N_("Work e-mail"), "email", error_of(SignInState, "email"), kind="email",
                           autocomplete="username", required=True),
            labelled_input(N_("Password"), "password", error_of(SignInState, "password"), kind="password",
                           autocomplete="current-password", required=True),
            submit=N_("Sign in"),
            on_submit=SignInState.submit,
        ),
        rx.hstack(
            rx.text(t("New to Billing Center?"), size="2", color_scheme="gray"),
            rx.link(t("Access billing"), href="/access", size="2", weight="medium"),
            spacing="2",
        ),
        rx.link(rx.hstack(rx.icon("inbox", size=14), rx.text(t("Demo mailbox"), size="1"), align="center",
                          spacing="1"),
                href="/mailbox", color_scheme="gray"),
        language_menu(),
        width="400px",
        brand=rx.heading(t("Billing Center"), document_title(N_("Sign in")), size="6", as_="h1"),
    )
