"""Credit notes: the only correction of an issued invoice (R-INV-4).

A billing admin credits an issued invoice in full or some of its lines, with a reason. The credit
note takes the next number of its own series (CN) inside the same transaction, never exceeds what
is left to credit on the invoice (per line and in total) and leaves the invoice itself untouched.
Guards first, then the invoice row is locked, then the note is written.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from billing_center.domain import clock
from billing_center.domain.enums import InvoiceStatus
from billing_center.domain.errors import Conflict, NotFound, ValidationFailed
from billing_center.domain.money import Money, line_amount, tax_on
from billing_center.models import CreditNote, CreditNoteLine, Invoice, InvoiceLine
from billing_center.services import audit, policy
from billing_center.services.actors import Actor
from billing_center.services.invoices import PricedLine, find_invoice
from billing_center.services.numbering import take_next

MAX_REASON = 500


@dataclass(frozen=True)
class CreditLine:
    """Credit ``quantity`` units of the invoice line ``invoice_line_id``."""

    invoice_line_id: int
    quantity: int


def _quantity(value) -> int:
    if isinstance(value, bool):
        raise ValidationFailed("quantity", "Enter a whole number of units.")
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if not text.lstrip("-").isdigit():
        raise ValidationFailed("quantity", "Enter a whole number of units.")
    return int(text)


@dataclass(frozen=True)
class CreditPreview:
    invoice: Invoice
    priced: list  # (InvoiceLine, quantity, amount_minor, tax_minor)
    subtotal: Money
    tax: Money

    @property
    def total(self) -> Money:
        return self.subtotal + self.tax


@policy.allowed(*policy.BILLING_ADMIN)
def preview_credit_note(
    *, session: Session, actor: Actor, invoice_number: str, lines: list[CreditLine] | None = None,
    full: bool = False, lock: bool = False,
) -> CreditPreview:
    """What a credit note would credit, with every check of issuing one; writes nothing."""
    invoice = find_invoice(session=session, actor=actor, number=invoice_number)
    if lock:
        # Lock the invoice row: two credit notes for one invoice are taken one after the other.
        invoice = session.exec(select(Invoice).where(Invoice.id == invoice.id).with_for_update()).one()
    if invoice.status == InvoiceStatus.VOID:
        raise Conflict("A void invoice cannot be credited.", code="invoice_void")
    if invoice.status not in (InvoiceStatus.OPEN, InvoiceStatus.PAID):
        raise Conflict("Only an issued invoice can be credited.", code="invoice_not_issued")

    invoice_lines = {ln.id: ln for ln in session.exec(select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id))}
    already: dict[int, list[int]] = {line_id: [0, 0, 0] for line_id in invoice_lines}
    for line_id, qty, amount, tax in session.exec(
        select(CreditNoteLine.invoice_line_id, CreditNoteLine.quantity, CreditNoteLine.amount_minor,
               CreditNoteLine.tax_minor).where(CreditNoteLine.invoice_line_id.in_(list(invoice_lines) or [-1]))
    ).all():
        already[line_id][0] += qty
        already[line_id][1] += int(amount)
        already[line_id][2] += int(tax)

    if full:
        wanted = [CreditLine(line_id, ln.quantity - already[line_id][0]) for line_id, ln in invoice_lines.items()
                  if ln.quantity - already[line_id][0] > 0]
        if not wanted:
            raise Conflict("Nothing is left to credit on this invoice.", code="nothing_to_credit")
    else:
        wanted = []
        seen = set()
        for item in lines or []:
            line_id = item.invoice_line_id
            if line_id not in invoice_lines:
                raise ValidationFailed("lines", "That line is not on this invoice.")
            if line_id in seen:
                raise ValidationFailed("lines", "Each line can appear once in a credit note.")
            seen.add(line_id)
            qty = _quantity(item.quantity)
            if qty < 0:
                raise ValidationFailed("quantity", "A quantity to credit cannot be negative.")
            if qty == 0:
                continue
            left = invoice_lines[line_id].quantity - already[line_id][0]
            if qty > left:
                raise ValidationFailed("quantity", "Line {line} has {count} unit(s) left to credit.",
                                       line=invoice_lines[line_id].position, count=left)
            wanted.append(CreditLine(line_id, qty))
        if not wanted:
            raise ValidationFailed("quantity", "Choose at least one unit to credit.")

    currency = invoice.currency
    priced = []
    subtotal = tax = 0
    for item in wanted:
        ln = invoice_lines[item.invoice_line_id]
        done_qty, done_amount, done_tax = already[ln.id]
        if done_qty + item.quantity == ln.quantity:
            # The last units of a line credit exactly what is left: rounding never drifts.
            amount = int(ln.amount_minor) - done_amount
            vat = int(ln.tax_minor) - done_tax
        else:
            amount = line_amount(Money(int(ln.unit_price_minor), currency), item.quantity).amount_minor
            vat = tax_on(Money(amount, currency), ln.tax_rate_bp).amount_minor
        priced.append((ln, item.quantity, amount, vat))
        subtotal += amount
        tax += vat

    credited_before = sum(int(t) for t in session.exec(
        select(CreditNote.total_minor).where(CreditNote.invoice_id == invoice.id)).all())
    if credited_before + subtotal + tax > int(invoice.total_minor):
        raise ValidationFailed("quantity", "A credit note cannot exceed what is left to credit on the invoice.")
    return CreditPreview(invoice=invoice, priced=priced, subtotal=Money(subtotal, currency), tax=Money(tax, currency))


@policy.allowed(*policy.BILLING_ADMIN)
def issue_credit_note(
    *,
    session: Session,
    actor: Actor,
    invoice_number: str,
    reason: str,
    lines: list[CreditLine] | None = None,
    full: bool = False,
) -> CreditNote:
    """Credit the whole invoice (``full=True``: everything still creditable) or the given lines."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("reason", "Give the reason for the credit note.")
    if len(reason) > MAX_REASON:
        raise ValidationFailed("reason", "Keep the reason under {count} characters.", count=MAX_REASON)
    preview = preview_credit_note(session=session, actor=actor, invoice_number=invoice_number, lines=lines,
                                  full=full, lock=True)
    invoice, priced, currency = preview.invoice, preview.priced, preview.invoice.currency
    subtotal, tax = preview.subtotal.amount_minor, preview.tax.amount_minor
    sequence, number = take_next(session=session, code="CN")
    note = CreditNote(
        organisation_id=actor.organisation_id, invoice_id=invoice.id, number=number, series="CN",
        sequence=sequence, issue_date=clock.today(), reason=reason, currency=currency,
        subtotal_minor=subtotal, tax_minor=tax, total_minor=subtotal + tax, created_by_id=actor.person_id,
    )
    session.add(note)
    session.flush()
    for ln, qty, amount, vat in priced:
        session.add(CreditNoteLine(credit_note_id=note.id, invoice_line_id=ln.id, quantity=qty,
                                   amount_minor=amount, tax_minor=vat))
    audit.record(session=session, action="credit_note_issued", actor=actor, target_type="invoice",
                 target_id=invoice.number, detail=f"{number}: {subtotal + tax} {currency} minor units; {reason}")
    session.flush()
    return note


@policy.allowed(*policy.CUSTOMERS)
def find_credit_note(*, session: Session, actor: Actor, number: str) -> tuple[CreditNote, Invoice,
                                                                             list[PricedLine]]:
    """A credit note the actor may see: its invoice must be visible to them."""
    note = session.exec(select(CreditNote).where(CreditNote.organisation_id == actor.organisation_id,
                                                 CreditNote.number == (number or "").strip())).first()
    invoice = session.get(Invoice, note.invoice_id) if note is not None else None
    if invoice is None or not policy.can_see_contract(session, actor, invoice.contract_id):
        raise NotFound("credit note")
    cur = note.currency
    rows = session.exec(
        select(CreditNoteLine, InvoiceLine).join(InvoiceLine, InvoiceLine.id == CreditNoteLine.invoice_line_id)
        .where(CreditNoteLine.credit_note_id == note.id).order_by(InvoiceLine.position)
    ).all()
    views = [PricedLine(product=il.product_name, description=il.description, quantity=cl.quantity,
                                unit_price=Money(int(il.unit_price_minor), cur),
                                amount=Money(int(cl.amount_minor), cur), tax_rate_bp=il.tax_rate_bp,
                                tax=Money(int(cl.tax_minor), cur)) for cl, il in rows]
    return note, invoice, views
