"""One invoice (R-INV-3): its lines, totals, credit notes (R-INV-4) and billing history, for anyone
who may see it (billing admins every invoice of the organisation; others those of the contracts
they administer; see ``policy``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, select

from billing_center.domain import clock
from billing_center.domain.enums import InvoiceStatus
from billing_center.domain.errors import NotFound
from billing_center.domain.money import Money
from billing_center.models import Contract, CreditNote, CreditNoteLine, Invoice, InvoiceLine, Order
from billing_center.services import policy
from billing_center.services.actors import Actor


def display_status(status: str, due_date: date, today: date | None = None) -> str:
    """paid, unpaid, overdue or void (overdue is derived from the due date)."""
    if status == InvoiceStatus.PAID:
        return "paid"
    if status == InvoiceStatus.VOID:
        return "void"
    if status == InvoiceStatus.DRAFT:
        return "draft"
    return "overdue" if due_date < (today or clock.today()) else "unpaid"



@policy.allowed(*policy.CUSTOMERS)
def find_invoice(*, session: Session, actor: Actor, number: str) -> Invoice:
    """An invoice the actor may see; anything else (another organisation's, one of a contract the
    actor does not administer, a made-up number) is NotFound."""
    invoice = session.exec(
        select(Invoice).where(Invoice.organisation_id == actor.organisation_id,
                              Invoice.number == (number or "").strip(), Invoice.status != InvoiceStatus.DRAFT)
    ).first()
    if invoice is None or not policy.can_see_contract(session, actor, invoice.contract_id):
        raise NotFound("invoice")
    return invoice


@dataclass(frozen=True)
class PricedLine:
    """A line as a document prints it: an invoice line, or what a credit note credits of one."""

    product: str
    description: str
    quantity: int
    unit_price: Money
    amount: Money
    tax_rate_bp: int
    tax: Money


@dataclass(frozen=True)
class LineView(PricedLine):
    id: int = 0
    position: int = 0
    credited_quantity: int = 0
    credited_amount: Money | None = None
    credited_tax: Money | None = None

    @property
    def creditable_quantity(self) -> int:
        return self.quantity - self.credited_quantity


@dataclass(frozen=True)
class CreditNoteView:
    number: str
    issue_date: date
    reason: str
    subtotal: Money
    tax: Money
    total: Money


@dataclass(frozen=True)
class HistoryRow:
    number: str
    period: tuple[date | None, date | None]
    issue_date: date
    status: str
    total: Money


@dataclass(frozen=True)
class InvoiceDetail:
    number: str
    status: str
    issue_date: date
    due_date: date
    period_start: date | None
    period_end: date | None
    order_number: str
    contract_number: str
    payment_method: str
    locale: str
    buyer_name: str
    buyer_address: str
    buyer_vat_id: str | None
    reverse_charge: bool
    previous_balance: Money
    subtotal: Money
    tax: Money
    total: Money
    credited: Money
    balance: Money  # what is still to pay: 0 when paid, total - credited when open
    lines: list[LineView] = field(default_factory=list)
    credit_notes: list[CreditNoteView] = field(default_factory=list)
    history: list[HistoryRow] = field(default_factory=list)

    @property
    def creditable(self) -> Money:
        return self.total - self.credited


def _line_views(session: Session, invoice: Invoice) -> list[LineView]:
    lines = session.exec(select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id)
                         .order_by(InvoiceLine.position, InvoiceLine.id)).all()
    credited = defaultdict(lambda: [0, 0, 0])
    if lines:
        for line_id, qty, amount, tax in session.exec(
            select(CreditNoteLine.invoice_line_id, CreditNoteLine.quantity, CreditNoteLine.amount_minor,
                   CreditNoteLine.tax_minor).where(CreditNoteLine.invoice_line_id.in_([ln.id for ln in lines]))
        ).all():
            credited[line_id][0] += qty
            credited[line_id][1] += int(amount)
            credited[line_id][2] += int(tax)
    cur = invoice.currency
    return [
        LineView(id=ln.id, position=ln.position, product=ln.product_name, description=ln.description,
                 quantity=ln.quantity, unit_price=Money(int(ln.unit_price_minor), cur),
                 amount=Money(int(ln.amount_minor), cur), tax_rate_bp=ln.tax_rate_bp, tax=Money(int(ln.tax_minor), cur),
                 credited_quantity=credited[ln.id][0], credited_amount=Money(credited[ln.id][1], cur),
                 credited_tax=Money(credited[ln.id][2], cur))
        for ln in lines
    ]


@policy.allowed(*policy.CUSTOMERS)
def get_invoice(*, session: Session, actor: Actor, number: str, today: date | None = None) -> InvoiceDetail:
    invoice = find_invoice(session=session, actor=actor, number=number)
    cur = invoice.currency
    order_number = ""
    if invoice.order_id:
        order = session.get(Order, invoice.order_id)
        order_number = order.number if order and order.organisation_id == actor.organisation_id else ""
    contract = session.get(Contract, invoice.contract_id) if invoice.contract_id else None
    notes = session.exec(select(CreditNote).where(CreditNote.organisation_id == actor.organisation_id,
                                                  CreditNote.invoice_id == invoice.id)
                         .order_by(CreditNote.sequence)).all()
    credited = sum(int(n.total_minor) for n in notes)
    total = Money(int(invoice.total_minor), cur)
    balance = Money(0, cur) if invoice.status in (InvoiceStatus.PAID, InvoiceStatus.VOID) else \
        Money(int(invoice.total_minor) - credited, cur)
    # Billing history: the same subscription's invoices, else the same contract's (R-INV-3).
    history_stmt = select(Invoice).where(Invoice.organisation_id == actor.organisation_id,
                                         Invoice.status != InvoiceStatus.DRAFT,
                                         policy.contract_scope(session, actor, Invoice.contract_id))
    if invoice.subscription_id:
        history_stmt = history_stmt.where(Invoice.subscription_id == invoice.subscription_id)
    elif invoice.contract_id:
        history_stmt = history_stmt.where(Invoice.contract_id == invoice.contract_id)
    else:
        history_stmt = history_stmt.where(Invoice.id == invoice.id)
    history = session.exec(history_stmt.order_by(Invoice.issue_date.desc(), Invoice.id.desc()).limit(24)).all()
    today = today or clock.today()
    return InvoiceDetail(
        number=invoice.number,
        status=display_status(invoice.status, invoice.due_date, today),
        issue_date=invoice.issue_date,
        due_date=invoice.due_date,
        period_start=invoice.period_start,
        period_end=invoice.period_end,
        order_number=order_number,
        contract_number=contract.number if contract else "",
        payment_method=invoice.payment_method_label or "Invoice",
        locale=invoice.locale,
        buyer_name=invoice.buyer_name,
        buyer_address=invoice.buyer_address,
        buyer_vat_id=invoice.buyer_vat_id,
        reverse_charge=invoice.reverse_charge,
        previous_balance=Money(int(invoice.previous_balance_minor), cur),
        subtotal=Money(int(invoice.subtotal_minor), cur),
        tax=Money(int(invoice.tax_minor), cur),
        total=total,
        credited=Money(credited, cur),
        balance=balance,
        lines=_line_views(session, invoice),
        credit_notes=[CreditNoteView(number=n.number, issue_date=n.issue_date, reason=n.reason,
                                     subtotal=Money(int(n.subtotal_minor), cur), tax=Money(int(n.tax_minor), cur),
                                     total=Money(int(n.total_minor), cur)) for n in notes],
        history=[HistoryRow(number=h.number, period=(h.period_start, h.period_end), issue_date=h.issue_date,
                            status=display_status(h.status, h.due_date, today),
                            total=Money(int(h.total_minor), h.currency)) for h in history],
    )
