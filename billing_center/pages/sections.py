"""Sections whose content arrives with later work: each renders in the shell with an honest
empty state that says what will be here."""

from __future__ import annotations

import reflex as rx

from billing_center.components.layout import console_page, empty_state

SECTIONS = {
    "/subscriptions": ("Subscriptions", "package",
                       "Subscription details, renewals and seat changes will be managed here."),
    "/licences": ("Licences", "users", "Assigning and revoking licences for your people will happen here."),
    "/usage": ("Usage", "chart-column", "Monthly active users and usage reports will be shown here."),
}


def section_page(route: str):
    title, icon, text = SECTIONS[route]

    def page() -> rx.Component:
        return console_page(title, empty_state(icon, f"{title} are not available yet", text))

    page.__name__ = f"section_{route.strip('/').replace('-', '_')}"
    return page
