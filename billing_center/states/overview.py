"""Overview: account status and the organisation's key figures."""

from __future__ import annotations

import reflex as rx

from billing_center.db import session_scope
from billing_center.formatting import format_day, format_money
from billing_center.domain.money import exponent
from billing_center.services.overview import get_overview, invoiced_per_month
from billing_center.states.session import SessionState

ACCOUNT_STATUS = {
    "trial": ("Trial", "blue"),
    "active": ("Active", "green"),
    "inactive": ("Inactive", "red"),
    "activation_required": ("Activation required", "amber"),
}


class OverviewState(SessionState):
    account_status: str = ""
    account_status_color: str = "gray"
    active_subscriptions: str = ""
    licences: str = ""
    licences_hint: str = ""
    licences_percent: int = 0
    active_contracts: str = ""
    unpaid_invoices: str = ""
    unpaid_amounts: str = ""
    overdue_invoices: int = 0
    overdue_message: str = ""
    next_renewal: str = ""
    next_renewal_hint: str = ""
    loaded: bool = False
    # Chart rows: {"month": "nov 26", "USD": 320, "EUR": 552} in whole currency units (display only).
    invoiced_chart: list[dict] = []
    chart_currencies: list[str] = []

    @rx.event
    def load(self):
        actor = self._actor()
        if actor is None:
            return self._to_sign_in()
        self._show_actor(actor)
        with session_scope() as session:
            figures = get_overview(session=session, actor=actor)
        locale = actor.locale
        label, color = ACCOUNT_STATUS.get(figures.account_status, (figures.account_status, "gray"))
        self.account_status, self.account_status_color = label, color
        self.active_subscriptions = str(figures.active_subscriptions)
        self.licences = f"{figures.licences_assigned} of {figures.licences_total}"
        free = figures.licences_total - figures.licences_assigned
        self.licences_hint = f"{free} available to assign"
        self.licences_percent = (
            round(100 * figures.licences_assigned / figures.licences_total) if figures.licences_total else 0
        )
        self.active_contracts = str(figures.active_contracts)
        self.unpaid_invoices = str(figures.unpaid_invoices)
        self.unpaid_amounts = (
            " + ".join(format_money(m, locale) for m in figures.unpaid_amounts) or "Nothing to pay"
        )
        self.overdue_invoices = figures.overdue_invoices
        self.overdue_message = (
            "1 invoice is past its due date. " if figures.overdue_invoices == 1
            else f"{figures.overdue_invoices} invoices are past their due date. "
        )
        if figures.next_renewal:
            renewal = figures.next_renewal
            self.next_renewal = format_day(renewal.on, locale)
            self.next_renewal_hint = f"{renewal.product} ({'auto-renews' if renewal.auto_renew else 'ends'})"
        else:
            self.next_renewal, self.next_renewal_hint = "None", "No live subscription renews"
        with session_scope() as session:
            months = invoiced_per_month(session=session, actor=actor)
        currencies = sorted({c for m in months for c in m.amounts})
        self.chart_currencies = currencies
        self.invoiced_chart = [
            {"month": format_day(m.month, locale, "MMM yy"),
             **{c: m.amounts.get(c, 0) // 10 ** exponent(c) for c in currencies}}
            for m in months
        ]
        self.loaded = True
