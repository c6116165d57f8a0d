"""Usage (R-MAU-1..3): the MAU plan's period, its monthly uniques as a chart and a table, and the
detailed report prepared in the background.

The chosen period lives in the URL (``/usage?period=2026-01``), so every view is bookmarkable. The
state holds aggregates only: twelve months of counts and a few figures, never people or events.
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import reflex as rx
from babel.dates import format_date
from sqlmodel import Session

from billing_center import i18n
from billing_center.components.forms import form_text
from billing_center.documents import usage_report
from billing_center.domain import clock
from billing_center.domain.enums import MauMonthState
from billing_center.domain.errors import ValidationFailed
from billing_center.formatting import format_count, format_day, format_moment, format_money
from billing_center.i18n import N_, _
from billing_center.labels import month_state_label
from billing_center.services import usage, usage_keys
from billing_center.services.actors import Actor
from billing_center.states.rows import Option
from billing_center.states.session import FieldErrors, SessionState, event_id, field_setter, signed_in

MONTH_NAMES = [N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"), N_("July"),
               N_("August"), N_("September"), N_("October"), N_("November"), N_("December")]
# The badge colour of each month's state in the table.
MONTH_STATE_COLORS = {MauMonthState.CLOSED: "gray", MauMonthState.OPEN: "amber", MauMonthState.CURRENT: "green",
                      MauMonthState.FUTURE: "gray"}


@dataclasses.dataclass
class KeyRow:
    """One usage API key (never its secret)."""

    id: str
    name: str
    prefix: str
    created: str
    last_used: str
    state: str
    color: str
    active: bool


def key_row(key: usage_keys.KeyRow, locale: str) -> KeyRow:
    return KeyRow(str(key.id), key.name, f"{key.prefix}…", format_day(key.created_at.date(), locale),
                  format_moment(key.last_used_at, locale) if key.last_used_at else "Never",
                  "Revoked" if key.revoked_at else "Active", "gray" if key.revoked_at else "green",
                  key.revoked_at is None)


@dataclasses.dataclass
class MonthRow:
    """One month of the period."""

    month: str
    users: str
    state: str
    color: str


def _period_label(start, end) -> str:
    last = clock.add_months(end, -1)
    return f"{_(MONTH_NAMES[start.month - 1])} {start.year} – {_(MONTH_NAMES[last.month - 1])} {last.year}"


def _current(label: str, current: bool) -> str:
    return _("{period} (current)").format(period=label) if current else label


class UsageState(FieldErrors, SessionState):
    loaded: bool = False
    locked: str = ""
    has_plan: bool = False
    product: str = ""
    timezone: str = ""
    period: str = ""
    period_label: str = ""
    period_options: list[Option] = []
    is_current_period: bool = True
    billed_users: str = "0"
    active_this_month: str = "0"
    not_enrolled: str = "0"
    amount: str = ""
    price: str = ""
    invoice_number: str = ""
    open_months: str = ""
    chart: list[dict] = []
    rows: list[MonthRow] = []

    report_year: str = ""
    report_years: list[Option] = []
    report_months: list[str] = []
    report_busy: bool = False
    report_done: int = 0
    report_total: int = 0
    csv_url: str = ""
    csv_name: str = ""
    pdf_url: str = ""
    pdf_name: str = ""

    keys: list[KeyRow] = []
    new_key: str = ""
    new_key_name: str = ""

    # ``errors`` keys: period (the period in the address), report (the detailed report), key (a new API key)
    field_errors: ClassVar[dict[str, str]] = {"period": "period", "year": "report", "months": "report",
                                              "report": "report", "name": "key"}

    @rx.event
    @signed_in(page=True)
    def load(self, actor: Actor, db: Session):
        self._clear_errors("period", "key")
        self.new_key = self.new_key_name = ""
        self.locked = self._refusal(lambda: self._show(self._summary(actor, db), actor.locale))
        if self.locked:
            self._show(None, actor.locale)  # the page says why instead
        else:
            self._load_keys(actor, db)
        self.loaded = True

    def _summary(self, actor: Actor, db: Session) -> usage.UsageSummary | None:
        """The period the address names; a period that is not one: the current one, and why."""
        wanted = self.router.url.query_parameters.get("period", "")
        try:
            return usage.usage_summary(session=db, actor=actor, period=wanted)
        except ValidationFailed as exc:
            self._service_error(exc)
            return usage.usage_summary(session=db, actor=actor)

    def _load_keys(self, actor: Actor, db: Session) -> None:
        self.keys = [key_row(k, actor.locale) for k in usage_keys.list_keys(session=db, actor=actor)]

    # --- API keys of the ingestion API ------------------------------------------------------------
    @rx.event
    @signed_in
    def create_key(self, actor: Actor, db: Session, form_data: dict):
        self._clear_errors("key")
        new = usage_keys.create_key(session=db, actor=actor, name=form_text(form_data, "key_name"))
        self.new_key, self.new_key_name = new.secret, new.row.name
        self._load_keys(actor, db)
        return [rx.set_value("key_name", ""),
            rx.toast.success(_("Key {name} created. Copy it now.").format(name=new.row.name))]

    @rx.event
    @signed_in
    def hide_new_key(self):
        self.new_key = self.new_key_name = ""

    @rx.event
    @signed_in
    def revoke_key(self, actor: Actor, db: Session, key_id: str):
        row = usage_keys.revoke_key(session=db, actor=actor, key_id=event_id(key_id, "key"))
        self._load_keys(actor, db)
        return rx.toast.success(_("Key {name} is revoked: events sent with it are refused.").format(name=row.name))

    def _show(self, summary: usage.UsageSummary | None, locale: str) -> None:
        self.has_plan = summary is not None
        if summary is None:
            self.rows, self.chart = [], []
            return
        self.product, self.timezone = summary.product, summary.timezone
        self.period = f"{summary.period_start:%Y-%m}"
        self.period_label = _period_label(summary.period_start, summary.period_end)
        self.period_options = [Option(f"{p:%Y-%m}", _current(_period_label(p, clock.add_months(p, usage.PERIOD_MONTHS)),
                                                            i == 0)) for i, p in enumerate(summary.periods)]
        self.is_current_period = summary.period_start == summary.periods[0]
        self.billed_users = format_count(summary.billed_users, locale)
        self.active_this_month = format_count(summary.active_this_month, locale)
        self.not_enrolled = format_count(summary.not_enrolled, locale)
        self.amount = format_money(summary.amount, locale)
        self.price = format_money(summary.price_per_user, locale)
        self.invoice_number = summary.invoice_number or ""
        self.chart = [{"month": format_date(m.month, "MMM yyyy", locale=i18n.current()), "users": m.users}
                      for m in summary.months]
        self.rows = [MonthRow(f"{_(MONTH_NAMES[m.month.month - 1])} {m.month.year}", format_count(m.users, locale),
                              month_state_label(m.state), MONTH_STATE_COLORS[m.state])
                     for m in summary.months]
        open_months = [f"{_(MONTH_NAMES[m.month.month - 1])} {m.month.year}" for m in summary.months
                       if m.state in (MauMonthState.OPEN, MauMonthState.CURRENT)]
        self.open_months = ", ".join(open_months)
        years = sorted({p.year for p in summary.periods} | {clock.add_months(summary.periods[0], 11).year,
                                                            clock.today().year}, reverse=True)
        self.report_years = [Option(str(y), str(y)) for y in years if y <= clock.today().year]
        if not self.report_year:
            self.report_year = str(clock.today().year)
            self.report_months = [str(clock.today().month)]

    @rx.event
    @signed_in
    def choose_period(self, value: str):
        if value in [o.value for o in self.period_options]:
            return rx.redirect(f"/usage?period={value}")

    # --- the detailed report --------------------------------------------------------------------
    set_report_year = field_setter("report_year", clears=("report",))

    @rx.event
    @signed_in
    def toggle_report_month(self, month: str, checked: bool):
        chosen = [m for m in self.report_months if m != month]
        self.report_months = sorted([*chosen, month] if checked else chosen, key=int)
        self._clear_errors("report")

    @rx.event
    @signed_in
    def generate_report(self):
        """Generate: a plain event, so it runs after the person's earlier clicks (a month unticked just
        before), in order; the report itself is built in the background (:meth:`build_report`)."""
        if self.report_busy:
            return None
        if not self.report_year:  # clicked before the page's load chose the defaults: what the person
            self.report_year = str(clock.today().year)  # saw (no month) stays their choice
        self.report_busy, self.report_done, self.report_total = True, 0, 0
        self._clear_errors("report")
        self.csv_url = self.pdf_url = ""
        return UsageState.build_report(self.report_year, list(self.report_months))

    @rx.event(background=True)
    @signed_in
    async def build_report(self, actor: Actor, year: str, months: list[str]):
        try:
            report = await usage_report.prepare_usage_report(
                actor=actor, year=int(year) if str(year).isdigit() else 0,
                months=[int(m) for m in months if str(m).isdigit()], progress=self._report_progress,
                lang=i18n.current())  # the report in the console's language of this session
        finally:
            async with self:
                self.report_busy = False
        async with self:
            self.csv_url, self.csv_name = report.csv.url, report.csv.filename
            self.pdf_url, self.pdf_name = report.pdf.url, report.pdf.filename
        return rx.toast.success(_("Your report is ready: {count} people in {file}.").format(
            count=report.people, file=report.csv.filename))

    async def _report_progress(self, done: int, total: int) -> None:
        async with self:
            self.report_done, self.report_total = done, total

