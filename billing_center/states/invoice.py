"""One invoice (R-INV-3) with its credit notes (R-INV-4) and the subscription's billing history."""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import reflex as rx
from sqlmodel import Session

from billing_center.components.ui import status_color
from billing_center.documents.builders import rate_text
from billing_center.domain.errors import Forbidden, NotFound, ValidationFailed
from billing_center.domain.money import Money
from billing_center.formatting import format_day, format_money, format_period
from billing_center.i18n import _
from billing_center.labels import status_label
from billing_center.services import credit_notes as credit_service
from billing_center.services import transactions as tx
from billing_center.services.actors import Actor
from billing_center.states.contracts import last_segment
from billing_center.states.session import SessionState, signed_in


@dataclasses.dataclass
class LineRow:
    """One line of the invoice, with what is left to credit."""

    id: str
    product: str
    description: str
    quantity: str
    unit: str
    amount: str
    vat: str
    creditable: str


@dataclasses.dataclass
class CreditNoteRow:
    number: str
    date: str
    reason: str
    total: str
    pdf: str
    ubl: str


@dataclasses.dataclass
class HistoryRow:
    """One invoice of the subscription's billing history; ``current`` is the one on screen."""

    number: str
    href: str
    period: str
    issue: str
    status: str
    color: str
    total: str
    current: bool


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
    ubl: str = ""  # the Peppol BIS UBL (issue 12)
    lines: list[LineRow] = []
    credit_notes: list[CreditNoteRow] = []
    history: list[HistoryRow] = []
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

    field_errors: ClassVar[dict[str, str]] = {"reason": "cn_reason_error", "*": "cn_quantity_error"}

    @rx.event
    @signed_in(page=True)
    def load(self, actor: Actor, db: Session):
        self.invoice_number = last_segment(self.router.url.path)
        self.cn_open = False
        self._reload(actor, db)

    def _reload(self, actor: Actor, db: Session) -> None:
        try:
            d = tx.get_invoice(session=db, actor=actor, number=self.invoice_number)
        except (NotFound, Forbidden):
            self.found, self.lines, self.credit_notes, self.history, self.loaded = False, [], [], [], True
            return
        loc = actor.locale
        self.found = True
        self.status = status_label(d.status)
        self.status_color = status_color(d.status)
        self.period = format_period(d.period_start, d.period_end, loc)
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
        self.ubl = f"/api/invoices/{d.number}.xml"
        self.lines = [
            LineRow(id=str(ln.id), product=ln.product, description=ln.description, quantity=str(ln.quantity),
                    unit=format_money(ln.unit_price, loc), amount=format_money(ln.amount, loc),
                    vat=rate_text(ln.tax_rate_bp, loc), creditable=str(ln.creditable_quantity))
            for ln in d.lines
        ]
        self.credit_notes = [
            CreditNoteRow(number=n.number, date=format_day(n.issue_date, loc), reason=n.reason,
                          total=format_money(-n.total, loc), pdf=f"/api/credit-notes/{n.number}.pdf",
                          ubl=f"/api/credit-notes/{n.number}.xml")
            for n in d.credit_notes
        ]
        self.history = [
            HistoryRow(number=h.number, href=f"/invoices/{h.number}", period=format_period(*h.period, loc),
                       issue=format_day(h.issue_date, loc), status=status_label(h.status),
                       color=status_color(h.status), total=format_money(h.total, loc), current=h.number == d.number)
            for h in d.history
        ]
        self.can_credit = actor.is_billing_admin and d.status != "void" and d.credited < d.total
        self.loaded = True

    # --- credit note form ---------------------------------------------------------------------
    @rx.event
    @signed_in
    def open_credit_form(self, actor: Actor, db: Session):
        self.cn_open = True
        self.cn_full = True
        self.cn_quantities = {ln.id: ln.creditable for ln in self.lines}
        self.cn_reason = ""
        self.cn_reason_error = self.cn_quantity_error = ""
        self._preview(actor, db)

    @rx.event
    @signed_in
    def close_credit_form(self):
        self.cn_open = False

    @rx.event
    @signed_in
    def set_cn_full(self, actor: Actor, db: Session, checked: bool):
        self.cn_full = bool(checked)
        self._preview(actor, db)

    @rx.event
    @signed_in
    def set_cn_quantity(self, actor: Actor, db: Session, line_id: str, value: str):
        self.cn_quantities = {**self.cn_quantities, line_id: value}
        self._preview(actor, db)

    @rx.event
    @signed_in
    def set_cn_reason(self, value: str):
        self.cn_reason = value

    def _request(self) -> list[credit_service.CreditLine]:
        if self.cn_full:
            return []
        result = []
        for line_id, text in self.cn_quantities.items():
            text = (text or "").strip()
            if text == "":
                continue
            if not text.lstrip("-").isdigit():
                raise ValidationFailed("quantity", "Enter a whole number of units.")
            result.append(credit_service.CreditLine(int(line_id), int(text)))
        return result

    def _preview(self, actor: Actor, db: Session) -> None:
        """The total of the credit note as the form stands (a refused quantity shows at the quantities)."""
        self.cn_quantity_error = self.cn_preview = ""
        preview = credit_service.preview_credit_note(session=db, actor=actor, invoice_number=self.invoice_number,
                                                     lines=self._request(), full=self.cn_full)
        self.cn_preview = format_money(preview.total, actor.locale)

    @rx.event
    @signed_in
    def issue_credit_note(self, actor: Actor, db: Session):
        if not self.cn_open:
            # A second click queued behind the first (Reflex runs one event of a tab at a time): the
            # first issued the note and closed the form, so this one has nothing to issue.
            return
        self.cn_reason_error = self.cn_quantity_error = ""
        note = credit_service.issue_credit_note(session=db, actor=actor, invoice_number=self.invoice_number,
                                                reason=self.cn_reason, lines=self._request(), full=self.cn_full)
        amount = format_money(Money(int(note.total_minor), note.currency), actor.locale)
        self.cn_open = False
        self._reload(actor, db)
        return rx.toast.success(_("Credit note {number} issued for {amount}.").format(
            number=note.number, amount=amount))
