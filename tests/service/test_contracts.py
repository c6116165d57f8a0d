"""Contracts and their orders, and who sees which (R-CON-1, R-CON-2, R-SEC-1): services/contracts.py."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from billing_center.domain.errors import Forbidden, NotFound
from billing_center.domain.money import Money
from billing_center.models import Contract, ContractAdmin, Invoice
from billing_center.services import contracts as contract_service
from billing_center.services import transactions as tx


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


def test_a_buyer_who_administers_no_contract_sees_none_and_support_is_refused(session, buyer, support_agent):
    assert contract_service.list_contracts(session=session, actor=buyer) == []
    assert tx.list_invoices(session=session, actor=buyer, flt=tx.InvoiceFilter()).rows == []
    with pytest.raises(NotFound):
        contract_service.get_contract(session=session, actor=buyer, number="FL123133")
    with pytest.raises(Forbidden):
        contract_service.list_contracts(session=session, actor=support_agent)
    with pytest.raises(Forbidden):
        tx.list_invoices(session=session, actor=support_agent, flt=tx.InvoiceFilter())


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
