"""One invoice: lines, totals and billing history (R-INV-3): services/invoices.py."""

from __future__ import annotations

from sqlmodel import select

from billing_center.domain.money import Money
from billing_center.models import Contract, Invoice
from billing_center.services import invoices
from billing_center.services import transactions as tx


def test_invoice_detail_has_lines_totals_and_billing_history(session, flexis_admin):
    page = tx.list_invoices(session=session, actor=flexis_admin, flt=tx.InvoiceFilter(contract="FL123133"))
    newest = page.rows[0]
    detail = invoices.get_invoice(session=session, actor=flexis_admin, number=newest.number)
    assert detail.period_start and detail.period_end and detail.period_start <= detail.issue_date
    assert detail.lines[0].product == "Learning Manager (per learner)"
    assert detail.lines[0].quantity == 40 and detail.lines[0].unit_price == Money(400, "USD")
    assert detail.subtotal == Money(16_000, "USD") and detail.total == detail.subtotal + detail.tax
    assert detail.previous_balance == Money(16_000, "USD")  # last month's invoice is still open
    assert detail.reverse_charge and detail.buyer_vat_id == "BE0123456749"
    assert len(detail.history) == 12 and detail.history[0].number == detail.number
    assert all(h.total.currency == "USD" for h in detail.history)


def test_contract_admins_billing_history_stays_within_their_contracts(session, contract_admin, flexis_admin):
    newest = tx.list_invoices(session=session, actor=contract_admin, flt=tx.InvoiceFilter()).rows[0]
    detail = invoices.get_invoice(session=session, actor=contract_admin, number=newest.number)
    moved = session.exec(select(Invoice).where(Invoice.number == detail.history[-1].number)).one()
    office = session.exec(select(Contract).where(Contract.number == "FL124480")).one()
    moved.contract_id = office.id
    session.add(moved)
    session.flush()
    seen = [h.number for h in invoices.get_invoice(session=session, actor=contract_admin, number=newest.number).history]
    assert moved.number not in seen
    assert moved.number in [h.number for h in invoices.get_invoice(session=session, actor=flexis_admin,
                                                             number=newest.number).history]
