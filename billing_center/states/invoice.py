"""One invoice (R-INV-3) with its credit notes (R-INV-4) and the subscription's billing history."""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import reflex as rx
from sqlmodel import Session

from billing_center.components.ui import status_color
from billing_center.documents.builders import rate_text
from billing_center.domain.errors import ValidationFailed
from billing_center.domain.money import Money
from billing_center.formatting import format_day, format_money, format_period
from billing_center.i18n import _
from billing_center.labels import status_label
from billing_center.services import credit_notes as credit_service
from billing_center.services import transactions as tx
from billing_center.services.actors import Actor
from billing_center.states.contracts import last_segment
from billing_center.states.record_page import RecordPage
from billing_center.states.rows import blank
from billing_center.states.session import FieldErrors, SessionState, field_setter, signed_in


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


@dataclasses.dataclass
class InvoiceView:
    """The invoice as its page shows it (:func:`invoice_view`)."""

    status: str
    status_color: str
    period: str
    order_number: str
    contract_number: str
    issue: str
    due: str
    payment_method: str
    previous_balance: str
    subtotal: str
    tax: str
    total: str
    credited: str
    has_credit: bool
    balance: str
    reverse_charge: bool
    pdf: str
    ubl: str  # the Peppol BIS UBL (issue 12)
    lines: list[LineRow]
    credit_notes: list[CreditNoteRow]
    history: list[HistoryRow]
    can_credit: bool


def invoice_view(d: tx.InvoiceDetail, actor: Actor) -> InvoiceView:
    loc = actor.locale
    return InvoiceView(
        status=status_label(d.status), status_color=status_color(d.status),
        period=format_period(d.period_start, d.period_end, loc), order_number=d.order_number or "—",
        contract_number=d.contract_number, issue=format_day(d.issue_date, loc), due=format_day(d.due_date, loc),
        payment_method=d.payment_method, previous_balance=format_money(d.previous_balance, loc),
        subtotal=format_money(d.subtotal, loc), tax=format_money(d.tax, loc), total=format_money(d.total, loc),
        credited=format_money(-d.credited, loc), has_credit=d.credited.amount_minor != 0,
        balance=format_money(d.balance, loc), reverse_charge=d.reverse_charge,
        pdf=f"/api/invoices/{d.number}.pdf", ubl=f"/api/invoices/{d.number}.xml",
        lines=[LineRow(id=str(ln.id), product=ln.product, description=ln.description, quantity=str(ln.quantity),
                       unit=format_money(ln.unit_price, loc), amount=format_money(ln.amount, loc),
                       vat=rate_text(ln.tax_rate_bp, loc), creditable=str(ln.creditable_quantity))
               for ln in d.lines],
        credit_notes=[CreditNoteRow(number=n.number, date=format_day(n.issue_date, loc), reason=n.reason,
                                    total=format_money(-n.total, loc), pdf=f"/api/credit-notes/{n.number}.pdf",
                                    ubl=f"/api/credit-notes/{n.number}.xml")
                      for n in d.credit_notes],
        history=[HistoryRow(number=h.number, href=f"/invoices/{h.number}", period=format_period(*h.period, loc),
                            issue=format_day(h.issue_date, loc), status=status_label(h.status),
                            color=status_color(h.status), total=format_money(h.total, loc),
                            current=h.number == d.number)
                 for h in d.history],
        can_credit=actor.is_billing_admin and d.status != "void" and d.credited < d.total)


class InvoiceState(RecordPage, FieldErrors, SessionState):
    invoice_number: str = ""
    detail: InvoiceView = blank(InvoiceView, status_color="gray")

    # credit note form
    cn_open: bool = False
    cn_full: bool = True
    cn_quantities: dict[str, str] = {}
    cn_reason: str = ""
    cn_preview: str = ""

    # ``errors`` keys: reason and quantity (the credit note form's reason, its quantities and any other refusal)
    field_errors: ClassVar[dict[str, str]] = {"reason": "reason", "*": "quantity"}

    @rx.event
    @signed_in(page=True)
    def load(self, actor: Actor, db: Session):
        self.invoice_number = last_segment(self.router.url.path)
        self.cn_open = False
        self._reload(actor, db)

    def _reload(self, actor: Actor, db: Session) -> None:
        self._show_record(lambda: tx.get_invoice(session=db, actor=actor, number=self.invoice_number),
                          lambda invoice: invoice_view(invoice, actor), blank(InvoiceView, status_color="gray"))

    # --- credit note form ---------------------------------------------------------------------
    @rx.event
    @signed_in
    def open_credit_form(self, actor: Actor, db: Session):
        self.cn_open = True
        self.cn_full = True
        self.cn_quantities = {ln.id: ln.creditable for ln in self.detail.lines}
        self.cn_reason = ""
        self._clear_errors("reason", "quantity")
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

    set_cn_reason = field_setter("cn_reason")

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
        self.cn_preview = ""
        self._clear_errors("quantity")
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
        self._clear_errors("reason", "quantity")
        note = credit_service.issue_credit_note(session=db, actor=actor, invoice_number=self.invoice_number,
                                                reason=self.cn_reason, lines=self._request(), full=self.cn_full)
        amount = format_money(Money(int(note.total_minor), note.currency), actor.locale)
        self.cn_open = False
        self._reload(actor, db)
        return rx.toast.success(_("Credit note {number} issued for {amount}.").format(
            number=note.number, amount=amount))
