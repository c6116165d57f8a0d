"""Issuing invoices: numbered in their series, priced per line (R-INV-4): services/invoicing.py."""

from __future__ import annotations

from sqlmodel import select

from billing_center.domain import clock
from billing_center.domain.money import Money
from billing_center.models import Invoice
from billing_center.services.invoicing import LineInput, issue_invoice


def test_issued_invoice_numbers_follow_the_series(session, flexis):
    before = session.exec(select(Invoice).order_by(Invoice.sequence.desc())).first()
    invoice = issue_invoice(session=session, organisation=flexis, currency="EUR", issue_date=clock.today(),
                            due_date=clock.today(), seller_country="NL",
                            lines=[LineInput("Exchange Online (Plan 1)", 1, Money(5400, "EUR"))])
    assert invoice.sequence == before.sequence + 1 and invoice.number == f"INV{invoice.sequence}"
