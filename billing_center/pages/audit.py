"""Audit log: who did what and when, filterable and exportable as CSV (billing admins)."""

from __future__ import annotations

import reflex as rx

from billing_center.components.forms import error_of
from billing_center.components.i18n import t, tr
from billing_center.components.layout import console_page, empty_state
from billing_center.components.ui import data_table, error_notice, explanation, pager, table_row, toolbar
from billing_center.i18n import N_
from billing_center.states.audit import AuditState


def _label(text: str, for_id: str) -> rx.Component:
    return rx.el.label(tr(text), html_for=for_id, style={"fontSize": "14px", "fontWeight": 500})


def _filters() -> rx.Component:
    return rx.card(
        toolbar(
            rx.vstack(
                _label(N_("Action"), "audit-action"),
                rx.select.root(
                    rx.select.trigger(id="audit-action", aria_label=t("Action"), min_width="220px"),
                    rx.select.content(
                        rx.foreach(AuditState.action_options, lambda o: rx.select.item(o.label, value=o.value)),
                    ),
                    value=AuditState.action,
                    on_change=AuditState.set_action,
                ),
                spacing="1",
            ),
            rx.vstack(
                _label(N_("From"), "audit-from"),
                rx.input(id="audit-from", type="date", value=AuditState.date_from,
                         on_change=AuditState.set_date_from),
                spacing="1",
            ),
            rx.vstack(
                _label(N_("To"), "audit-to"),
                rx.input(id="audit-to", type="date", value=AuditState.date_to, on_change=AuditState.set_date_to),
                spacing="1",
            ),
            rx.button(rx.icon("filter", size=14), t("Apply filters"), on_click=AuditState.apply),
            rx.button(t("Clear"), variant="soft", color_scheme="gray", on_click=AuditState.clear),
            rx.spacer(),
            # A real browser download of the streamed CSV (not a client-side route change).
            rx.button(rx.icon("download", size=14), t("Export CSV"), variant="outline",
                      on_click=rx.download(url=AuditState.export_href)),
            align="end",
        ),
        width="100%",
    )


def _row(row: rx.Var) -> rx.Component:
    return table_row(rx.table.cell(row.when, white_space="nowrap"), row.who,
                     rx.badge(row.action, color_scheme=row.tone, variant="soft"), row.target, row.detail, row.ip)


def _log() -> rx.Component:
    """What the page says, its filters and one page of the log's events, as parts of the page."""
    return rx.fragment(
        explanation(N_("Who did what and when in your organisation: sign-ins, orders, seat changes, assignments, "
                       "cancellations, payment-method changes, invitations and failed access attempts. "
                       "Times are in UTC.")),
        _filters(),
        error_notice(error_of(AuditState, "filter")),
        data_table([N_("When (UTC)"), N_("Who"), N_("Action"), N_("Target"), N_("Detail"), N_("IP address")],
                   AuditState.rows, _row, caption=N_("Audit log"), empty_text=N_("No events match these filters.")),
        pager(t("Page ") + AuditState.page.to_string() + t(" of ") + AuditState.pages.to_string() + " · "
              + AuditState.total.to_string() + t(" events"), AuditState.previous_page, AuditState.next_page,
              AuditState.page > 1, AuditState.page < AuditState.pages),
    )


def audit_page() -> rx.Component:
    return console_page(
        N_("Audit log"),
        rx.cond(
            AuditState.allowed,
            _log(),
            empty_state("scroll-text", N_("The audit log is for billing admins"),
                        N_("Ask a billing admin of your organisation if you need to see who did what.")),
        ),
    )
