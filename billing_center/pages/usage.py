"""Usage (R-MAU-1..3): the MAU plan's billed users of a period, a chart and a table of the monthly
unique active users, and the detailed report (CSV and PDF) prepared with progress."""

from __future__ import annotations

import reflex as rx

from billing_center.components.downloads import download_link
from billing_center.components.form_fields import labelled, option_select
from billing_center.components.forms import error_of, labelled_input, submit_button, submit_form
from billing_center.components.i18n import t, tr
from billing_center.components.layout import console_page, empty_state, stat_card
from billing_center.components.ui import (
    confirm_dialog,
    data_table,
    field_error,
    loading,
    locked_notice,
    notice,
    numeric_cell,
    page_section,
    section_card,
    status_badge,
    table_row,
    toolbar,
)
from billing_center.i18n import N_
from billing_center.services.usage import LATE_DAYS
from billing_center.states.usage import MONTH_NAMES, UsageState

S = UsageState
BAR = "#3E63DD"  # indigo 9: 4.9:1 on white


def _period_bar() -> rx.Component:
    return toolbar(
        rx.vstack(
            rx.heading(S.product, size="4", as_="h2"),
            rx.text(t("Period "), rx.text.strong(S.period_label), ". ",
                    t("Months follow your organisation's time zone ("), S.timezone, ").", size="2",
                    color_scheme="gray"),
            spacing="1",
            align="start",
        ),
        rx.spacer(),
        rx.box(
            labelled(N_("Period"), option_select("usage-period", S.period_options, value=S.period,
                                             on_change=S.choose_period), error_of(S, "period")),
            min_width="260px",
        ),
        align="end",
        spacing="4",
    )


def _figures() -> rx.Component:
    return rx.grid(
        stat_card(N_("Billed users in this period"), S.billed_users,
                  rx.text(t("At "), S.price, t(" per user per month: "), S.amount), icon="receipt"),
        stat_card(N_("Users active this month"), S.active_this_month, icon="activity"),
        stat_card(N_("Members not yet enrolled"), S.not_enrolled, N_("Never active under the plan"), icon="user-x"),
        columns=rx.breakpoints(initial="1", sm="3"),
        spacing="4",
        width="100%",
    )


def _chart() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(t("Unique active users per month"), size="3", as_="h2", id="usage-chart-title"),
            rx.box(
                rx.recharts.bar_chart(
                    rx.recharts.cartesian_grid(stroke_dasharray="3 3", vertical=False),
                    rx.recharts.x_axis(data_key="month", tick={"fill": "#1C2024", "fontSize": 12}),
                    rx.recharts.y_axis(allow_decimals=False, tick={"fill": "#1C2024", "fontSize": 12}),
                    rx.recharts.graphing_tooltip(),
                    rx.recharts.bar(
                        rx.recharts.label_list(data_key="users", position="top", fill="#1C2024", font_size=12),
                        data_key="users", name="Unique active users", fill=BAR, radius=[3, 3, 0, 0],
                        is_animation_active=False),
                    data=S.chart,
                    height=280,
                    width="100%",
                ),
                role="img",
                aria_label=t("Bar chart of unique active users per month; the table below gives the same figures."),
                width="100%",
            ),
            rx.text(t("The same figures are in the table below."), size="1", color_scheme="gray"),
            spacing="2",
            width="100%",
        ),
        width="100%",
    )


def _month_row(row) -> rx.Component:
    return table_row(rx.table.row_header_cell(row.month), numeric_cell(row.users), status_badge(row.state, row.color))


def _table() -> rx.Component:
    return page_section(
        N_("Monthly unique active users"),
        data_table([N_("Month"), N_("Unique active users"), N_("Status")], S.rows, _month_row,
                   caption=N_("Unique active users per month of the period"), empty_text=N_("No months to show."),
                   numeric=(N_("Unique active users"),)),
        rx.cond(
            S.open_months != "",
            rx.text(t("Still taking events (late events are accepted for "), str(LATE_DAYS),
                    t(" days after a month ends): "),
                    S.open_months, ".", size="2", color_scheme="gray"),
        ),
        rx.cond(
            S.invoice_number != "",
            rx.text(t("This period was invoiced on "),
                    rx.link(S.invoice_number, href="/invoices/" + S.invoice_number), ".", size="2"),
        ),
        heading_size="3",
    )


def _month_choice(number: int) -> rx.Component:
    value = str(number)
    return rx.checkbox(tr(MONTH_NAMES[number - 1]), checked=S.report_months.contains(value),
                       on_change=lambda checked: S.toggle_report_month(value, checked))


def _report() -> rx.Component:
    return section_card(
        N_("Download detailed report"),
        rx.box(
            labelled(N_("Year"), option_select("report-year", S.report_years, value=S.report_year,
                                           on_change=S.set_report_year)),
            max_width="200px",
        ),
        rx.el.fieldset(
            rx.el.legend(t("Months"), style={"fontSize": "14px", "fontWeight": 500, "marginBottom": "6px"}),
            rx.grid(*[_month_choice(n) for n in range(1, 13)], columns=rx.breakpoints(initial="2", sm="4"),
                    spacing="2"),
            style={"border": "none", "padding": 0, "margin": 0},
        ),
        field_error(error_of(S, "report")),
        rx.hstack(
            rx.button(rx.cond(S.report_busy, rx.spinner(size="2"), rx.icon("file-down", size=16)),
                      t("Generate"), on_click=S.generate_report, disabled=S.report_busy),
            rx.cond(
                S.report_busy,
                rx.hstack(
                    rx.progress(value=S.report_done, max=rx.cond(S.report_total > 0, S.report_total, 1),
                                width="200px", aria_label=t("Report progress")),
                    rx.text(S.report_done, t(" of "), S.report_total, t(" people"), size="2", role="status"),
                    align="center",
                    spacing="2",
                ),
            ),
            align="center",
            spacing="3",
        ),
        rx.cond(
            S.csv_url != "",
            rx.hstack(
                download_link(rx.icon("file-spreadsheet", size=16), S.csv_name, href=S.csv_url,
                              label=t("Download the report as CSV")),
                download_link(rx.icon("file-text", size=16), S.pdf_name, href=S.pdf_url,
                              label=t("Download the report as PDF")),
                spacing="5",
            ),
        ),
        description=N_("Monthly unique active users and, per person, the months they were active: a CSV, and a PDF "
                       "with the chart and the table."),
        heading_size="3",
        align="start",
    )


def _key_row(row) -> rx.Component:
    return table_row(
        rx.table.row_header_cell(row.name), rx.code(row.prefix), row.created, row.last_used,
        status_badge(row.state, row.color),
        rx.cond(
            row.active,
            confirm_dialog(
                trigger=rx.button(rx.icon("key-round", size=14), t("Revoke"), size="1", variant="soft",
                                  color_scheme="red", aria_label=t("Revoke key ") + row.name),
                title=N_("Revoke this key?"),
                description=rx.text(t("Events sent with "), row.name, " (", row.prefix, t(") will be refused from now "
                                    "on. Events it sent before keep counting.")),
                confirm_label=N_("Revoke"),
                on_confirm=S.revoke_key(row.id),
            ),
        ),
    )


def _new_key() -> rx.Component:
    """The key just created, to copy: it is shown only this once."""
    return notice(
        rx.vstack(
            rx.text(t("Copy the key "), rx.text.strong(S.new_key_name), t(" now: it is shown only this once.")),
            rx.hstack(
                rx.input(value=S.new_key, read_only=True, aria_label=t("New API key"), width="460px",
                         font_family="monospace"),
                rx.button(rx.icon("copy", size=14), t("Copy"), variant="soft",
                          on_click=[rx.set_clipboard(S.new_key), rx.toast.success("Key copied.")]),
                rx.button(t("Done"), variant="ghost", on_click=S.hide_new_key),
                spacing="2",
                align="center",
            ),
            spacing="2",
        ),
        icon="key-round",
        color="green",
    )


def _keys() -> rx.Component:
    return section_card(
        N_("API keys for usage events"),
        rx.text(t("Your learning platform sends activity to "), rx.code(t("POST /api/usage/events")),
                t(" with one of these keys (described at "),
                rx.link(t("/api/openapi.json"), href="/api/openapi.json", is_external=True), ").", size="2",
                color_scheme="gray"),
        submit_form(
            rx.hstack(
                rx.box(labelled_input(N_("Key name"), "key_name", error_of(S, "key"),
                                      hint=N_("For example the system that sends the events.")), width="320px"),
                submit_button(rx.icon("plus", size=16), t("Create key"), size="3"),
                align="center",
                spacing="3",
            ),
            on_submit=S.create_key,
            width="auto",
        ),
        rx.cond(S.new_key != "", _new_key()),
        data_table([N_("Name"), N_("Key"), N_("Created"), N_("Last used"), N_("Status"), N_("Action")], S.keys,
                   _key_row, caption=N_("Usage API keys"),
                   empty_text=N_("No keys yet: create one for the system that sends usage events.")),
        heading_size="3",
        align="start",
    )


def _content() -> rx.Component:
    return rx.cond(
        S.has_plan,
        rx.vstack(_period_bar(), _figures(), _chart(), _table(), _report(), _keys(), spacing="5",
                  width="100%"),
        empty_state("chart-column", N_("No MAU plan"),
                    N_("Your organisation has no monthly-active-users plan; "
                       "its usage will show here once one is active.")),
    )


def usage_page() -> rx.Component:
    return console_page(
        N_("Usage"),
        loading(S.loaded, rx.cond(S.locked != "", locked_notice(S.locked), _content()), size="3",
                label=N_("Loading usage")),
    )
