"""A link to a file download route. A plain anchor with ``download``, so the browser asks the server
for the file itself instead of the client-side router treating ``/api/...`` as a page."""

from __future__ import annotations

import reflex as rx

from billing_center.components.i18n import tr


def download_link(*children, href, label, **props) -> rx.Component:
    return rx.el.a(
        *children,
        href=href,
        download="",
        reload_document=True,
        aria_label=tr(label),
        title=tr(label),
        style={"color": "var(--accent-11)", "textDecoration": "none", "display": "inline-flex",
               "alignItems": "center", "gap": "4px", "fontSize": "14px"},
        **props,
    )
