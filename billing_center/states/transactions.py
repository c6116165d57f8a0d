"""Transactions (R-INV-1, R-INV-2): the filtered, server-paginated list of invoices.

The filter lives in the URL (``period=3m|6m|custom&from=&to=&status=&contract=&sort=``): changing a
filter navigates to the new URL and ``load`` reads it back, so every view is bookmarkable. The state
holds one page of formatted rows and the keyset cursors of the pages visited, never the whole list.
"""

from __future__ import annotations

import asyncio
import io
import zipfile
from urllib.parse import urlencode

import reflex as rx

from billing_center.api.downloads import forget_old_exports, store_export
from billing_center.components.ui import status_color
from billing_center.db import session_scope
from billing_center.documents import files
from billing_center.domain import clock
from billing_center.domain.errors import Forbidden, NotFound, ValidationFailed
from billing_center.formatting import format_day, format_money
from billing_center.services import contracts as contract_service
from billing_center.services import transactions as tx
from billing_center.states.session import SessionState

STATUS_LABELS = {"paid": "Paid", "unpaid": "Unpaid", "overdue": "Overdue", "void": "Void", "draft": "Draft"}
ALL = "all"
ZIP_CHUNK = 10


def invoice_row(row: tx.InvoiceRow, locale: str) -> dict[str, str]:
    return {
        "number": row.number,
        "href": f"/invoices/{row.number}",
        "pdf": f"/api/invoices/{row.number}.pdf",
        "status": STATUS_LABELS.get(row.status, row.status),
        "color": status_color(row.status),
        "issue": format_day(row.issue_date, locale),
        "due": format_day(row.due_date, locale),
        "payment": row.payment_method,
        "contract": row.contract or "—",
        "total": format_money(row.total, locale),
        "credit_notes": ", ".join(row.credit_notes),
        "credited": ("Credited " + format_money(row.credited, locale)) if row.credited else "",
    }


class TransactionsState(SessionState):
    period: str = "3m"
    date_from: str = ""
    date_to: str = ""
    status: str = ALL
    contract: str = ALL
    sort: str = "issue_desc"
    range_label: str = ""
    contract_options: list[str] = []

    rows: list[dict[str, str]] = []
    count: int = 0
    page_no: int = 1
    has_next: bool = False
    _cursors: list[str] = []  # cursor of each visited page ("" = the first)
    _next: str = ""
    selected: list[str] = []

    from_error: str = ""
    to_error: str = ""
    filter_error: str = ""
    csv_href: str = "/api/invoices/export.csv"
    loaded: bool = False

    zip_busy: bool = False
    zip_done: int = 0
    zip_total: int = 0

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

    def _fetch(self, actor, cursor: str) -> None:
        flt = self._filter_from_fields()
        with session_scope() as session:
            page = tx.list_invoices(session=session, actor=actor, flt=flt, cursor=cursor or None)
            if not cursor:
                self.count = tx.count_invoices(session=session, actor=actor, flt=flt)
        self.rows = [invoice_row(r, actor.locale) for r in page.rows]
        self._next = page.next_cursor or ""
        self.has_next = page.next_cursor is not None

    @rx.event
    def load(self):
        actor = self._actor()
        if actor is None:
            return self._to_sign_in()
        self._show_actor(actor)
        self.from_error = self.to_error = self.filter_error = ""
        params = dict(self.router.url.query_parameters)
        try:
            flt = tx.parse_filter(params)
        except ValidationFailed as exc:
            self._field_error(exc)
            flt = tx.InvoiceFilter()
        try:
            with session_scope() as session:
                self.contract_options = [c.number for c in
                                         contract_service.list_contracts(session=session, actor=actor)]
        except Forbidden as exc:
            self.filter_error, self.rows, self.count, self.loaded = exc.message, [], 0, True
            return
        self._show_filter(flt, actor.locale)
        self._cursors, self.page_no, self.selected = [""], 1, []
        self._fetch(actor, "")
        self.loaded = True

    def _field_error(self, exc: ValidationFailed) -> None:
        if exc.field == "from":
            self.from_error = exc.message
        elif exc.field == "to":
            self.to_error = exc.message
        else:
            self.filter_error = exc.message

    def _go(self, flt: tx.InvoiceFilter):
        return rx.redirect("/transactions?" + urlencode(flt.query()))

    # --- filters ---------------------------------------------------------------------------------
    @rx.event
    def set_period(self, value: str):
        if value not in tx.PERIODS:
            return
        self.period = value
        self.from_error = self.to_error = ""
        if value == "custom":
            return  # the date fields appear; Apply navigates
        return self._apply()

    @rx.event
    def set_date_from(self, value: str):
        self.date_from = value
        self.from_error = ""

    @rx.event
    def set_date_to(self, value: str):
        self.date_to = value
        self.to_error = ""

    @rx.event
    def set_status(self, value: str):
        self.status = value if value in (ALL, *tx.STATUSES) else ALL
        return self._apply()

    @rx.event
    def set_contract(self, value: str):
        self.contract = value if value == ALL or value in self.contract_options else ALL
        return self._apply()

    @rx.event
    def set_sort(self, value: str):
        self.sort = value if value in tx.SORTS else "issue_desc"
        return self._apply()

    @rx.event
    def apply_range(self):
        return self._apply()

    def _apply(self):
        self.from_error = self.to_error = self.filter_error = ""
        try:
            flt = self._filter_from_fields()
        except ValidationFailed as exc:
            self._field_error(exc)
            return
        return self._go(flt)

    # --- pages ----------------------------------------------------------------------------------
    @rx.event
    def next_page(self):
        actor = self._actor()
        if actor is None:
            return self._to_sign_in()
        if not self._next:
            return
        cursor = self._next
        self._fetch(actor, cursor)
        self._cursors = [*self._cursors, cursor]
        self.page_no = len(self._cursors)

    @rx.event
    def previous_page(self):
        actor = self._actor()
        if actor is None:
            return self._to_sign_in()
        if len(self._cursors) <= 1:
            return
        self._cursors = self._cursors[:-1]
        self._fetch(actor, self._cursors[-1])
        self.page_no = len(self._cursors)

    # --- selection ----------------------------------------------------------------------------
    @rx.event
    def toggle_selected(self, number: str, checked: bool):
        if checked and number not in self.selected:
            self.selected = [*self.selected, number]
        elif not checked:
            self.selected = [n for n in self.selected if n != number]

    @rx.event
    def toggle_page(self, checked: bool):
        on_page = [r["number"] for r in self.rows]
        if checked:
            self.selected = list(dict.fromkeys([*self.selected, *on_page]))
        else:
            self.selected = [n for n in self.selected if n not in on_page]

    @rx.event
    def clear_selection(self):
        self.selected = []

    # --- ZIP downloads (prepared in the background with progress) -------------------------------
    @rx.event(background=True)
    async def download_selected(self):
        async with self:
            numbers = list(self.selected)
        return await self._prepare_zip(numbers=numbers, everything=False)

    @rx.event(background=True)
    async def download_all(self):
        return await self._prepare_zip(numbers=[], everything=True)

    async def _prepare_zip(self, *, numbers: list[str], everything: bool):
        async with self:
            if self.zip_busy:
                return
            actor = self._actor()
            if actor is None:
                return self._to_sign_in()
            try:
                flt = self._filter_from_fields() if everything else None
            except ValidationFailed as exc:
                self._field_error(exc)
                return
            self.zip_busy, self.zip_done, self.zip_total = True, 0, 0

        def resolve():
            with session_scope() as session:
                return files.resolve_numbers(session=session, actor=actor, numbers=numbers, flt=flt)

        try:
            wanted = await asyncio.to_thread(resolve)
        except (ValidationFailed, NotFound) as exc:
            async with self:
                self.zip_busy = False
            return rx.toast.error(exc.message)
        async with self:
            self.zip_total = len(wanted)
        buffer = io.BytesIO()
        archive = zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED)

        def render(chunk: list[str]) -> None:
            with session_scope() as session:
                for number in chunk:
                    file = files.invoice_pdf(session=session, actor=actor, number=number)
                    archive.writestr(file.filename, file.content)

        try:
            for start in range(0, len(wanted), ZIP_CHUNK):
                chunk = wanted[start:start + ZIP_CHUNK]
                await asyncio.to_thread(render, chunk)
                async with self:
                    self.zip_done = start + len(chunk)
            archive.close()
            forget_old_exports()
            token = store_export(actor=actor, file=files.File("invoices.zip", buffer.getvalue(), "application/zip"))
        finally:
            async with self:
                self.zip_busy = False
        return [rx.download(url=f"/api/exports/{token}", filename="invoices.zip"),
                rx.toast.success(f"{len(wanted)} invoice PDF(s) are ready in invoices.zip.")]
