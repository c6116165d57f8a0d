"""Credit notes (R-INV-4): own series, never more than is left to credit, bad input writes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlmodel import select

from billing_center.domain import clock
from billing_center.domain.errors import Conflict, Forbidden, NotFound, ValidationFailed
from billing_center.domain.money import Money
from billing_center.models import AuditEvent, CreditNote, CreditNoteLine, Invoice, InvoiceLine, Organisation
from billing_center.services import transactions as tx
from billing_center.services.credit_notes import CreditLine, issue_credit_note, preview_credit_note
from billing_center.services.invoicing import LineInput, issue_invoice
from tests.factories import actor_for


@pytest.fixture
def taxed_invoice(session, flexis):
    """A two-line invoice with 21% VAT (a Dutch customer of the Dutch seller)."""
    # A stand-in with Flexis's id but a Dutch address (never added to the session).
    nl = Organisation(id=flexis.id, name="Flexis NL", slug="flexis-nl-cn", country="NL", locale="nl",
                      address_line="Damrak 1", postal_code="1012 LG", city="Amsterdam", vat_id="NL000099998B57")
    invoice = issue_invoice(
        session=session, organisation=nl, currency="EUR", issue_date=clock.today(), due_date=clock.today(),
        seller_country="NL",
        lines=[LineInput("Exchange Online (Plan 1)", 5, Money(5400, "EUR"), "Licences"),
               LineInput("Office 365 E3", 3, Money(27633, "EUR"), "Licences")],
    )
    assert invoice.organisation_id == flexis.id and invoice.tax_minor > 0
    return invoice


def _lines(session, invoice):
    return session.exec(select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id)
                        .order_by(InvoiceLine.position)).all()


def _count(session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def test_full_credit_note_takes_the_next_cn_number_and_balances_the_invoice(session, flexis_admin, taxed_invoice):
    before = session.exec(select(func.max(CreditNote.sequence))).one() or 0
    note = issue_credit_note(session=session, actor=flexis_admin, invoice_number=taxed_invoice.number,
                             reason="Order cancelled", full=True)
    assert note.sequence == before + 1 and note.number == f"CN{note.sequence}"
    assert note.total_minor == taxed_invoice.total_minor
    assert note.tax_minor == taxed_invoice.tax_minor
    detail = tx.get_invoice(session=session, actor=flexis_admin, number=taxed_invoice.number)
    assert detail.credited == Money(taxed_invoice.total_minor, "EUR")
    assert detail.balance == Money(0, "EUR")
    assert detail.total == Money(taxed_invoice.total_minor, "EUR"), "the invoice itself never changes"
    assert [n.number for n in detail.credit_notes] == [note.number]
    row = next(r for r in tx.list_invoices(session=session, actor=flexis_admin, flt=tx.InvoiceFilter()).rows
               if r.number == taxed_invoice.number)
    assert row.credit_notes == (note.number,)
    with pytest.raises(Conflict):
        issue_credit_note(session=session, actor=flexis_admin, invoice_number=taxed_invoice.number,
                          reason="again", full=True)


def test_partial_credits_never_exceed_the_line_and_add_up_exactly(session, flexis_admin, taxed_invoice):
    exo, e3 = _lines(session, taxed_invoice)
    first = issue_credit_note(session=session, actor=flexis_admin, invoice_number=taxed_invoice.number,
                              reason="1 E3 licence too many", lines=[CreditLine(e3.id, 1)])
    assert first.subtotal_minor == 27633 and first.tax_minor == 5803  # 21% of 276.33 = 58.0293 -> 58.03
    with pytest.raises(ValidationFailed) as caught:
        issue_credit_note(session=session, actor=flexis_admin, invoice_number=taxed_invoice.number,
                          reason="too much", lines=[CreditLine(e3.id, 3)])
    assert "2 unit(s) left" in caught.value.message
    second = issue_credit_note(session=session, actor=flexis_admin, invoice_number=taxed_invoice.number,
                               reason="rest of E3", lines=[CreditLine(e3.id, 2)])
    third = issue_credit_note(session=session, actor=flexis_admin, invoice_number=taxed_invoice.number,
                              reason="all Exchange", lines=[CreditLine(exo.id, 5)])
    total = first.total_minor + second.total_minor + third.total_minor
    assert total == taxed_invoice.total_minor, "the last units credit exactly what is left (no rounding drift)"
    assert second.number != first.number != third.number


@pytest.mark.parametrize("lines, field", [
    ([("e3", -1)], "quantity"),
    ([("e3", 0)], "quantity"),
    ([("e3", 10**9)], "quantity"),
    ([("e3", "two")], "quantity"),
    ([("e3", 1), ("e3", 1)], "lines"),
    ([("other", 1)], "lines"),
])
def test_bad_credit_input_is_refused_and_writes_nothing(session, flexis_admin, taxed_invoice, lines, field):
    exo, e3 = _lines(session, taxed_invoice)
    other_line = session.exec(select(InvoiceLine).where(InvoiceLine.invoice_id != taxed_invoice.id)).first()
    ids = {"e3": e3.id, "other": other_line.id}
    notes, note_lines = _count(session, CreditNote), _count(session, CreditNoteLine)
    audits = _count(session, AuditEvent)
    with pytest.raises(ValidationFailed) as caught:
        issue_credit_note(session=session, actor=flexis_admin, invoice_number=taxed_invoice.number, reason="x",
                          lines=[CreditLine(ids[key], qty) for key, qty in lines])
    assert caught.value.field == field and caught.value.message
    assert (_count(session, CreditNote), _count(session, CreditNoteLine), _count(session, AuditEvent)) == (
        notes, note_lines, audits)


def test_a_reason_is_required(session, flexis_admin, taxed_invoice):
    with pytest.raises(ValidationFailed) as caught:
        issue_credit_note(session=session, actor=flexis_admin, invoice_number=taxed_invoice.number, reason="  ",
                          full=True)
    assert caught.value.field == "reason"


def test_a_void_invoice_cannot_be_credited(session, flexis_admin, taxed_invoice):
    taxed_invoice.status = "void"
    session.add(taxed_invoice)
    session.flush()
    with pytest.raises(Conflict) as caught:
        issue_credit_note(session=session, actor=flexis_admin, invoice_number=taxed_invoice.number,
                          reason="void", full=True)
    assert caught.value.code == "invoice_void"


def test_only_a_billing_admin_of_the_same_organisation_credits(session, taxed_invoice, contoso_admin):
    contract_admin = actor_for(session, "jdevries@flexis.com")
    with pytest.raises(Forbidden):
        issue_credit_note(session=session, actor=contract_admin, invoice_number=taxed_invoice.number,
                          reason="x", full=True)
    with pytest.raises(NotFound):
        issue_credit_note(session=session, actor=contoso_admin, invoice_number=taxed_invoice.number,
                          reason="x", full=True)
    assert session.exec(select(CreditNote).where(CreditNote.invoice_id == taxed_invoice.id)).all() == []


def test_preview_matches_what_is_issued(session, flexis_admin, taxed_invoice):
    exo, _ = _lines(session, taxed_invoice)
    preview = preview_credit_note(session=session, actor=flexis_admin, invoice_number=taxed_invoice.number,
                                  lines=[CreditLine(exo.id, 2)])
    assert _count(session, CreditNote) == _count(session, CreditNote)
    note = issue_credit_note(session=session, actor=flexis_admin, invoice_number=taxed_invoice.number,
                             reason="two fewer", lines=[CreditLine(exo.id, 2)])
    assert preview.total == Money(note.total_minor, "EUR") == Money(10800 + 2268, "EUR")


def test_issued_invoices_are_not_touched_by_credit_notes(session, flexis_admin, taxed_invoice):
    snapshot = (taxed_invoice.number, taxed_invoice.subtotal_minor, taxed_invoice.tax_minor,
                taxed_invoice.total_minor, taxed_invoice.status)
    issue_credit_note(session=session, actor=flexis_admin, invoice_number=taxed_invoice.number, reason="r", full=True)
    fresh = session.get(Invoice, taxed_invoice.id)
    session.refresh(fresh)
    assert (fresh.number, fresh.subtotal_minor, fresh.tax_minor, fresh.total_minor, fresh.status) == snapshot
