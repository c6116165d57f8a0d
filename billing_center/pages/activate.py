"""The page behind the e-mail's link: sign up or sign in, then Accept and continue (R-ACT-3)."""

from __future__ import annotations

import reflex as rx

from billing_center.components.forms import error_of, labelled_input, public_card, public_form, public_heading
from billing_center.components.i18n import t
from billing_center.components.ui import error_notice, notice
from billing_center.i18n import N_
from billing_center.services.activation import MIN_PASSWORD
from billing_center.states.activate import ActivateState


def _who() -> rx.Component:
    return rx.text(t("This link gives "), rx.text.strong(ActivateState.link_email), t(" access to "),
                   ActivateState.link_what, ".", size="2", color_scheme="gray")


def _link_form(heading: str, *fields: rx.Component, submit: str, on_submit) -> rx.Component:
    """A step of the link's page that signs the visitor up or in: the link's e-mail goes with the form as
    the username a password manager stores (hidden), then the ``fields`` and the ``submit`` button."""
    return rx.vstack(
        public_heading(heading),
        _who(),
        public_form(
            rx.el.input(type="email", name="username", value=ActivateState.link_email, read_only=True,
                        auto_complete="username", hidden=True),
            *fields,
            submit=submit,
            on_submit=on_submit,
        ),
        spacing="4", width="100%",
    )


def _sign_up() -> rx.Component:
    return _link_form(
        N_("Create your account"),
        rx.cond(ActivateState.needs_name,
                labelled_input(N_("Full name"), "full_name", error_of(ActivateState, "full_name"),
                               autocomplete="name", required=True)),
        labelled_input(N_("New password"), "password", error_of(ActivateState, "password"), kind="password",
                       autocomplete="new-password",
                       hint=t(N_("At least {count} characters.")).replace("{count}", str(MIN_PASSWORD)),
                       required=True),
        labelled_input(N_("Repeat the password"), "password_again", error_of(ActivateState, "password_again"),
                       kind="password", autocomplete="new-password", required=True),
        submit=N_("Create account"),
        on_submit=ActivateState.sign_up,
    )


def _sign_in() -> rx.Component:
    return _link_form(
        N_("Sign in to continue"),
        rx.vstack(
            rx.text(t("Work e-mail"), size="2", weight="medium"),
            rx.text(ActivateState.link_email, size="3"),
            spacing="1", width="100%",
        ),
        labelled_input(N_("Password"), "password", error_of(ActivateState, "password"), kind="password",
                       autocomplete="current-password", required=True),
        submit=N_("Sign in"),
        on_submit=ActivateState.sign_in,
    )


def _accept() -> rx.Component:
    return rx.vstack(
        public_heading(N_("Accept and continue")),
        rx.text(t("You are signed in as "), rx.text.strong(ActivateState.person_name), " (",
                ActivateState.link_email, ")."),
        notice(rx.text(t("Accepting gives you access to "), ActivateState.link_what,
                       t(": its contracts, orders and invoices as your role allows.")),
               icon="shield-check", color="blue"),
        rx.button(t("Accept and continue"), size="3", width="100%", on_click=ActivateState.accept,
                  loading=ActivateState.busy),
        spacing="4", width="100%",
    )


def _other_person() -> rx.Component:
    return rx.vstack(
        public_heading(N_("This link is for someone else")),
        notice(rx.text(t("You are signed in as "), rx.text.strong(ActivateState.person_email),
                       t(", but this link is for "), rx.text.strong(ActivateState.link_email), "."),
               icon="triangle-alert", color="amber"),
        rx.button(t("Sign out and continue"), size="3", width="100%", on_click=ActivateState.switch_account),
        rx.link(t("Keep working as yourself"), href="/", size="2"),
        spacing="4", width="100%",
    )


def _invalid() -> rx.Component:
    return rx.vstack(
        public_heading(N_("Link not valid")),
        notice(error_of(ActivateState, "form"), icon="circle-alert", color="red", role="alert"),
        rx.link(rx.button(t("Ask for a new link"), size="3", width="100%"), href="/access", width="100%"),
        spacing="4", width="100%",
    )


def activate_page() -> rx.Component:
    return public_card(
        rx.cond(ActivateState.step != "invalid", error_notice(error_of(ActivateState, "form"))),
        rx.match(
            ActivateState.step,
            ("invalid", _invalid()),
            ("sign_up", _sign_up()),
            ("sign_in", _sign_in()),
            ("accept", _accept()),
            ("other_person", _other_person()),
            rx.center(rx.spinner(size="3"), padding="32px", width="100%"),
        ),
        rx.link(t("Back to sign in"), href="/sign-in", size="2"),
    )
