"""Transactions (R-INV-1, R-INV-2): the filtered, server-paginated list of invoices.

The filter lives in the URL (``period=3m|6m|custom&from=&to=&status=&contract=&sort=``), so every view
is bookmarkable: ``load`` reads it, and a filter changed on the page shows its first page in the same
event and only puts the new URL in the address bar (no route change, no second load). The state
holds one page of formatted rows and the keyset cursors of the pages visited, never the whole list.
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar
from urllib.parse import urlencode

import reflex as rx
from sqlmodel import Session

from billing_center.components.ui import status_color
from billing_center.documents import exports
from billing_center.domain import clock
from billing_center.domain.errors import Forbidden, ValidationFailed
from billing_center.formatting import format_day, format_money
from billing_center.i18n import ngettext, translate_error
from billing_center.labels import status_label
from billing_center.services import contracts as contract_service
from billing_center.services import transactions as tx
from billing_center.services.actors import Actor
from billing_center.states.paging import KeysetPages
from billing_center.states.session import FieldErrors, SessionState, field_setter, signed_in

ALL = "all"


@dataclasses.dataclass
class InvoiceRow:
    """One invoice of the list."""

    number: str
    href: str
    pdf: str
    status: str
    color: str
    issue: str
    due: str
    payment: str
    contract: str
    total: str
    credit_notes: str
    credited: str


def invoice_row(row: tx.InvoiceRow, locale: str) -> InvoiceRow:
    return InvoiceRow(
        number=row.number, href=f"/invoices/{row.number}", pdf=f"/api/invoices/{row.number}.pdf",
        status=status_label(row.status), color=status_color(row.status),
        issue=format_day(row.issue_date, locale), due=format_day(row.due_date, locale),
        payment=row.payment_method, contract=row.contract or "—", total=format_money(row.total, locale),
        credit_notes=", ".join(row.credit_notes),
        credited=("Credited " + format_money(row.credited, locale)) if row.credited else "",
    )


class TransactionsState(KeysetPages, FieldErrors, SessionState):
    period: str = "3m"
    date_from: str = ""
    date_to: str = ""
    status: str = ALL
    contract: str = ALL
    sort: str = "issue_desc"
    range_label: str = ""
    contract_options: list[str] = []

    rows: list[InvoiceRow] = []
    count: int = 0
    selected: list[str] = []

    csv_href: str = "/api/invoices/export.csv"
    loaded: bool = False

    zip_busy: bool = False
    zip_with_xml: bool = False  # put each invoice's UBL XML beside its PDF (issue 12)
    zip_done: int = 0
    zip_total: int = 0

    leave_resets: ClassVar[tuple[str, ...]] = ("period", "status", "contract", "sort", "date_from", "date_to")

    # A filter refused in the URL or the fields shows at its field (``errors`` keys: from, to and filter, the
    # others); a refused ZIP is a toast.
    field_errors: ClassVar[dict[str, str]] = {"from": "from", "to": "to", "period": "filter", "status": "filter",
                                              "sort": "filter", "cursor": "filter"}

    # --- loading -------------------------------------------------------------------------------
    def _filter_from_fields(self) -> tx.InvoiceFilter:
        return tx.parse_filter({
            "period": self.period, "from": self.date_from, "to": self.date_to,
            "status": "" if self.status == ALL else self.status,
            "contract": "" if self.contract == ALL else self.contract, "sort": self.sort,
        })

    def _show_filter(self, flt: tx.InvoiceFilter, locale: str) -> None:
        self.period = flt.period
        self.status = flt.status or ALL
        self.contract = flt.contract or ALL
        self.sort = flt.sort
        start, end = flt.range()
        if flt.period == "custom":
            self.date_from = flt.date_from.isoformat() if flt.date_from else ""
            self.date_to = flt.date_to.isoformat() if flt.date_to else ""
        else:
            self.date_from, self.date_to = (start.isoformat() if start else ""), clock.today().isoformat()
        self.range_label = f"{format_day(start, locale)} – {format_day(end or clock.today(), locale)}"
        self.csv_href = "/api/invoices/export.csv?" + urlencode(flt.query())

    def _fetch(self, actor: Actor, db: Session, cursor: str) -> None:
        flt = self._filter_from_fields()
        page = tx.list_invoices(session=db, actor=actor, flt=flt, cursor=cursor or None)
        if not cursor:
            self.count = tx.count_invoices(session=db, actor=actor, flt=flt)
        self.rows = [invoice_row(r, actor.locale) for r in page.rows]
        self._page_shown(page.next_cursor)

    @rx.event
    @signed_in(page=True, read_only=True)
    def load(self, actor: Actor, db: Session):
        self._clear_errors("from", "to", "filter")
        try:
            flt = tx.parse_filter(dict(self.router.url.query_parameters))
        except ValidationFailed as exc:
            self._service_error(exc)
            flt = tx.InvoiceFilter()
        try:
            self.contract_options = [c.number for c in contract_service.list_contracts(session=db, actor=actor)]
        except Forbidden as exc:
            self.rows, self.count, self.loaded = [], 0, True
            self._show_error("filter", translate_error(exc))
            return
        self._show_filter(flt, actor.locale)
        self.selected = []
        self._first_page(actor, db)
        self.loaded = True

    @rx.event
    def leave(self):
        """The page is left: its filters back to their defaults for the tab's next visit (see _reset_vars)."""
        self._reset_vars(*self.leave_resets)
        self._clear_errors("from", "to")

    # --- filters ---------------------------------------------------------------------------------
    # Read-only events: a filter change reads the new first page and writes nothing.
    @rx.event
    @signed_in(read_only=True)
    def set_period(self, actor: Actor, db: Session, value: str):
        if value not in tx.PERIODS:
            return
        self.period = value
        self._clear_errors("from", "to")
        if value == "custom":
            return  # the date fields appear; Apply shows the range
        return self._apply(actor, db)

    set_date_from = field_setter("date_from", clears=("from",))
    set_date_to = field_setter("date_to", clears=("to",))

    @rx.event
    @signed_in(read_only=True)
    def set_status(self, actor: Actor, db: Session, value: str):
        self.status = value if value in (ALL, *tx.STATUSES) else ALL
        return self._apply(actor, db)

    @rx.event
    @signed_in(read_only=True)
    def set_contract(self, actor: Actor, db: Session, value: str):
        self.contract = value if value == ALL or value in self.contract_options else ALL
        return self._apply(actor, db)

    @rx.event
    @signed_in(read_only=True)
    def set_sort(self, actor: Actor, db: Session, value: str):
        self.sort = value if value in tx.SORTS else "issue_desc"
        return self._apply(actor, db)

    @rx.event
    @signed_in(read_only=True)
    def apply_range(self, actor: Actor, db: Session):
        return self._apply(actor, db)

    def _apply(self, actor: Actor, db: Session):
        """The fields' filter from its first page, its URL in the address bar (``_first_page_at``)."""
        self._clear_errors("from", "to", "filter")
        try:
            flt = self._filter_from_fields()
        except ValidationFailed as exc:
            return self._service_error(exc)
        self._show_filter(flt, actor.locale)
        self.selected = []
        return self._first_page_at(actor, db, "/transactions?" + urlencode(flt.query()))

    # --- selection ----------------------------------------------------------------------------
    @rx.event
    def toggle_selected(self, number: str, checked: bool):
        if checked and number not in self.selected:
            self.selected = [*self.selected, number]
        elif not checked:
            self.selected = [n for n in self.selected if n != number]

    @rx.event
    def toggle_page(self, checked: bool):
        on_page = [r.number for r in self.rows]
        if checked:
            self.selected = list(dict.fromkeys([*self.selected, *on_page]))
        else:
            self.selected = [n for n in self.selected if n not in on_page]

    @rx.event
    def clear_selection(self):
        self.selected = []

    @rx.event
    def set_zip_with_xml(self, checked: bool):
        self.zip_with_xml = bool(checked)

    # --- ZIP downloads (prepared in the background with progress) -------------------------------
    @rx.event(background=True)
    @signed_in
    async def download_selected(self, actor: Actor):
        async with self:
            numbers = list(self.selected)
        return await self._prepare_zip(actor, numbers=numbers, flt=None)

    @rx.event(background=True)
    @signed_in
    async def download_all(self, actor: Actor):
        async with self:
            flt = self._filter_from_fields()
        return await self._prepare_zip(actor, numbers=[], flt=flt)

    async def _prepare_zip(self, actor: Actor, *, numbers: list[str], flt: tx.InvoiceFilter | None):
        async with self:
            if self.zip_busy:
                return
            self.zip_busy, self.zip_done, self.zip_total = True, 0, 0
            with_xml = self.zip_with_xml
        try:
            export = await exports.prepare_invoices_zip(actor=actor, numbers=numbers, flt=flt,
                                                        progress=self._zip_progress, with_xml=with_xml)
        finally:
            async with self:
                self.zip_busy = False
        return [rx.download(url=export.url, filename=export.filename),
                rx.toast.success(
                    (ngettext("{count} invoice PDF with its XML is ready in {file}.",
                              "{count} invoice PDFs with their XML are ready in {file}.", export.count)
                     if with_xml else
                     ngettext("{count} invoice PDF is ready in {file}.",
                              "{count} invoice PDFs are ready in {file}.", export.count)).format(
                        count=export.count, file=export.filename))]

    async def _zip_progress(self, done: int, total: int) -> None:
        async with self:
            self.zip_done, self.zip_total = done, total
