"""The page behind the e-mail's link: sign up or sign in, then Accept and continue (R-ACT-3)."""

from __future__ import annotations

import reflex as rx

from billing_center.components.forms import labelled_input, public_card
from billing_center.services.activation import MIN_PASSWORD
from billing_center.states.activate import ActivateState


def _who() -> rx.Component:
    return rx.text("This link gives ", rx.text.strong(ActivateState.link_email), " access to ",
                   ActivateState.link_what, ".", size="2", color_scheme="gray")


def _sign_up() -> rx.Component:
    return rx.vstack(
        rx.heading("Create your account", size="6", as_="h1"),
        _who(),
        rx.form(
            rx.vstack(
                rx.el.input(type="email", name="username", value=ActivateState.link_email, read_only=True,
                            auto_complete="username", hidden=True),
                rx.cond(ActivateState.needs_name,
                        labelled_input("Full name", "full_name", ActivateState.full_name_error,
                                       autocomplete="name", required=True)),
                labelled_input("New password", "password", ActivateState.password_error, kind="password",
                               autocomplete="new-password", hint=f"At least {MIN_PASSWORD} characters.",
                               required=True),
                labelled_input("Repeat the password", "password_again", ActivateState.password_again_error,
                               kind="password", autocomplete="new-password", required=True),
                rx.button("Create account", type="submit", size="3", width="100%"),
                spacing="4", width="100%",
            ),
            on_submit=ActivateState.sign_up, reset_on_submit=False, width="100%",
        ),
        spacing="4", width="100%",
    )


def _sign_in() -> rx.Component:
    return rx.vstack(
        rx.heading("Sign in to continue", size="6", as_="h1"),
        _who(),
        rx.form(
            rx.vstack(
                rx.vstack(
                    rx.text("Work e-mail", size="2", weight="medium"),
                    rx.text(ActivateState.link_email, size="3"),
                    spacing="1", width="100%",
                ),
                rx.el.input(type="email", name="username", value=ActivateState.link_email, read_only=True,
                            auto_complete="username", hidden=True),
                labelled_input("Password", "password", ActivateState.password_error, kind="password",
                               autocomplete="current-password", required=True),
                rx.button("Sign in", type="submit", size="3", width="100%"),
                spacing="4", width="100%",
            ),
            on_submit=ActivateState.sign_in, reset_on_submit=False, width="100%",
        ),
        spacing="4", width="100%",
    )


def _accept() -> rx.Component:
    return rx.vstack(
        rx.heading("Accept and continue", size="6", as_="h1"),
        rx.text("You are signed in as ", rx.text.strong(ActivateState.person_name), " (",
                ActivateState.link_email, ")."),
        rx.callout(rx.text("Accepting gives you access to ", ActivateState.link_what,
                           ": its contracts, orders and invoices as your role allows."),
                   icon="shield-check", color_scheme="blue", width="100%"),
        rx.button("Accept and continue", size="3", width="100%", on_click=ActivateState.accept,
                  loading=ActivateState.busy),
        spacing="4", width="100%",
    )


def _other_person() -> rx.Component:
    return rx.vstack(
        rx.heading("This link is for someone else", size="6", as_="h1"),
        rx.callout(rx.text("You are signed in as ", rx.text.strong(ActivateState.person_email),
                           ", but this link is for ", rx.text.strong(ActivateState.link_email), "."),
                   icon="triangle-alert", color_scheme="amber", width="100%"),
        rx.button("Sign out and continue", size="3", width="100%", on_click=ActivateState.switch_account),
        rx.link("Keep working as yourself", href="/", size="2"),
        spacing="4", width="100%",
    )


def _invalid() -> rx.Component:
    return rx.vstack(
        rx.heading("Link not valid", size="6", as_="h1"),
        rx.callout(ActivateState.error, icon="circle-alert", color_scheme="red", role="alert", width="100%"),
        rx.link(rx.button("Ask for a new link", size="3", width="100%"), href="/access", width="100%"),
        spacing="4", width="100%",
    )


def activate_page() -> rx.Component:
    return public_card(
        rx.cond(
            (ActivateState.error != "") & (ActivateState.step != "invalid"),
            rx.callout(ActivateState.error, icon="circle-alert", color_scheme="red", role="alert", width="100%"),
        ),
        rx.match(
            ActivateState.step,
            ("invalid", _invalid()),
            ("sign_up", _sign_up()),
            ("sign_in", _sign_in()),
            ("accept", _accept()),
            ("other_person", _other_person()),
            rx.center(rx.spinner(size="3"), padding="32px", width="100%"),
        ),
        rx.link("Back to sign in", href="/sign-in", size="2"),
    )
