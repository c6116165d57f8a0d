"""The console shell: a left navigation, a header with the organisation and the signed-in person."""

from __future__ import annotations

import reflex as rx

from billing_center.domain.enums import Role
from billing_center.states.session import ROLE_LABELS, SessionState

NAVIGATION = [
    ("Overview", "/", "layout-dashboard"),
    ("Contracts and orders", "/contracts", "file-text"),
    ("Transactions", "/transactions", "receipt"),
    ("Payment methods", "/payment-methods", "credit-card"),
    ("Subscriptions", "/subscriptions", "package"),
    ("Licences", "/licences", "users"),
    ("Usage", "/usage", "chart-column"),
    ("Admins", "/admins", "shield-check"),
    ("Billing accounts", "/billing-accounts", "landmark"),
    ("Audit log", "/audit", "scroll-text"),
]


# Pages below a section that live on their own path still light up their section.
ALSO_ACTIVE = {"/transactions": ("/invoices",), "/subscriptions": ("/order",)}


def _nav_item(label: str, href: str, icon: str) -> rx.Component:
    path = rx.State.router.page.path
    if href == "/":
        active = (path == "/") | (path == "/index")
    else:
        active = path.startswith(href)
        for other in ALSO_ACTIVE.get(href, ()):
            active = active | path.startswith(other)
    return rx.link(
        rx.hstack(
            rx.icon(icon, size=16),
            rx.text(label, size="2"),
            spacing="3",
            align="center",
            padding_x="12px",
            padding_y="8px",
            border_radius="6px",
            width="100%",
            background=rx.cond(active, rx.color("accent", 3), "transparent"),
            color=rx.cond(active, rx.color("accent", 11), rx.color("gray", 12)),
            _hover={"background": rx.color("gray", 3)},
        ),
        href=href,
        underline="none",
        width="100%",
        aria_current=rx.cond(active, "page", "false"),
    )


# Entries only some roles can use (the pages check the role again in the service layer).
BILLING_ADMIN_ONLY = {"/audit"}


def _nav_entry(label: str, href: str, icon: str) -> rx.Component:
    item = _nav_item(label, href, icon)
    return rx.cond(SessionState.role_label == ROLE_LABELS[Role.BILLING_ADMIN], item) if href in BILLING_ADMIN_ONLY else item


def sidebar() -> rx.Component:
    return rx.box(
        rx.vstack(
            rx.hstack(
                rx.icon("wallet", size=22, color=rx.color("accent", 10)),
                rx.heading("Billing Center", size="4"),
                align="center",
                spacing="2",
                padding_x="12px",
                padding_bottom="16px",
            ),
            rx.el.nav(
                rx.vstack(*[_nav_entry(*item) for item in NAVIGATION], spacing="1", width="100%"),
                aria_label="Main",
                width="100%",
            ),
            rx.spacer(),
            rx.link(rx.hstack(rx.icon("inbox", size=14), rx.text("Demo mailbox", size="1"), align="center",
                              spacing="2", padding_x="12px", padding_top="24px"),
                    href="/mailbox", color_scheme="gray", underline="hover"),
            spacing="1",
            width="100%",
            min_height="calc(100vh - 40px)",
        ),
        width="240px",
        min_width="240px",
        padding="20px 12px",
        border_right=f"1px solid {rx.color('gray', 5)}",
        background=rx.color("gray", 1),
        height="100vh",
        position="sticky",
        top="0",
        overflow_y="auto",
    )


def header(title: str) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.text(SessionState.organisation_name, size="1", color_scheme="gray", weight="medium"),
            rx.heading(title, size="6", as_="h1"),
            spacing="0",
        ),
        rx.spacer(),
        rx.hstack(
            rx.vstack(
                rx.text(SessionState.person_name, size="2", weight="medium"),
                rx.text(SessionState.person_email, size="1", color_scheme="gray"),
                spacing="0",
                align="end",
            ),
            rx.badge(SessionState.role_label, variant="soft"),
            rx.button(
                rx.icon("log-out", size=14),
                "Sign out",
                variant="outline",
                color_scheme="gray",
                size="2",
                on_click=SessionState.sign_out,
            ),
            spacing="3",
            align="center",
        ),
        width="100%",
        align="center",
        padding_bottom="20px",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        margin_bottom="24px",
    )


def console_page(title: str, *children: rx.Component) -> rx.Component:
    """Every signed-in page: navigation on the left, header and content on the right. Nothing is
    shown until the session has been checked, so a signed-out visitor never sees a flash of data."""
    return rx.cond(
        SessionState.signed_in,
        rx.hstack(
            sidebar(),
            rx.box(
                header(title),
                rx.el.main(*children),
                flex="1",
                padding="28px 36px",
                max_width="1200px",
            ),
            spacing="0",
            align="start",
            width="100%",
        ),
        rx.center(rx.spinner(size="3"), height="100vh"),
    )


def empty_state(icon: str, title: str, text: str) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.icon(icon, size=32, color=rx.color("gray", 9)),
            rx.heading(title, size="4", as_="h2"),
            rx.text(text, color_scheme="gray", size="2", text_align="center", max_width="480px"),
            align="center",
            spacing="3",
            padding="40px",
        ),
        width="100%",
    )


def stat_card(label: str, value, hint=None, icon: str = "circle") -> rx.Component:
    items = [
        rx.hstack(
            rx.icon(icon, size=16, color=rx.color("gray", 10)),
            rx.text(label, size="2", color_scheme="gray", weight="medium"),
            align="center",
            spacing="2",
        ),
        rx.heading(value, size="6", as_="p"),
    ]
    if hint is not None:
        items.append(rx.text(hint, size="1", color_scheme="gray"))
    return rx.card(rx.vstack(*items, spacing="2", align="start"), role="group", aria_label=label)
