"""Access billing: start with the work e-mail (R-ACT-1), prove access when needed (R-ACT-2)."""

from __future__ import annotations

import reflex as rx

from billing_center.components.forms import error_of, labelled_input, public_card, public_form, public_heading
from billing_center.components.i18n import t
from billing_center.components.ui import error_notice, notice
from billing_center.i18n import N_
from billing_center.states.access import AccessState


def _form() -> rx.Component:
    proof = AccessState.step == "proof"
    return public_form(
        labelled_input(N_("Work e-mail"), "email", error_of(AccessState, "email"), kind="email",
                       autocomplete="email", default_value=AccessState.email, required=True,
                       placeholder=t("name@company.com")),
        rx.cond(
            proof,
            rx.vstack(
                notice(t("We need to check that you have access to this billing account. Enter the number of an "
                         "order or an invoice and its subtotal or total, as printed on the document."),
                       icon="info", color="blue"),
                labelled_input(N_("Order or invoice number"), "reference", error_of(AccessState, "reference"),
                               placeholder=t("FL123133-2 or INV1238")),
                labelled_input(N_("Subtotal or total"), "amount", error_of(AccessState, "amount"),
                               input_mode="decimal", placeholder="6000.00",
                               hint=N_("As printed on the order or invoice, for example 6000.00.")),
                spacing="4",
                width="100%",
            ),
        ),
        submit=rx.cond(proof, t("Verify and continue"), t("Continue")),
        on_submit=AccessState.submit,
    )


def _sent() -> rx.Component:
    return rx.vstack(
        notice(rx.text(t("Check your mailbox. We sent an e-mail to "), rx.text.strong(AccessState.email),
                       t(" with a link to activate your account. The link works once and expires in 48 hours.")),
               icon="mail-check", color="green", role="status"),
        rx.cond(AccessState.demo_mailbox,
                rx.link(rx.button(rx.icon("inbox", size=16), t("Open the demo mailbox"), variant="soft",
                                  width="100%"), href="/mailbox", width="100%")),
        rx.button(t("Use another e-mail address"), variant="ghost", on_click=AccessState.start_over),
        spacing="3", width="100%",
    )


def _has_access() -> rx.Component:
    return rx.vstack(
        notice(rx.text(rx.text.strong(AccessState.email),
                       t(" already has access to billing. Sign in with your password.")),
               icon="badge-check", color="blue", role="status"),
        rx.link(rx.button(t("Sign in"), size="3", width="100%"), href="/sign-in", width="100%"),
        spacing="3", width="100%",
    )


def access_page() -> rx.Component:
    answered = (AccessState.step == "sent") | (AccessState.step == "has_access")
    return public_card(
        public_heading(N_("Access billing")),
        error_notice(error_of(AccessState, "form")),
        # Leaving the page (a link, the browser's back) starts the next visit of this tab afresh: it
        # would otherwise show the last visit's step until its load ran, and take what is typed there.
        # The form stays mounted on every step, hidden while an answer shows: a document load of this
        # page, in a tab that used it before, shows that visit's step (the hydration) until the load puts
        # the first step back, and a form taken off the page meanwhile lost what the person had typed.
        rx.box(
            rx.cond(AccessState.step == "sent", _sent()),
            rx.cond(AccessState.step == "has_access", _has_access()),
            rx.vstack(
                rx.text(t("Start with your work e-mail address. Primary and billing contacts receive an e-mail "
                          "at once; anyone else confirms an order or invoice first."), color_scheme="gray", size="2"),
                _form(),
                spacing="4", width="100%", display=rx.cond(answered, "none", "flex"),
            ),
            on_unmount=AccessState.leave, width="100%",
        ),
        rx.hstack(
            rx.link(t("Back to sign in"), href="/sign-in", size="2"),
            rx.spacer(),
            rx.link(t("Demo mailbox"), href="/mailbox", size="2"),
            width="100%",
        ),
    )
