"""Transactions: the organisation's invoices with their credit notes (R-INV-1..4).

The list is paginated on the server with a keyset on (sort column, id), never OFFSET, so the
thousandth page costs what the first does. Filters come from the URL (R-INV-2): the last 3 months
by default, the last 6 months, or a custom range; a status; a contract.
"""

from __future__ import annotations

import base64
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, literal, tuple_
from sqlmodel import Session, select

from billing_center.domain import clock
from billing_center.domain.enums import InvoiceStatus
from billing_center.domain.errors import NotFound, ValidationFailed
from billing_center.domain.money import Money
from billing_center.models import Contract, CreditNote, CreditNoteLine, Invoice, InvoiceLine, Order
from billing_center.services.actors import Actor
from billing_center.services.contracts import ALL, visible_contract_ids

PAGE_SIZE = 25
PERIODS = ("3m", "6m", "custom")
STATUSES = ("paid", "unpaid", "overdue", "void")
SORTS = {
    "issue_desc": ("issue_date", True),
    "issue_asc": ("issue_date", False),
    "due_desc": ("due_date", True),
    "due_asc": ("due_date", False),
    "total_desc": ("total_minor", True),
    "total_asc": ("total_minor", False),
}


# --- filters -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class InvoiceFilter:
    period: str = "3m"
    date_from: date | None = None
    date_to: date | None = None
    status: str = ""
    contract: str = ""
    sort: str = "issue_desc"

    def range(self, today: date | None = None) -> tuple[date | None, date | None]:
        today = today or clock.today()
        if self.period == "6m":
            return clock.add_months(today, -6), None
        if self.period == "custom":
            return self.date_from, self.date_to
        return clock.add_months(today, -3), None

    def query(self) -> dict[str, str]:
        """The URL query parameters that reproduce this filter (bookmarkable)."""
        params = {"period": self.period}
        if self.period == "custom":
            if self.date_from:
                params["from"] = self.date_from.isoformat()
            if self.date_to:
                params["to"] = self.date_to.isoformat()
        if self.status:
            params["status"] = self.status
        if self.contract:
            params["contract"] = self.contract
        if self.sort != "issue_desc":
            params["sort"] = self.sort
        return params


def _parse_day(text: str, name: str) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(name, "Enter a date as YYYY-MM-DD.") from None


def parse_filter(params: dict[str, str]) -> InvoiceFilter:
    """Read a filter from URL query parameters. Bad values raise ValidationFailed with the field."""
    period = (params.get("period") or "3m").strip()
    if period not in PERIODS:
        raise ValidationFailed("period", "Choose last 3 months, last 6 months or a custom range.")
    date_from = _parse_day(params.get("from", ""), "from")
    date_to = _parse_day(params.get("to", ""), "to")
    if period == "custom":
        if date_from is None or date_to is None:
            raise ValidationFailed("from" if date_from is None else "to", "A custom range needs both dates.")
        if date_to < date_from:
            raise ValidationFailed("to", "The end date cannot be before the start date.")
        if date_from.year < 1990 or date_to.year > 2200:
            raise ValidationFailed("from", "Choose dates between 1990 and 2200.")
    status = (params.get("status") or "").strip().lower()
    if status and status not in STATUSES:
        raise ValidationFailed("status", "Choose paid, unpaid, overdue or void.")
    sort = (params.get("sort") or "issue_desc").strip()
    if sort not in SORTS:
        raise ValidationFailed("sort", "Unknown sort order.")
    contract = (params.get("contract") or "").strip()[:32]
    return InvoiceFilter(period=period, date_from=date_from if period == "custom" else None,
                         date_to=date_to if period == "custom" else None, status=status, contract=contract,
                         sort=sort)


# --- presentation helpers --------------------------------------------------------------------------
def display_status(status: str, due_date: date, today: date | None = None) -> str:
    """paid, unpaid, overdue or void (overdue is derived from the due date)."""
    if status == InvoiceStatus.PAID:
        return "paid"
    if status == InvoiceStatus.VOID:
        return "void"
    if status == InvoiceStatus.DRAFT:
        return "draft"
    return "overdue" if due_date < (today or clock.today()) else "unpaid"


@dataclass(frozen=True)
class InvoiceRow:
    id: int
    number: str
    status: str  # paid, unpaid, overdue, void
    issue_date: date
    due_date: date
    payment_method: str
    contract: str
    total: Money
    credit_notes: tuple[str, ...] = ()
    credited: Money | None = None


@dataclass(frozen=True)
class InvoicePage:
    rows: list[InvoiceRow]
    next_cursor: str | None
    filter: InvoiceFilter


def _cursor(value, row_id: int) -> str:
    raw = f"{value.isoformat() if isinstance(value, date) else value}|{row_id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _uncursor(cursor: str, column: str):
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        value, row_id = raw.rsplit("|", 1)
        parsed = int(value) if column == "total_minor" else date.fromisoformat(value)
        return parsed, int(row_id)
    except (ValueError, UnicodeDecodeError):
        raise ValidationFailed("cursor", "That page no longer exists; start again from the first page.") from None


def _filtered(session: Session, actor: Actor, flt: InvoiceFilter, today: date | None = None, *,
              skip_start: bool = False, skip_end: bool = False):
    """The WHERE clause of a filter, scoped to the actor's organisation and contracts."""
    conditions = [Invoice.organisation_id == actor.organisation_id, Invoice.status != InvoiceStatus.DRAFT]
    ids = visible_contract_ids(session=session, actor=actor)
    if ids is not ALL:
        conditions.append(Invoice.contract_id.in_(ids or [-1]))
    start, end = flt.range(today)
    if start and not skip_start:
        conditions.append(Invoice.issue_date >= start)
    if end and not skip_end:
        conditions.append(Invoice.issue_date <= end)
    today = today or clock.today()
    if flt.status == "paid":
        conditions.append(Invoice.status == InvoiceStatus.PAID)
    elif flt.status == "void":
        conditions.append(Invoice.status == InvoiceStatus.VOID)
    elif flt.status == "unpaid":
        conditions += [Invoice.status == InvoiceStatus.OPEN, Invoice.due_date >= today]
    elif flt.status == "overdue":
        conditions += [Invoice.status == InvoiceStatus.OPEN, Invoice.due_date < today]
    if flt.contract:
        contract_id = session.exec(
            select(Contract.id).where(Contract.organisation_id == actor.organisation_id,
                                      Contract.number == flt.contract)
        ).first()
        conditions.append(Invoice.contract_id == (contract_id or -1))
    return conditions


def list_invoices(
    *, session: Session, actor: Actor, flt: InvoiceFilter, cursor: str | None = None, limit: int = PAGE_SIZE,
    today: date | None = None,
) -> InvoicePage:
    """One page of invoices after ``cursor`` (None: the first page)."""
    limit = max(1, min(int(limit), 200))
    column_name, descending = SORTS[flt.sort]
    column = getattr(Invoice, column_name)
    if cursor:
        value, row_id = _uncursor(cursor, column_name)
        # The cursor is the tighter bound on the date range: leave the looser one out, so the
        # database seeks the index at the cursor instead of at the edge of the period.
        on_date = column_name == "issue_date"
        conditions = _filtered(session, actor, flt, today, skip_end=on_date and descending,
                               skip_start=on_date and not descending)
        conditions.append(column <= value if descending else column >= value)
        # A row-value comparison, which both SQLite and PostgreSQL answer with an index range seek.
        key = tuple_(column, Invoice.id)
        conditions.append(key < tuple_(literal(value), literal(row_id)) if descending
                          else key > tuple_(literal(value), literal(row_id)))
    else:
        conditions = _filtered(session, actor, flt, today)
    order = (column.desc(), Invoice.id.desc()) if descending else (column.asc(), Invoice.id.asc())
    stmt = (
        select(Invoice.id, Invoice.number, Invoice.status, Invoice.issue_date, Invoice.due_date,
               Invoice.payment_method_label, Contract.number, Invoice.total_minor, Invoice.currency,
               getattr(Invoice, column_name))
        .outerjoin(Contract, Contract.id == Invoice.contract_id)
        .where(*conditions)
        .order_by(*order)
        .limit(limit + 1)
    )
    found = session.exec(stmt).all()
    more = len(found) > limit
    found = found[:limit]
    notes = _credit_notes_of(session, actor, [r[0] for r in found])
    today = today or clock.today()
    rows = []
    for r in found:
        cn = notes.get(r[0], [])
        credited = sum(n[1] for n in cn)
        rows.append(InvoiceRow(
            id=r[0], number=r[1], status=display_status(r[2], r[4], today), issue_date=r[3], due_date=r[4],
            payment_method=r[5] or "Invoice", contract=r[6] or "", total=Money(int(r[7]), r[8]),
            credit_notes=tuple(n[0] for n in cn), credited=Money(credited, r[8]) if cn else None,
        ))
    next_cursor = _cursor(found[-1][9], found[-1][0]) if more and found else None
    return InvoicePage(rows=rows, next_cursor=next_cursor, filter=flt)


def count_invoices(*, session: Session, actor: Actor, flt: InvoiceFilter, today: date | None = None) -> int:
    return session.exec(select(func.count()).select_from(Invoice).where(*_filtered(session, actor, flt, today))).one()


def all_invoices(*, session: Session, actor: Actor, flt: InvoiceFilter, batch: int = 200):
    """Every invoice of a filter, page by page (CSV export, "all in this filter" ZIP)."""
    cursor = None
    while True:
        page = list_invoices(session=session, actor=actor, flt=flt, cursor=cursor, limit=batch)
        yield from page.rows
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


def _credit_notes_of(session: Session, actor: Actor, invoice_ids: list[int]) -> dict[int, list[tuple[str, int]]]:
    if not invoice_ids:
        return {}
    rows = session.exec(
        select(CreditNote.invoice_id, CreditNote.number, CreditNote.total_minor)
        .where(CreditNote.organisation_id == actor.organisation_id, CreditNote.invoice_id.in_(invoice_ids))
        .order_by(CreditNote.sequence)
    ).all()
    result: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for invoice_id, number, total in rows:
        result[invoice_id].append((number, int(total)))
    return result


# --- one invoice ----------------------------------------------------------------------------------
def find_invoice(*, session: Session, actor: Actor, number: str) -> Invoice:
    """An invoice the actor may see; anything else (another organisation's, a contract admin's
    other contracts, a made-up number) is NotFound."""
    invoice = session.exec(
        select(Invoice).where(Invoice.organisation_id == actor.organisation_id,
                              Invoice.number == (number or "").strip(), Invoice.status != InvoiceStatus.DRAFT)
    ).first()
    if invoice is None:
        raise NotFound("invoice")
    ids = visible_contract_ids(session=session, actor=actor)
    if ids is not ALL and invoice.contract_id not in ids:
        raise NotFound("invoice")
    return invoice


@dataclass(frozen=True)
class LineView:
    id: int
    position: int
    product: str
    description: str
    quantity: int
    unit_price: Money
    amount: Money
    tax_rate_bp: int
    tax: Money
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
                                         Invoice.status != InvoiceStatus.DRAFT)
    ids = visible_contract_ids(session=session, actor=actor)
    if ids is not ALL:
        history_stmt = history_stmt.where(Invoice.contract_id.in_(ids or [-1]))
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


__all__ = [
    "InvoiceDetail", "InvoiceFilter", "InvoicePage", "InvoiceRow", "all_invoices", "count_invoices",
    "display_status", "find_invoice", "get_invoice", "list_invoices", "parse_filter",
]
