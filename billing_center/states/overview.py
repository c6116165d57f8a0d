"""Overview: account status and the organisation's key figures."""

from __future__ import annotations

import dataclasses

import reflex as rx
from sqlmodel import Session

from billing_center.domain.enums import AccountStatus
from billing_center.domain.money import exponent
from billing_center.formatting import format_day, format_money
from billing_center.i18n import _, ngettext
from billing_center.labels import status_label
from billing_center.services.actors import Actor
from billing_center.services.overview import Overview, get_overview, invoiced_per_month
from billing_center.states.rows import blank
from billing_center.states.session import SessionState, signed_in

# The account badge stands alone at the top of the page: stronger colours than a table's status badges.
ACCOUNT_STATUS_COLORS = {
    AccountStatus.TRIAL: "blue",
    AccountStatus.ACTIVE: "green",
    AccountStatus.INACTIVE: "red",
    AccountStatus.ACTIVATION_REQUIRED: "amber",
}


@dataclasses.dataclass
class OverviewFigures:
    """The organisation's key figures as the Overview's cards state them (:func:`overview_figures`)."""

    account_status: str
    account_status_color: str
    active_subscriptions: str
    licences: str
    licences_hint: str
    licences_percent: int
    active_contracts: str
    unpaid_invoices: str
    unpaid_amounts: str
    overdue_invoices: int
    overdue_message: str
    next_renewal: str
    next_renewal_hint: str


def overview_figures(figures: Overview, locale: str) -> OverviewFigures:
    free = figures.licences_total - figures.licences_assigned
    renewal = figures.next_renewal
    return OverviewFigures(
        account_status=status_label(figures.account_status),
        account_status_color=ACCOUNT_STATUS_COLORS.get(figures.account_status, "gray"),
        active_subscriptions=str(figures.active_subscriptions),
        licences=_("{assigned} of {total}").format(assigned=figures.licences_assigned, total=figures.licences_total),
        licences_hint=_("{count} available to assign").format(count=free),
        licences_percent=round(100 * figures.licences_assigned / figures.licences_total)
        if figures.licences_total else 0,
        active_contracts=str(figures.active_contracts),
        unpaid_invoices=str(figures.unpaid_invoices),
        unpaid_amounts=" + ".join(format_money(m, locale) for m in figures.unpaid_amounts) or _("Nothing to pay"),
        overdue_invoices=figures.overdue_invoices,
        overdue_message=ngettext("{count} invoice is past its due date. ",
                                 "{count} invoices are past their due date. ",
                                 figures.overdue_invoices).format(count=figures.overdue_invoices),
        next_renewal=format_day(renewal.on, locale) if renewal else _("None"),
        next_renewal_hint=((_("{product} (auto-renews)") if renewal.auto_renew else _("{product} (ends)")).format(
            product=renewal.product) if renewal else _("No live subscription renews")))


class OverviewState(SessionState):
    figures: OverviewFigures = blank(OverviewFigures, account_status_color="gray")
    loaded: bool = False
    # Chart rows: {"month": "nov 26", "USD": 320, "EUR": 552} in whole currency units (display only).
    invoiced_chart: list[dict] = []
    chart_currencies: list[str] = []

    @rx.event
    @signed_in(page=True, read_only=True)
    def load(self, actor: Actor, db: Session):
        locale = actor.locale
        self.figures = overview_figures(get_overview(session=db, actor=actor), locale)
        months = invoiced_per_month(session=db, actor=actor)
        currencies = sorted({c for m in months for c in m.amounts})
        self.chart_currencies = currencies
        self.invoiced_chart = [
            {"month": format_day(m.month, locale, "MMM yy"),
             **{c: m.amounts.get(c, 0) // 10 ** exponent(c) for c in currencies}}
            for m in months
        ]
        self.loaded = True
