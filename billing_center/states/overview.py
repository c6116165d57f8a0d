"""Overview: account status and the organisation's key figures."""

from __future__ import annotations

import dataclasses

import reflex as rx
from sqlmodel import Session

from billing_center.domain.enums import AccountStatus
from billing_center.domain.money import Money, exponent
from billing_center.formatting import format_day, format_money
from billing_center.i18n import _, ngettext
from billing_center.labels import status_label
from billing_center.services.actors import Actor
from billing_center.services.overview import MonthTotal, Overview, get_overview, invoiced_per_month
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


SERIES_COLORS = ("#3E63DD", "#12A594", "#E54666")  # indigo, teal, ruby (step 9): one per currency


@dataclasses.dataclass
class ChartSeries:
    name: str
    color: str


@dataclasses.dataclass
class ChartBar:
    height: str  # of the plot, "0%" to "100%"
    color: str
    tip: str  # "EUR 1.234,00"


@dataclasses.dataclass
class ChartMonth:
    label: str
    bars: list[ChartBar]


@dataclasses.dataclass
class InvoicedChart:
    """Invoiced per month (``components/charts.py``): one bar per currency, on one scale of whole units."""

    months: list[ChartMonth]
    series: list[ChartSeries]
    top: str  # the tallest bar's amount
    summary: str  # the text alternative: every month's amounts


def invoiced_chart(months: list[MonthTotal], locale: str) -> InvoicedChart:
    currencies = sorted({c for m in months for c in m.amounts})
    colors = dict(zip(currencies, SERIES_COLORS * len(currencies), strict=False))
    whole = {(m.month, c): m.amounts.get(c, 0) // 10 ** exponent(c) for m in months for c in currencies}
    tallest = max(whole, key=whole.get, default=None)  # (month, currency) of the tallest bar
    highest = whole[tallest] if tallest else 0

    def amount(m: MonthTotal, c: str) -> str:
        return format_money(Money(m.amounts.get(c, 0), c), locale)

    rows = [ChartMonth(format_day(m.month, locale, "MMM yy"), [
        ChartBar(f"{whole[m.month, c] * 100 // highest if highest > 0 else 0}%", colors[c], amount(m, c))
        for c in currencies]) for m in months]
    summary = "; ".join(f"{format_day(m.month, locale, 'MMMM y')}: {', '.join(amount(m, c) for c in currencies)}"
                        for m in months)
    top = amount(next(m for m in months if m.month == tallest[0]), tallest[1]) if tallest else ""
    return InvoicedChart(rows, [ChartSeries(c, colors[c]) for c in currencies], top,
                         _("Invoiced per month") + ". " + summary)


class OverviewState(SessionState):
    figures: OverviewFigures = blank(OverviewFigures, account_status_color="gray")
    loaded: bool = False
    chart: InvoicedChart = InvoicedChart([], [], "", "")

    @rx.event
    @signed_in(page=True, read_only=True)
    def load(self, actor: Actor, db: Session):
        self.figures = overview_figures(get_overview(session=db, actor=actor), actor.locale)
        self.chart = invoiced_chart(invoiced_per_month(session=db, actor=actor), actor.locale)
        self.loaded = True
