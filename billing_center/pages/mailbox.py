"""Demo mailbox: the local outbox, so that a new user can follow an activation link without SMTP."""

from __future__ import annotations

import reflex as rx

from billing_center.components.forms import public_heading
from billing_center.components.i18n import t
from billing_center.i18n import N_
from billing_center.states.mailbox import MailboxState


def _item(message: rx.Var) -> rx.Component:
    chosen = MailboxState.selected == message.id
    return rx.box(
        rx.vstack(
            rx.text(message.subject, size="2", weight="bold"),
            rx.text(t("To "), message.recipient, size="1", color_scheme="gray"),
            rx.text(message.at, size="1", color_scheme="gray"),
            spacing="0",
            align="start",
        ),
        on_click=MailboxState.open_message(message.id),
        role="button",
        tab_index=0,
        aria_pressed=rx.cond(chosen, "true", "false"),
        padding="10px 12px",
        border_radius="6px",
        cursor="pointer",
        background=rx.cond(chosen, rx.color("accent", 3), "transparent"),
        _hover={"background": rx.color("gray", 3)},
        width="100%",
    )


def _part(part: rx.Var) -> rx.Component:
    return rx.cond(
        part.is_link,
        rx.link(rx.button(part.text, size="3"), href=part.href),
        rx.text(part.text, white_space="pre-wrap", size="2"),
    )


def mailbox_page() -> rx.Component:
    return rx.box(
        rx.vstack(
            rx.hstack(
                rx.icon("inbox", size=24),
                public_heading(N_("Demo mailbox")),
                rx.spacer(),
                rx.link(t("Sign in"), href="/sign-in", size="2"),
                rx.link(t("Access billing"), href="/access", size="2"),
                align="center",
                spacing="3",
                width="100%",
            ),
            rx.cond(
                MailboxState.enabled,
                rx.text(t("This demo is not connected to an e-mail server: every e-mail Billing Center sends lands "
                        "here, newest first. A real installation sends them over SMTP and shows no mailbox."),
                        size="2", color_scheme="gray"),
                rx.callout(t("The demo mailbox is switched off on this installation: e-mail goes out over SMTP."),
                           icon="info", width="100%"),
            ),
            rx.cond(
                MailboxState.messages.length() > 0,
                rx.hstack(
                    rx.card(
                        rx.vstack(rx.foreach(MailboxState.messages, _item), spacing="1", width="100%"),
                        width="320px",
                        min_width="320px",
                        aria_label=t("Messages"),
                    ),
                    rx.card(
                        rx.vstack(
                            rx.heading(MailboxState.subject, size="4", as_="h2"),
                            rx.text(t("To "), MailboxState.to, " · ", MailboxState.sent, size="1", color_scheme="gray"),
                            rx.separator(),
                            rx.foreach(MailboxState.parts, _part),
                            spacing="3",
                            align="start",
                            width="100%",
                        ),
                        flex="1",
                        aria_label=t("Message"),
                    ),
                    spacing="4",
                    align="start",
                    width="100%",
                ),
                rx.cond(MailboxState.enabled,
                        rx.card(rx.text(t("No e-mail yet. Ask for access at Access billing and the welcome e-mail "
                                        "appears here."), color_scheme="gray", size="2"), width="100%")),
            ),
            spacing="4",
            width="100%",
            max_width="1100px",
        ),
        padding="32px",
        min_height="100vh",
        background=rx.color("gray", 2),
    )
