"""One invoice (R-INV-3) with its credit notes (R-INV-4) and the subscription's billing history."""

from __future__ import annotations

import reflex as rx

from billing_center.components.ui import status_color
from billing_center.db import session_scope
from billing_center.documents.builders import rate_text
from billing_center.domain.errors import Conflict, Forbidden, NotFound, ServiceError, ValidationFailed
from billing_center.domain.money import Money
from billing_center.formatting import format_day, format_money
from billing_center.services import credit_notes as credit_service
from billing_center.services import transactions as tx
from billing_center.states.contracts import last_segment
from billing_center.states.session import SessionState
from billing_center.states.transactions import STATUS_LABELS


def _period(start, end, locale) -> str:
    if start and end:
        return f"{format_day(start, locale)} – {format_day(end, locale)}"
    return "—"


class InvoiceState(SessionState):
    invoice_number: str = ""
    found: bool = False
    status: str = ""
    status_color: str = "gray"
    period: str = ""
    order_number: str = ""
    contract_number: str = ""
    issue: str = ""
    due: str = ""
    payment_method: str = ""
    previous_balance: str = ""
    subtotal: str = ""
    tax: str = ""
    total: str = ""
    credited: str = ""
    has_credit: bool = False
    balance: str = ""
    reverse_charge: bool = False
    pdf: str = ""
    lines: list[dict[str, str]] = []
    credit_notes: list[dict[str, str]] = []
    history: list[dict[str, str]] = []
    can_credit: bool = False
    loaded: bool = False

    # credit note form
    cn_open: bool = False
    cn_full: bool = True
    cn_quantities: dict[str, str] = {}
    cn_reason: str = ""
    cn_reason_error: str = ""
    cn_quantity_error: str = ""
    cn_preview: str = ""
    cn_busy: bool = False

    @rx.event
    def load(self):
        actor = self._actor()
        if actor is None:
            return self._to_sign_in()
        self._show_actor(actor)
        self.invoice_number = last_segment(self.router.url.path)
        self.cn_open = False
        self._reload(actor)

    def _reload(self, actor) -> None:
        try:
            with session_scope() as session:
                d = tx.get_invoice(session=session, actor=actor, number=self.invoice_number)
        except (NotFound, Forbidden):
            self.found, self.lines, self.credit_notes, self.history, self.loaded = False, [], [], [], True
            return
        loc = actor.locale
        self.found = True
        self.status = STATUS_LABELS.get(d.status, d.status)
        self.status_color = status_color(d.status)
        self.period = _period(d.period_start, d.period_end, loc)
        self.order_number = d.order_number or "—"
        self.contract_number = d.contract_number
        self.issue, self.due = format_day(d.issue_date, loc), format_day(d.due_date, loc)
        self.payment_method = d.payment_method
        self.previous_balance = format_money(d.previous_balance, loc)
        self.subtotal, self.tax, self.total = (format_money(d.subtotal, loc), format_money(d.tax, loc),
                                               format_money(d.total, loc))
        self.credited = format_money(-d.credited, loc)
        self.has_credit = d.credited.amount_minor != 0
        self.balance = format_money(d.balance, loc)
        self.reverse_charge = d.reverse_charge
        self.pdf = f"/api/invoices/{d.number}.pdf"
        self.lines = [
            {"id": str(ln.id), "product": ln.product, "description": ln.description, "quantity": str(ln.quantity),
             "unit": format_money(ln.unit_price, loc), "amount": format_money(ln.amount, loc),
             "vat": rate_text(ln.tax_rate_bp, loc), "creditable": str(ln.creditable_quantity)}
            for ln in d.lines
        ]
        self.credit_notes = [
            {"number": n.number, "date": format_day(n.issue_date, loc), "reason": n.reason,
             "total": format_money(-n.total, loc), "pdf": f"/api/credit-notes/{n.number}.pdf"}
            for n in d.credit_notes
        ]
        self.history = [
            {"number": h.number, "href": f"/invoices/{h.number}", "period": _period(*h.period, loc),
             "issue": format_day(h.issue_date, loc), "status": STATUS_LABELS.get(h.status, h.status),
             "color": status_color(h.status), "total": format_money(h.total, loc),
             "current": "yes" if h.number == d.number else ""}
            for h in d.history
        ]
        self.can_credit = actor.is_billing_admin and d.status != "void" and d.credited < d.total
        self.loaded = True

    # --- credit note form ---------------------------------------------------------------------
    @rx.event
    def open_credit_form(self):
        self.cn_open = True
        self.cn_full = True
        self.cn_quantities = {ln["id"]: ln["creditable"] for ln in self.lines}
        self.cn_reason = ""
        self.cn_reason_error = self.cn_quantity_error = ""
        return self._preview()

    @rx.event
    def close_credit_form(self):
        self.cn_open = False

    @rx.event
    def set_cn_full(self, checked: bool):
        self.cn_full = bool(checked)
        return self._preview()

    @rx.event
    def set_cn_quantity(self, line_id: str, value: str):
        self.cn_quantities = {**self.cn_quantities, line_id: value}
        return self._preview()

    @rx.event
    def set_cn_reason(self, value: str):
        self.cn_reason = value
        self.cn_reason_error = ""

    def _request(self) -> list[credit_service.CreditLine]:
        result = []
        for line_id, text in self.cn_quantities.items():
            text = (text or "").strip()
            if text == "":
                continue
            if not text.lstrip("-").isdigit():
                raise ValidationFailed("quantity", "Enter a whole number of units.")
            result.append(credit_service.CreditLine(int(line_id), int(text)))
        return result

    def _preview(self):
        actor = self._actor()
        if actor is None:
            return self._to_sign_in()
        self.cn_quantity_error = ""
        try:
            lines = [] if self.cn_full else self._request()
            with session_scope() as session:
                preview = credit_service.preview_credit_note(session=session, actor=actor,
                                                             invoice_number=self.invoice_number,
                                                             lines=lines, full=self.cn_full)
            self.cn_preview = format_money(preview.total, actor.locale)
        except ServiceError as exc:
            self.cn_preview = ""
            self.cn_quantity_error = exc.message

    @rx.event
    def issue_credit_note(self):
        if self.cn_busy:
            return
        actor = self._actor()
        if actor is None:
            return self._to_sign_in()
        self.cn_busy = True
        try:
            lines = [] if self.cn_full else self._request()
            with session_scope() as session:
                note = credit_service.issue_credit_note(session=session, actor=actor,
                                                        invoice_number=self.invoice_number, reason=self.cn_reason,
                                                        lines=lines, full=self.cn_full)
                number = note.number
                amount = format_money(Money(int(note.total_minor), note.currency), actor.locale)
        except ValidationFailed as exc:
            if exc.field == "reason":
                self.cn_reason_error = exc.message
            else:
                self.cn_quantity_error = exc.message
            return
        except (Conflict, Forbidden, NotFound) as exc:
            self.cn_quantity_error = exc.message
            return
        finally:
            self.cn_busy = False
        self.cn_open = False
        self._reload(actor)
        return rx.toast.success(f"Credit note {number} issued for {amount}.")
