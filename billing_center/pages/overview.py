"""Overview: the first page after sign-in."""

from __future__ import annotations

import reflex as rx

from billing_center.components.charts import column_chart
from billing_center.components.i18n import t
from billing_center.components.layout import console_page, stat_card
from billing_center.domain.enums import Role
from billing_center.i18n import N_
from billing_center.states.overview import OverviewState
from billing_center.states.session import SessionState

F = OverviewState.figures  # the key figures, as the cards state them


def overview_page() -> rx.Component:
    return console_page(
        N_("Overview"),
        rx.hstack(
            rx.text(t("Account status"), size="3", weight="medium"),
            rx.badge(
                F.account_status,
                color_scheme=F.account_status_color,
                size="2",
                aria_label=t("Account status"),
            ),
            rx.spacer(),
            rx.cond(SessionState.role == Role.SUPPORT_AGENT.value,
                    rx.link(rx.button(rx.icon("inbox", size=16), t("Change requests"), variant="soft"),
                            href="/support"),
                    rx.link(rx.button(rx.icon("shopping-cart", size=16), t("Order seats"), variant="soft"),
                            href="/order")),
            align="center",
            spacing="3",
            width="100%",
        ),
        rx.cond(
            F.overdue_invoices > 0,
            rx.callout(
                rx.text(
                    F.overdue_message,
                    rx.link(t("See transactions"), href="/transactions"),
                ),
                icon="triangle-alert",
                color_scheme="red",
                role="alert",
            ),
        ),
        rx.grid(
            stat_card(N_("Active subscriptions"), F.active_subscriptions, icon="package"),
            stat_card(N_("Licences assigned"), F.licences, F.licences_hint,
                      icon="users"),
            stat_card(N_("Unpaid invoices"), F.unpaid_invoices, F.unpaid_amounts,
                      icon="receipt"),
            stat_card(N_("Next renewal"), F.next_renewal, F.next_renewal_hint,
                      icon="calendar-clock"),
            stat_card(N_("Active contracts"), F.active_contracts, icon="file-text"),
            columns=rx.breakpoints(initial="1", sm="2", lg="3"),
            spacing="4",
            width="100%",
        ),
        rx.card(
            rx.vstack(
                rx.text(t("Licence use"), size="2", weight="medium"),
                rx.progress(value=F.licences_percent, max=100, aria_label=t("Licence use")),
                rx.text(F.licences_percent.to_string(), "%", t(" of bought licences are assigned"),
                        size="1", color_scheme="gray"),
                spacing="2",
                width="100%",
            ),
            width="100%",
        ),
        rx.card(
            rx.vstack(
                rx.text(t("Invoiced per month, last 12 months"), size="2", weight="medium"),
                rx.cond(
                    OverviewState.chart.series.length() > 0,
                    column_chart(OverviewState.chart.months, OverviewState.chart.series,
                                 summary=OverviewState.chart.summary, top=OverviewState.chart.top),
                    rx.text(t("Nothing was invoiced in the last 12 months."), color_scheme="gray", size="2"),
                ),
                rx.text(t("Amounts in whole units of each currency; see Transactions for exact figures."),
                        size="1", color_scheme="gray"),
                spacing="2",
                width="100%",
            ),
            width="100%",
            aria_label=t("Invoiced per month"),
        ),
        spacing="5",
    )
