"""Transactions: the organisation's invoices with their credit notes, one page at a time (R-INV-1, R-INV-2).

The list is paginated on the server with a keyset on (sort column, id), never OFFSET, so the
thousandth page costs what the first does. The filter (``invoice_filter``) comes from the URL;
one invoice's detail is in ``invoices``.
"""

from __future__ import annotations

import base64
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, literal, tuple_
from sqlmodel import Session, select

from billing_center.domain import clock
from billing_center.domain.enums import InvoiceStatus
from billing_center.domain.errors import ValidationFailed
from billing_center.domain.money import Money
from billing_center.models import Contract, CreditNote, Invoice
from billing_center.services import policy
from billing_center.services.actors import Actor
from billing_center.services.invoice_filter import PERIODS, SORTS, STATUSES, InvoiceFilter, parse_filter
from billing_center.services.invoices import InvoiceDetail, display_status, find_invoice, get_invoice

PAGE_SIZE = 25


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
    conditions = [Invoice.organisation_id == actor.organisation_id, Invoice.status != InvoiceStatus.DRAFT,
                  policy.contract_scope(session, actor, Invoice.contract_id)]
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


@policy.allowed(*policy.CUSTOMERS)
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


@policy.allowed(*policy.CUSTOMERS)
def count_invoices(*, session: Session, actor: Actor, flt: InvoiceFilter, today: date | None = None) -> int:
    return session.exec(select(func.count()).select_from(Invoice).where(*_filtered(session, actor, flt, today))).one()


@policy.allowed(*policy.CUSTOMERS)
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

__all__ = [
    "PAGE_SIZE", "PERIODS", "SORTS", "STATUSES", "InvoiceDetail", "InvoiceFilter", "InvoicePage", "InvoiceRow",
    "all_invoices", "count_invoices", "display_status", "find_invoice", "get_invoice", "list_invoices",
    "parse_filter",
]
