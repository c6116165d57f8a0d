"""The console shell: a left navigation, a header with the organisation and the signed-in person."""

from __future__ import annotations

from typing import Any

import reflex as rx

from billing_center.components.i18n import document_title, language_menu, t, tr
from billing_center.i18n import N_
from billing_center.states.session import SessionState

NAVIGATION = [
    (N_("Overview"), "/", "layout-dashboard"),
    (N_("Contracts and orders"), "/contracts", "file-text"),
    (N_("Transactions"), "/transactions", "receipt"),
    (N_("Payment methods"), "/payment-methods", "credit-card"),
    (N_("Subscriptions"), "/subscriptions", "package"),
    (N_("Licences"), "/licences", "users"),
    (N_("People"), "/people", "contact"),
    (N_("Usage"), "/usage", "chart-column"),
    (N_("Admins"), "/admins", "shield-check"),
    (N_("Billing accounts"), "/billing-accounts", "landmark"),
    (N_("Billing details"), "/billing-details", "building-2"),
    (N_("Audit log"), "/audit", "scroll-text"),
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
            rx.text(t(label), size="2"),
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
BILLING_ADMIN_ONLY = {"/audit", "/people"}


def _nav_entry(label: str, href: str, icon: str) -> rx.Component:
    item = _nav_item(label, href, icon)
    return rx.cond(SessionState.is_billing_admin, item) if href in BILLING_ADMIN_ONLY else item


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
                aria_label=t("Main"),
                width="100%",
            ),
            rx.spacer(),
            language_menu(padding_x="12px", padding_top="24px"),
            rx.link(rx.hstack(rx.icon("inbox", size=14), rx.text(t("Demo mailbox"), size="1"), align="center",
                              spacing="2", padding_x="12px", padding_top="8px"),
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


def header(title: str | rx.Var) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.text(SessionState.organisation_name, size="1", color_scheme="gray", weight="medium"),
            rx.heading(tr(title), document_title(title), size="6", as_="h1"),
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
            rx.badge(t(SessionState.role_label), variant="soft"),
            rx.button(
                rx.icon("log-out", size=14),
                t("Sign out"),
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


def console_page(title: str | rx.Var, *children: rx.Component, on_leave: Any = None,
                 spacing: str = "4") -> rx.Component:
    """Every signed-in page: navigation on the left, header and content on the right. The ``children`` are
    the page's parts, one under another (``spacing`` apart) across the content's width. Nothing is
    shown until the session has been checked, so a signed-out visitor never sees a flash of data.
    ``on_leave`` runs as the page is left (a state's ``leave``: its filters back to their defaults, see
    ``SessionState._reset_vars``)."""
    return rx.cond(
        SessionState.signed_in,
        rx.hstack(
            sidebar(),
            rx.box(
                header(title),
                rx.el.main(rx.vstack(*children, spacing=spacing, width="100%"),
                           **({"on_unmount": on_leave} if on_leave is not None else {})),
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


def empty_state(icon: str, title: str | rx.Var, text: str | rx.Var) -> rx.Component:
    """An honest empty state; plain-string title and text are translated (mark them with ``N_``)."""
    return rx.card(
        rx.vstack(
            rx.icon(icon, size=32, color=rx.color("gray", 9)),
            rx.heading(tr(title), size="4", as_="h2"),
            rx.text(tr(text), color_scheme="gray", size="2", text_align="center", max_width="480px"),
            align="center",
            spacing="3",
            padding="40px",
        ),
        width="100%",
    )


def stat_card(label: str, value, hint=None, icon: str = "circle") -> rx.Component:
    label = tr(label)
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
        items.append(rx.text(tr(hint), size="1", color_scheme="gray"))
    return rx.card(rx.vstack(*items, spacing="2", align="start"), role="group", aria_label=label)
