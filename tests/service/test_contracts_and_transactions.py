"""Contracts, orders and the transactions list (R-CON-1, R-CON-2, R-INV-1, R-INV-2, R-INV-3, R-SEC-1)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from billing_center.domain import clock
from billing_center.domain.errors import Forbidden, NotFound, ValidationFailed
from billing_center.domain.money import Money
from billing_center.models import Contract, ContractAdmin, Invoice, Organisation
from billing_center.services import contracts as contract_service
from billing_center.services import transactions as tx
from billing_center.services.invoicing import LineInput, issue_invoice
from tests.conftest import actor_for


@pytest.fixture
def contract_admin(session):
    return actor_for(session, "jdevries@flexis.com")


def test_billing_admin_sees_every_contract_of_flexis(session, flexis_admin):
    rows = contract_service.list_contracts(session=session, actor=flexis_admin)
    assert {r.number for r in rows} == {"FL123133", "FL124480"}
    fl = next(r for r in rows if r.number == "FL123133")
    assert (fl.status, fl.start_date, fl.end_date, fl.term_months) == ("active", date(2023, 4, 11),
                                                                       date(2024, 4, 10), 12)
    assert fl.total == Money(1_200_000, "USD")


def test_contract_page_has_general_information_orders_and_billing_details(session, flexis_admin):
    detail = contract_service.get_contract(session=session, actor=flexis_admin, number="FL123133")
    assert detail.billing_address.startswith("Flexis BV")
    assert detail.po_number == "PO-2023-0411"
    assert detail.invoice_recipients == ["finance@flexis.com", "aleroy@flexis.com"]
    assert detail.billing_frequency == "annual" and detail.payment_terms == "net_30"
    order = next(o for o in detail.orders if o.number == "FL123133-2")
    assert (order.type, order.payment_method, order.total) == ("buy", "Invoice", Money(600_000, "USD"))
    office = contract_service.get_contract(session=session, actor=flexis_admin, number="FL124480")
    assert office.orders[0].payment_method == "Visa - 4392"


def test_contract_admin_sees_only_their_contract_and_its_invoices(session, contract_admin):
    assert [r.number for r in contract_service.list_contracts(session=session, actor=contract_admin)] == ["FL123133"]
    with pytest.raises(NotFound):
        contract_service.get_contract(session=session, actor=contract_admin, number="FL124480")
    with pytest.raises(NotFound):
        contract_service.find_order(session=session, actor=contract_admin, number="FL124480-1")
    order, contract = contract_service.find_order(session=session, actor=contract_admin, number="FL123133-2")
    assert contract.number == "FL123133"
    flt = tx.InvoiceFilter(period="custom", date_from=date(2000, 1, 1), date_to=date(2100, 1, 1))
    numbers_seen = {r.contract for r in tx.all_invoices(session=session, actor=contract_admin, flt=flt)}
    assert numbers_seen == {"FL123133"}
    office_invoice = session.exec(select(Invoice).join(Contract, Contract.id == Invoice.contract_id)
                                  .where(Contract.number == "FL124480")).first()
    with pytest.raises(NotFound):
        tx.find_invoice(session=session, actor=contract_admin, number=office_invoice.number)


def test_a_removed_contract_admin_sees_nothing(session, contract_admin):
    row = session.exec(select(ContractAdmin).where(ContractAdmin.person_id == contract_admin.person_id)).one()
    row.status = "removed"
    session.add(row)
    session.flush()
    assert contract_service.list_contracts(session=session, actor=contract_admin) == []
    with pytest.raises(NotFound):
        contract_service.get_contract(session=session, actor=contract_admin, number="FL123133")


def test_a_buyer_is_refused(session):
    buyer = actor_for(session, "mbakker@flexis.com")
    with pytest.raises(Forbidden):
        contract_service.list_contracts(session=session, actor=buyer)
    with pytest.raises(Forbidden):
        tx.list_invoices(session=session, actor=buyer, flt=tx.InvoiceFilter())


def test_contoso_never_sees_flexis_contracts_orders_or_invoices(session, contoso_admin):
    assert [r.number for r in contract_service.list_contracts(session=session, actor=contoso_admin)] == ["CT500100"]
    for call in (
        lambda: contract_service.get_contract(session=session, actor=contoso_admin, number="FL123133"),
        lambda: contract_service.find_order(session=session, actor=contoso_admin, number="FL123133-2"),
        lambda: tx.find_invoice(session=session, actor=contoso_admin, number="INV1238"),
        lambda: tx.get_invoice(session=session, actor=contoso_admin, number="INV1238"),
    ):
        with pytest.raises(NotFound):
            call()
    flt = tx.InvoiceFilter(period="custom", date_from=date(2000, 1, 1), date_to=date(2100, 1, 1), contract="FL123133")
    assert tx.list_invoices(session=session, actor=contoso_admin, flt=flt).rows == []


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


@pytest.mark.parametrize("params, field", [
    ({"period": "12y"}, "period"),
    ({"period": "custom", "from": "2024-13-01", "to": "2024-12-01"}, "from"),
    ({"period": "custom", "from": "2024-05-01"}, "to"),
    ({"period": "custom", "from": "2024-05-01", "to": "2024-04-01"}, "to"),
    ({"period": "custom", "from": "0001-01-01", "to": "2024-04-01"}, "from"),
    ({"status": "refunded"}, "status"),
    ({"sort": "amount; drop table invoice"}, "sort"),
])
def test_bad_filters_say_which_field_is_wrong(params, field):
    with pytest.raises(ValidationFailed) as caught:
        tx.parse_filter(params)
    assert caught.value.field == field


def test_filter_round_trips_through_the_url():
    flt = tx.parse_filter({"period": "custom", "from": "2024-01-01", "to": "2024-03-31", "status": "paid",
                           "contract": "FL123133", "sort": "total_desc"})
    assert tx.parse_filter(flt.query()) == flt
    assert tx.parse_filter({}) == tx.InvoiceFilter()


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


def test_invoice_detail_has_lines_totals_and_billing_history(session, flexis_admin):
    page = tx.list_invoices(session=session, actor=flexis_admin, flt=tx.InvoiceFilter(contract="FL123133"))
    newest = page.rows[0]
    detail = tx.get_invoice(session=session, actor=flexis_admin, number=newest.number)
    assert detail.period_start and detail.period_end and detail.period_start <= detail.issue_date
    assert detail.lines[0].product == "Learning Manager (per learner)"
    assert detail.lines[0].quantity == 40 and detail.lines[0].unit_price == Money(400, "USD")
    assert detail.subtotal == Money(16_000, "USD") and detail.total == detail.subtotal + detail.tax
    assert detail.previous_balance == Money(16_000, "USD")  # last month's invoice is still open
    assert detail.reverse_charge and detail.buyer_vat_id == "BE0123456749"
    assert len(detail.history) == 12 and detail.history[0].number == detail.number
    assert all(h.total.currency == "USD" for h in detail.history)


def test_issued_invoice_numbers_follow_the_series(session, flexis):
    before = session.exec(select(Invoice).order_by(Invoice.sequence.desc())).first()
    invoice = issue_invoice(session=session, organisation=flexis, currency="EUR", issue_date=clock.today(),
                            due_date=clock.today(), seller_country="NL",
                            lines=[LineInput("Exchange Online (Plan 1)", 1, Money(5400, "EUR"))])
    assert invoice.sequence == before.sequence + 1 and invoice.number == f"INV{invoice.sequence}"


def test_contract_admins_billing_history_stays_within_their_contracts(session, contract_admin, flexis_admin):
    newest = tx.list_invoices(session=session, actor=contract_admin, flt=tx.InvoiceFilter()).rows[0]
    detail = tx.get_invoice(session=session, actor=contract_admin, number=newest.number)
    moved = session.exec(select(Invoice).where(Invoice.number == detail.history[-1].number)).one()
    office = session.exec(select(Contract).where(Contract.number == "FL124480")).one()
    moved.contract_id = office.id
    session.add(moved)
    session.flush()
    seen = [h.number for h in tx.get_invoice(session=session, actor=contract_admin, number=newest.number).history]
    assert moved.number not in seen
    assert moved.number in [h.number for h in tx.get_invoice(session=session, actor=flexis_admin,
                                                             number=newest.number).history]
