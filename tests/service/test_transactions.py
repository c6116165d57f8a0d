"""The transactions list: filters, keyset pages, scope (R-INV-1, R-INV-2): services/transactions.py."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from billing_center.domain import clock
from billing_center.domain.errors import ValidationFailed
from billing_center.domain.money import Money
from billing_center.models import Invoice, Organisation
from billing_center.services import transactions as tx


def test_list_defaults_to_the_last_three_months_newest_first(session, flexis_admin):
    page = tx.list_invoices(session=session, actor=flexis_admin, flt=tx.InvoiceFilter())
    today = clock.today()
    since = clock.add_months(today, -3)
    assert page.rows, "the demo has recent invoices"
    assert all(r.issue_date >= since for r in page.rows)
    keys = [(r.issue_date, r.id) for r in page.rows]
    assert keys == sorted(keys, reverse=True)
    # The demo's recent invoices: monthly USD learning invoices and EUR office ones.
    assert {r.total.currency for r in page.rows} == {"USD", "EUR"}
    learning = [r for r in page.rows if r.contract == "FL123133"]
    assert len(learning) == 3 or len(learning) == 4
    six = tx.list_invoices(session=session, actor=flexis_admin, flt=tx.InvoiceFilter(period="6m"))
    assert len(six.rows) > len(page.rows)


def test_status_and_contract_filters(session, flexis_admin):
    everything = tx.InvoiceFilter(period="custom", date_from=date(2000, 1, 1), date_to=date(2100, 1, 1))
    rows = list(tx.all_invoices(session=session, actor=flexis_admin, flt=everything))
    overdue = [r for r in tx.all_invoices(session=session, actor=flexis_admin,
                                          flt=tx.InvoiceFilter(**{**everything.__dict__, "status": "overdue"}))]
    assert len(overdue) == 2 and all(r.status == "overdue" and r.due_date < clock.today() for r in overdue)
    paid = list(tx.all_invoices(session=session, actor=flexis_admin,
                                flt=tx.InvoiceFilter(**{**everything.__dict__, "status": "paid"})))
    assert all(r.status == "paid" for r in paid)
    assert len(paid) + len(overdue) + 1 == len(rows)  # one invoice is unpaid but not yet due
    office = list(tx.all_invoices(session=session, actor=flexis_admin,
                                  flt=tx.InvoiceFilter(**{**everything.__dict__, "contract": "FL124480"})))
    assert office and {r.contract for r in office} == {"FL124480"}
    inv1238 = next(r for r in rows if r.number == "INV1238")
    assert (inv1238.status, inv1238.issue_date, inv1238.due_date, inv1238.payment_method, inv1238.total) == (
        "paid", date(2021, 3, 8), date(2022, 4, 8), "Visa - 4392", Money(2_000_000, "USD"))


def _bulk_invoices(session, org: Organisation, count: int, start: date) -> None:
    """Many invoices on few days, so that pages cut through equal issue dates."""
    rows = []
    for i in range(count):
        rows.append(Invoice(organisation_id=org.id, number=f"BULK{i:05d}", series="BULK", sequence=i + 1,
                            status="paid", issue_date=start + timedelta(days=i // 7), due_date=start,
                            currency="EUR", subtotal_minor=100 + i % 13, total_minor=100 + i % 13))
    session.add_all(rows)
    session.flush()


@pytest.mark.parametrize("sort", sorted(tx.SORTS))
def test_keyset_pages_cover_every_invoice_once_in_order(session, flexis_admin, flexis, sort):
    _bulk_invoices(session, flexis, 130, clock.today() - timedelta(days=40))
    flt = tx.InvoiceFilter(period="custom", date_from=clock.today() - timedelta(days=45), date_to=clock.today(),
                           sort=sort)
    expected = tx.count_invoices(session=session, actor=flexis_admin, flt=flt)
    seen, cursor, pages = [], None, 0
    while True:
        page = tx.list_invoices(session=session, actor=flexis_admin, flt=flt, cursor=cursor, limit=25)
        seen += page.rows
        pages += 1
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert len(seen) == expected >= 130
    assert len({r.id for r in seen}) == len(seen)
    column, descending = tx.SORTS[sort]
    value = {"issue_date": lambda r: r.issue_date, "due_date": lambda r: r.due_date,
             "total_minor": lambda r: r.total.amount_minor}[column]
    keys = [(value(r), r.id) for r in seen]
    assert keys == sorted(keys, reverse=descending)
    assert pages == -(-expected // 25)


def test_a_forged_cursor_is_refused(session, flexis_admin):
    with pytest.raises(ValidationFailed):
        tx.list_invoices(session=session, actor=flexis_admin, flt=tx.InvoiceFilter(), cursor="not-a-cursor!")
