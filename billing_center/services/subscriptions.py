"""Subscriptions and their life (issue 8): R-LIC-1, R-LIC-3, R-LIC-4, R-ORD-4..6, R-ACC-3, R-SS-1.

Who sees what: a billing admin every subscription of the organisation; a self-service buyer the ones
they bought; a contract admin those of the contracts they administer. Who changes what: a billing admin
every subscription except self-service ones (R-SS-1: admins get a read-only view of those), a buyer
their own. Another organisation's id is a missing one (NotFound).

Changing the licence total (R-LIC-1) is two steps: :func:`preview_licence_change` prices it on today's
date (``domain/proration.py``: a credit line for the unused days of the old quantity and a charge line
for the new, each rounded once) and returns a token carrying the proration date and the quantity it
started from; :func:`change_licences` locks the subscription, re-prices with the token's date and
issues exactly what was previewed: an invoice charged now (increase), a credit note (decrease within
7 days of purchase or renewal) or a scheduled decrease at the renewal date. Every change leaves an
audit entry on the subscription: that is its history of changes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from billing_center.domain import clock
from billing_center.domain.enums import InvoiceStatus, PaymentKind, PaymentStatus, Role, SubscriptionStatus
from billing_center.domain.errors import Conflict, Forbidden, NotFound, ValidationFailed
from billing_center.domain.money import Money, line_amount, line_taxes, tax_on
from billing_center.domain.proration import Period, early_termination_fee, licence_change
from billing_center.formatting import format_day
from billing_center.i18n import N_
from billing_center.models import (
    AuditEvent,
    CreditNote,
    CreditNoteLine,
    Invoice,
    InvoiceLine,
    LicenceAssignment,
    Organisation,
    Payment,
    PaymentMethod,
    Person,
    Product,
    Subscription,
)
from billing_center.payments.gateway import (
    CardDeclined,
    PaymentError,
    PaymentGateway,
    ProcessorUnavailable,
    get_gateway,
)
from billing_center.services import audit, policy
from billing_center.services.actors import Actor
from billing_center.services.invoicing import LineInput, issue_invoice, tax_rate_for
from billing_center.services.numbering import take_next
from billing_center.services.wallet import card_label, find_card
from billing_center.settings import get_settings

MAX_LICENCES = 3500  # R-ORD-1: one order holds at most 3500
DECREASE_WINDOW_DAYS = 7  # a decrease within 7 days of purchase or renewal takes effect now
PAGE_SIZE = 25
MAX_PO = 64
MAX_FEEDBACK = 2000
NO_PARTIAL_CANCELLATION = ("learning",)  # product families with R-ORD-6
CANCEL_REASONS = {
    "too_expensive": "It is too expensive",
    "not_used": "We no longer use it",
    "switching": "We are switching to another product",
    "missing_features": "It lacks features we need",
    "temporary": "We only needed it for a while",
    "other": "Another reason",
}
LIVE = (SubscriptionStatus.ACTIVE, SubscriptionStatus.TRIAL)
ENDING = (SubscriptionStatus.CANCELLATION_STARTED, SubscriptionStatus.CANCELLED, SubscriptionStatus.EXPIRED)
# A status as a word inside an error's sentence ({status}); the console translates it with the sentence.
STATUS_WORDS = {
    SubscriptionStatus.TRIAL: N_("trial"),
    SubscriptionStatus.ACTIVE: N_("active"),
    SubscriptionStatus.SUSPENDED: N_("suspended"),
    SubscriptionStatus.CANCELLATION_STARTED: N_("cancellation started"),
    SubscriptionStatus.CANCELLED: N_("cancelled"),
    SubscriptionStatus.EXPIRED: N_("expired"),
}


def status_word(status: str) -> str:
    return STATUS_WORDS.get(status, str(status).replace("_", " "))


# --- what the pages show --------------------------------------------------------------------------
@dataclass(frozen=True)
class SubscriptionRow:
    id: int
    product: str
    assigned: int
    quantity: int
    term_months: int
    status: str
    renews_on: date
    auto_renew: bool
    unit_price: Money  # per licence per year
    subtotal: Money
    is_self_service: bool
    scheduled_quantity: int | None
    # A plan billed per monthly active user (R-MAU-1): the price per user per month; it has no licences.
    per_user: Money | None = None


@dataclass(frozen=True)
class SubscriptionList:
    rows: list[SubscriptionRow]
    total: int
    page: int
    pages: int


@dataclass(frozen=True)
class HistoryEntry:
    when: object  # datetime
    who: str
    action: str
    detail: str


@dataclass(frozen=True)
class InvoiceBrief:
    number: str
    issue_date: date
    status: str
    total: Money


@dataclass(frozen=True)
class SubscriptionDetail:
    row: SubscriptionRow
    product_family: str
    billing_frequency: str
    payment_kind: str
    payment_label: str
    po_number: str
    start_date: date
    period_start: date
    buyer: str
    can_manage: bool
    partial_cancellation: bool
    invoice_count: int
    history: list[HistoryEntry]
    cancel_reason: str
    invoices: list[InvoiceBrief]


@dataclass(frozen=True)
class PreviewLine:
    description: str
    quantity: int
    amount: Money  # rounded once; negative for the credit


@dataclass(frozen=True)
class LicencePreview:
    subscription_id: int
    product: str
    old_quantity: int
    new_quantity: int
    proration_date: date
    effective: str  # "now" (invoice or credit note today) or "renewal" (scheduled) or "trial" (no charge)
    effective_on: date
    lines: list[PreviewLine]
    subtotal: Money  # credit + charge
    tax: Money
    total: Money  # charged now (positive) or credited now (negative)
    next_renewal: Money  # what the next renewal costs (new quantity for a year, tax included)
    payment_label: str
    token: str

    @property
    def days_left(self) -> int:
        return (self.effective_on - self.proration_date).days if self.effective == "renewal" else 0


@dataclass(frozen=True)
class ChangeResult:
    subscription_id: int
    quantity: int
    effective: str
    document: str  # invoice or credit note number, "" when scheduled
    total: Money


@dataclass(frozen=True)
class CancellationPreview:
    subscription_id: int
    ends_on: date
    immediate: bool
    fee: Money
    fee_total: Money  # tax included
    explanation: str


# --- finding and scoping ----------------------------------------------------------------------------
def _visible(session: Session, actor: Actor):
    """A WHERE clause of the subscriptions the actor may see, inside their organisation."""
    clause = Subscription.organisation_id == actor.organisation_id
    if actor.role == Role.BILLING_ADMIN:
        return clause
    if actor.role == Role.BUYER:
        return clause & (Subscription.buyer_id == actor.person_id)
    return clause & policy.contract_scope(session, actor, Subscription.contract_id)


def _parse_id(value) -> int:
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or len(text) > 12:
        raise NotFound("subscription")
    return int(text)


def _find(session: Session, actor: Actor, subscription_id, *, lock: bool = False) -> Subscription:
    query = select(Subscription).where(_visible(session, actor), Subscription.id == _parse_id(subscription_id))
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    sub = session.exec(query).first()
    if sub is None:
        raise NotFound("subscription")
    return sub


def _can_manage(actor: Actor, sub: Subscription) -> bool:
    if actor.role == Role.BILLING_ADMIN:
        return not sub.is_self_service
    return actor.role == Role.BUYER and sub.buyer_id == actor.person_id


def _managed(session: Session, actor: Actor, subscription_id, *, lock: bool = True) -> Subscription:
    """The subscription, locked, if the actor may change it (R-SS-1: admins only read self-service ones)."""
    sub = _find(session, actor, subscription_id, lock=lock)
    if not _can_manage(actor, sub):
        raise Forbidden("This subscription was bought through self-service: only its buyer can change it. "
                        "You have a read-only view.")
    return sub


def _assigned(session: Session, sub_ids: list[int]) -> dict[int, int]:
    if not sub_ids:
        return {}
    rows = session.exec(select(LicenceAssignment.subscription_id, func.count()).where(
        LicenceAssignment.subscription_id.in_(sub_ids), LicenceAssignment.revoked_at.is_(None))
        .group_by(LicenceAssignment.subscription_id)).all()
    return dict(rows)


def _row(sub: Subscription, product: Product, assigned: int) -> SubscriptionRow:
    unit = Money(sub.unit_price_minor, sub.currency)
    per_user = Money(product.unit_price_minor, sub.currency) if product.billing_model == "mau" else None
    return SubscriptionRow(id=sub.id, product=product.name, assigned=assigned, quantity=sub.quantity,
                           term_months=sub.term_months, status=sub.status, renews_on=sub.renews_on,
                           auto_renew=sub.auto_renew, unit_price=unit, subtotal=unit.times(sub.quantity),
                           is_self_service=sub.is_self_service, scheduled_quantity=sub.scheduled_quantity,
                           per_user=per_user)


def period_start(sub: Subscription) -> date:
    """The first day of the current term (the purchase or the last renewal)."""
    return max(sub.start_date, clock.add_months(sub.renews_on, -sub.term_months))


def owner_email(session: Session, sub: Subscription) -> str:
    """Who hears about the subscription's billing: its buyer, or the organisation's first billing admin."""
    if sub.buyer_id:
        person = session.get(Person, sub.buyer_id)
        if person is not None:
            return person.email
    admin = session.exec(select(Person.email).where(Person.organisation_id == sub.organisation_id,
                                                    Person.role == Role.BILLING_ADMIN).order_by(Person.id)).first()
    return admin or ""


# --- listing and the subscription page ----------------------------------------------------------------
STATUS_FILTERS = tuple(s.value for s in SubscriptionStatus)


@policy.allowed(*policy.CUSTOMERS)
def list_subscriptions(*, session: Session, actor: Actor, status: str = "", self_service: str = "",
                       page: int = 1, page_size: int = PAGE_SIZE) -> SubscriptionList:
    """R-LIC-4: a page of the subscriptions the actor sees, filtered by status and by "self-service"."""
    status = (status or "").strip().lower()
    if status and status not in STATUS_FILTERS:
        raise ValidationFailed("status", "Choose a status from the list.")
    query = select(Subscription, Product).join(Product, Product.id == Subscription.product_id) \
        .where(_visible(session, actor))
    if status:
        query = query.where(Subscription.status == status)
    if self_service in ("yes", "no"):
        query = query.where(Subscription.is_self_service == (self_service == "yes"))
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    pages = max(1, -(-total // page_size))
    page = min(max(1, int(page or 1)), pages)
    found = session.exec(query.order_by(Product.name, Subscription.id).offset((page - 1) * page_size)
                         .limit(page_size)).all()
    assigned = _assigned(session, [s.id for s, _ in found])
    return SubscriptionList(rows=[_row(s, product, assigned.get(s.id, 0)) for s, product in found], total=total,
                            page=page, pages=pages)


def _payment_label(session: Session, sub: Subscription) -> str:
    if sub.payment_kind != PaymentKind.CARD:
        return "Invoice"
    return card_label(session.get(PaymentMethod, sub.payment_method_id) if sub.payment_method_id else None)


def _history(session: Session, sub: Subscription, limit: int = 50) -> list[HistoryEntry]:
    from billing_center.services.audit_log import action_label

    events = session.exec(select(AuditEvent).where(
        AuditEvent.organisation_id == sub.organisation_id, AuditEvent.target_type == "subscription",
        AuditEvent.target_id == str(sub.id)).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)).all()
    return [HistoryEntry(when=e.at, who=e.actor_email or "Billing Center", action=action_label(e.action),
                         detail=e.detail) for e in events]


@policy.allowed(*policy.CUSTOMERS)
def get_subscription(*, session: Session, actor: Actor, subscription_id) -> SubscriptionDetail:
    """R-LIC-4: the subscription page: term, auto-renew, licences, price, payment, PO number, history."""
    sub = _find(session, actor, subscription_id)
    product = session.get(Product, sub.product_id)
    buyer = session.get(Person, sub.buyer_id) if sub.buyer_id else None
    of_sub = (Invoice.organisation_id == sub.organisation_id) & (Invoice.subscription_id == sub.id)
    invoices = session.exec(select(func.count()).select_from(Invoice).where(of_sub)).one()
    recent = session.exec(select(Invoice).where(of_sub).order_by(Invoice.issue_date.desc(), Invoice.id.desc())
                          .limit(10)).all()
    return SubscriptionDetail(
        row=_row(sub, product, _assigned(session, [sub.id]).get(sub.id, 0)), product_family=product.family,
        billing_frequency=sub.billing_frequency, payment_kind=sub.payment_kind,
        payment_label=_payment_label(session, sub), po_number=sub.po_number or "", start_date=sub.start_date,
        period_start=period_start(sub), buyer=buyer.full_name if buyer else "", can_manage=_can_manage(actor, sub),
        partial_cancellation=product.family not in NO_PARTIAL_CANCELLATION, invoice_count=invoices,
        history=_history(session, sub), cancel_reason=CANCEL_REASONS.get(sub.cancel_reason or "", ""),
        invoices=[InvoiceBrief(i.number, i.issue_date, i.status, Money(i.total_minor, i.currency)) for i in recent],
    )


# --- changing the licence total (R-LIC-1) -----------------------------------------------------------
def parse_total(value) -> int:
    text = str(value if value is not None else "").strip()
    if not text:
        raise ValidationFailed("new_total", "Enter the new total number of licences.")
    if isinstance(value, bool) or not text.lstrip("-+").isdigit():
        raise ValidationFailed("new_total", "Enter a whole number of licences, such as 105.")
    if len(text) > 9:
        raise ValidationFailed("new_total", "A subscription holds at most {count} licences.", count=MAX_LICENCES)
    return int(text)


def _check_total(session: Session, sub: Subscription, product: Product, new_total) -> int:
    if product.billing_model == "mau":
        raise ValidationFailed("new_total", "This plan is billed per monthly active user: it has no licences to "
                                            "buy or remove.")
    total = parse_total(new_total)
    if total < 0:
        raise ValidationFailed("new_total", "The number of licences cannot be negative.")
    if total == 0:
        raise ValidationFailed("new_total", "A subscription keeps at least 1 licence. To stop it, cancel the "
                                            "subscription.")
    limit = min(MAX_LICENCES, product.max_seats_per_order or MAX_LICENCES)
    if total > limit:
        raise ValidationFailed("new_total", "A subscription holds at most {count} licences. For more, ask sales "
                                            "for an activation key.", count=limit)
    if total == sub.quantity:
        raise ValidationFailed("new_total", "The subscription already has {count} licences. Enter the new total.",
                               count=total)
    assigned = _assigned(session, [sub.id]).get(sub.id, 0)
    if total < assigned:
        raise ValidationFailed("new_total", "{assigned} licences are assigned. Unassign {excess} first, or enter "
                                            "at least {assigned}.", assigned=assigned, excess=assigned - total)
    if sub.status not in LIVE:
        raise Conflict("A subscription that is {status} cannot change its licences.", code="subscription_not_live",
                       status=status_word(sub.status), words=("status",))
    return total


def _token(proration_date: date, old: int, new: int, total: Money) -> str:
    return f"{proration_date.isoformat()}~{old}~{new}~{total.amount_minor}"


def _price_change(session: Session, sub: Subscription, product: Product, new_total: int,
                  on: date) -> LicencePreview:
    """Price the change on ``on``: the one place the preview and the confirmation both come from."""
    org = session.get(Organisation, sub.organisation_id)
    rate, _ = tax_rate_for(org, get_settings().seller_country)
    unit = Money(sub.unit_price_minor, sub.currency)
    renewal_net = line_amount(unit, new_total)
    next_renewal = renewal_net + tax_on(renewal_net, rate)
    zero = Money.zero(sub.currency)
    common = dict(subscription_id=sub.id, product=product.name, old_quantity=sub.quantity, new_quantity=new_total,
                  proration_date=on, next_renewal=next_renewal, payment_label=_payment_label(session, sub))
    if sub.status == SubscriptionStatus.TRIAL:
        return LicencePreview(**common, effective="trial", effective_on=on, lines=[], subtotal=zero, tax=zero,
                              total=zero, token=_token(on, sub.quantity, new_total, zero))
    start = period_start(sub)
    if on >= sub.renews_on:
        raise Conflict("This subscription renews today. Change its licences after the renewal.",
                       code="renewal_due")
    decrease = new_total < sub.quantity
    if decrease and (on - start).days > DECREASE_WINDOW_DAYS:
        if product.family in NO_PARTIAL_CANCELLATION:
            raise ValidationFailed("new_total", "This plan cannot be reduced during its term (R-ORD-6). Turn off "
                                                "auto-renew or cancel it at the end of the billing cycle, then "
                                                "buy the number of licences you need.")
        return LicencePreview(**common, effective="renewal", effective_on=sub.renews_on, lines=[], subtotal=zero,
                              tax=zero, total=zero, token=_token(on, sub.quantity, new_total, zero))
    period = Period(start=start, end=sub.renews_on, on=on)
    change = licence_change(unit, sub.quantity, new_total, period)
    days = f"{period.days_left} of {period.days_in_term} days, {format_day(on, 'en')} - " \
           f"{format_day(sub.renews_on - timedelta(days=1), 'en')}"
    lines = [PreviewLine(f"Unused time on {sub.quantity} x {product.name} ({days})", sub.quantity, change.credit),
             PreviewLine(f"Remaining time on {new_total} x {product.name} ({days})", new_total, change.charge)]
    tax = Money(sum(t.amount_minor for t in line_taxes([change.credit, change.charge], rate)), sub.currency)
    total = change.net + tax
    return LicencePreview(**common, effective="now", effective_on=on, lines=lines, subtotal=change.net, tax=tax,
                          total=total, token=_token(on, sub.quantity, new_total, total))


@policy.allowed(*policy.BUYERS)
def preview_licence_change(*, session: Session, actor: Actor, subscription_id, new_total) -> LicencePreview:
    """What entering ``new_total`` would do today: the prorated lines, the net now, the next renewal."""
    sub = _managed(session, actor, subscription_id, lock=False)
    product = session.get(Product, sub.product_id)
    total = _check_total(session, sub, product, new_total)
    return _price_change(session, sub, product, total, clock.today())


def _read_token(token: str) -> tuple[date, int, str, int]:
    try:
        day, old, new, total = (token or "").split("~")
        return date.fromisoformat(day), int(old), new, int(total)
    except ValueError:
        raise ValidationFailed("new_total", "Review the change again before confirming.") from None


@policy.allowed(*policy.BUYERS)
def change_licences(*, session: Session, actor: Actor, subscription_id, new_total, preview_token: str,
                    gateway: PaymentGateway | None = None) -> ChangeResult:
    """Confirm a previewed change: issues exactly what the preview showed, or changes nothing."""
    day, old, previewed_total, previewed_amount = _read_token(preview_token)
    sub = _managed(session, actor, subscription_id)
    product = session.get(Product, sub.product_id)
    total = _check_total(session, sub, product, new_total) if sub.quantity == old else None
    if total is None:
        raise Conflict("The licences changed since this preview (now {count}). Review the change again.",
                       code="preview_stale", count=sub.quantity)
    if str(total) != previewed_total:
        raise ValidationFailed("new_total", "The total differs from the preview. Review the change again.")
    if day != clock.today():
        raise Conflict("This preview was priced on another day. Review the change again.", code="preview_stale")
    preview = _price_change(session, sub, product, total, day)
    if preview.total.amount_minor != previewed_amount:
        raise Conflict("The price changed since this preview. Review the change again.", code="preview_stale")
    document = ""
    if preview.effective == "renewal":
        sub.scheduled_quantity = total
        action, detail = "licence_decrease_scheduled", f"{sub.quantity} -> {total} licences on " \
                                                       f"{sub.renews_on.isoformat()}"
    else:
        if preview.effective == "now" and preview.total.amount_minor >= 0:
            document = _invoice_change(session, sub, preview, gateway or get_gateway()).number
        elif preview.effective == "now":
            document = _credit_change(session, actor, sub, preview).number
        action, detail = "licences_changed", f"{sub.quantity} -> {total} licences"
        sub.quantity = total
        sub.scheduled_quantity = None
    if document:
        detail += f", {document} {preview.total.plain()} {preview.total.currency}"
    session.add(sub)
    audit.record(session=session, action=action, actor=actor, target_type="subscription", target_id=sub.id,
                 detail=detail)
    session.flush()
    return ChangeResult(subscription_id=sub.id, quantity=total, effective=preview.effective, document=document,
                        total=preview.total)


def _invoice_change(session: Session, sub: Subscription, preview: LicencePreview,
                    gateway: PaymentGateway) -> Invoice:
    org = session.get(Organisation, sub.organisation_id)
    invoice = bill(session, org, sub, [LineInput(preview.product, ln.quantity, Money(sub.unit_price_minor,
                                                                                    sub.currency), ln.description,
                                                 amount=ln.amount) for ln in preview.lines],
                   period=(preview.proration_date, sub.renews_on - timedelta(days=1)))
    if invoice.total_minor != preview.total.amount_minor:  # the preview and the invoice come from one pricing
        raise AssertionError("the invoice differs from the preview")
    if sub.payment_kind == PaymentKind.CARD and invoice.total_minor > 0:
        failure = charge_invoice(session, sub, invoice, gateway, key=f"licences:{sub.id}:{invoice.number}")
        if failure:
            raise ValidationFailed("payment", "Your card was not charged, nothing changed: {failure}",
                                   failure=failure, words=("failure",))
    return invoice


def bill(session: Session, org: Organisation, sub: Subscription, lines: list[LineInput], *,
         period: tuple[date, date], today: date | None = None) -> Invoice:
    """Issue an invoice for the subscription on its payment method (cards: due today; invoice: net 30)."""
    today = today or clock.today()
    card = session.get(PaymentMethod, sub.payment_method_id) if sub.payment_kind == PaymentKind.CARD else None
    return issue_invoice(session=session, organisation=org, lines=lines, currency=sub.currency, issue_date=today,
                         due_date=today if card else today + timedelta(days=30),
                         seller_country=get_settings().seller_country, period_start=period[0],
                         period_end=period[1], contract_id=sub.contract_id, subscription_id=sub.id,
                         billing_profile_id=sub.billing_profile_id, payment_kind=sub.payment_kind,
                         payment_method_id=card.id if card else None, payment_method_label=card_label(card))


# Why a charge failed, in our words; an error's {failure} is one of these (translated at the edge, see
# ``words``) or the processor's own text (left as it is).
DECLINE_WORDS = {
    "card_declined": N_("the bank declined the card."),
    "insufficient_funds": N_("the card has insufficient funds."),
    "expired_card": N_("the card has expired."),
}


def charge_invoice(session: Session, sub: Subscription, invoice: Invoice, gateway: PaymentGateway, *,
                   key: str) -> str:
    """Charge the subscription's card for the invoice. "" when paid (the invoice is then marked paid),
    otherwise why not; a failed attempt is recorded as a failed payment."""
    card = session.get(PaymentMethod, sub.payment_method_id) if sub.payment_method_id else None
    amount = Money(invoice.total_minor, invoice.currency)
    if card is None or card.deleted_at is not None:
        return N_("the subscription has no card to charge.")
    # The key names this attempt: same invoice, card and amount -> same key, so a retry after a lost
    # reply gets the charge already made; another card or amount is another request.
    digest = hashlib.sha256(f"{card.processor_token}|{amount.amount_minor}|{amount.currency}".encode()).hexdigest()
    key = f"{key}:{digest[:16]}"
    try:
        charge = gateway.charge(token=card.processor_token, amount=amount, idempotency_key=key,
                                description=f"{invoice.number} subscription {sub.id}")
    except CardDeclined as exc:
        reason, code = DECLINE_WORDS.get(exc.code, exc.message), exc.code
    except PaymentError as exc:
        reason, code = exc.message, exc.code
    except ProcessorUnavailable:
        reason, code = N_("the payment processor did not answer; try again in a moment."), "processor_unavailable"
    else:
        invoice.status = InvoiceStatus.PAID
        invoice.paid_at = clock.now()
        session.add(invoice)
        session.add(Payment(organisation_id=sub.organisation_id, invoice_id=invoice.id, payment_method_id=card.id,
                            amount_minor=amount.amount_minor, currency=amount.currency,
                            status=PaymentStatus.SUCCEEDED, processor_charge_id=charge.charge_id,
                            idempotency_key=key[:80]))
        return ""
    session.add(Payment(organisation_id=sub.organisation_id, invoice_id=invoice.id, payment_method_id=card.id,
                        amount_minor=amount.amount_minor, currency=amount.currency, status=PaymentStatus.FAILED,
                        idempotency_key=key[:80], failure_code=code[:40], failure_message=reason[:300]))
    return reason


def _credit_change(session: Session, actor: Actor, sub: Subscription, preview: LicencePreview) -> CreditNote:
    """A decrease within the window: a credit note on the term's invoice for exactly the preview's net."""
    invoice = session.exec(select(Invoice).where(
        Invoice.organisation_id == sub.organisation_id, Invoice.subscription_id == sub.id,
        Invoice.status.in_((InvoiceStatus.OPEN, InvoiceStatus.PAID)), Invoice.total_minor > 0)
        .order_by(Invoice.issue_date.desc(), Invoice.id.desc()).with_for_update()).first()
    line = session.exec(select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id)
                        .order_by(InvoiceLine.position)).first() if invoice else None
    credit = -preview.total.amount_minor
    credited = sum(int(t) for t in session.exec(select(CreditNote.total_minor)
                                                .where(CreditNote.invoice_id == invoice.id)).all()) if invoice else 0
    if line is None or credited + credit > int(invoice.total_minor):
        raise Conflict("There is no invoice of this term left to credit. Ask support to reduce the licences.",
                       code="nothing_to_credit")
    sequence, number = take_next(session=session, code="CN")
    note = CreditNote(organisation_id=sub.organisation_id, invoice_id=invoice.id, number=number, series="CN",
                      sequence=sequence, issue_date=clock.today(),
                      reason=f"Licences reduced from {preview.old_quantity} to {preview.new_quantity}, prorated",
                      currency=sub.currency, subtotal_minor=-preview.subtotal.amount_minor,
                      tax_minor=-preview.tax.amount_minor, total_minor=credit, created_by_id=actor.person_id)
    session.add(note)
    session.flush()
    session.add(CreditNoteLine(credit_note_id=note.id, invoice_line_id=line.id,
                               quantity=preview.old_quantity - preview.new_quantity,
                               amount_minor=-preview.subtotal.amount_minor, tax_minor=-preview.tax.amount_minor))
    return note


@policy.allowed(*policy.BUYERS)
def undo_scheduled_change(*, session: Session, actor: Actor, subscription_id) -> Subscription:
    """Withdraw a decrease waiting for the renewal date."""
    sub = _managed(session, actor, subscription_id)
    if sub.scheduled_quantity is None:
        raise Conflict("No change is scheduled for this subscription.", code="nothing_scheduled")
    detail = f"{sub.quantity} licences kept (the change to {sub.scheduled_quantity} is withdrawn)"
    sub.scheduled_quantity = None
    session.add(sub)
    audit.record(session=session, action="scheduled_change_undone", actor=actor, target_type="subscription",
                 target_id=sub.id, detail=detail)
    session.flush()
    return sub


# --- auto-renew, PO number, payment method -----------------------------------------------------------
@policy.allowed(*policy.BUYERS)
def set_auto_renew(*, session: Session, actor: Actor, subscription_id, on: bool) -> Subscription:
    """R-LIC-4: turning auto-renew off ends the subscription on its renewal date and cancels scheduled
    changes; turning it on again keeps it renewing."""
    sub = _managed(session, actor, subscription_id)
    if sub.status not in (SubscriptionStatus.ACTIVE, SubscriptionStatus.SUSPENDED):
        raise Conflict("A subscription that is {status} has no auto-renew to change.", code="subscription_not_live",
                       status=status_word(sub.status), words=("status",))
    if sub.auto_renew == bool(on):
        if on:
            raise Conflict("Auto-renew is already on.", code="unchanged")
        raise Conflict("Auto-renew is already off.", code="unchanged")
    sub.auto_renew = bool(on)
    detail = f"renews on {sub.renews_on.isoformat()}" if on else f"ends on {sub.renews_on.isoformat()}"
    if not on and sub.scheduled_quantity is not None:
        detail += f"; scheduled change to {sub.scheduled_quantity} licences cancelled"
        sub.scheduled_quantity = None
    session.add(sub)
    audit.record(session=session, action="auto_renew_on" if on else "auto_renew_off", actor=actor,
                 target_type="subscription", target_id=sub.id, detail=detail)
    session.flush()
    return sub


def clean_po_number(value: str) -> str | None:
    text = (value or "").strip()
    if not text:
        return None
    if len(text) > MAX_PO:
        raise ValidationFailed("po_number", "Use at most {count} characters.", count=MAX_PO)
    if not all(ch.isalnum() or ch in "-/._ " for ch in text):
        raise ValidationFailed("po_number", "Use letters, digits, spaces and - / . _ only.")
    return text


@policy.allowed(*policy.BUYERS)
def set_po_number(*, session: Session, actor: Actor, subscription_id, po_number: str) -> Subscription:
    """R-LIC-4: the PO number printed on the subscription's next invoices (empty removes it)."""
    sub = _managed(session, actor, subscription_id)
    value = clean_po_number(po_number)
    if value == sub.po_number:
        raise ValidationFailed("po_number", "This is already the PO number.")
    sub.po_number = value
    session.add(sub)
    audit.record(session=session, action="po_number_changed", actor=actor, target_type="subscription",
                 target_id=sub.id, detail=value or "removed")
    session.flush()
    return sub


@policy.allowed(*policy.BUYERS)
def set_payment_method(*, session: Session, actor: Actor, subscription_id, card_id,
                       gateway: PaymentGateway | None = None) -> Subscription:
    """R-ORD-5: pay the subscription with another card of the wallet. A suspended subscription's open
    renewal is charged on the new card at once; paid, it is active again (R-ORD-4)."""
    sub = _managed(session, actor, subscription_id)
    if sub.status in ENDING:
        raise Conflict("A cancelled subscription's payment method cannot change.", code="subscription_not_live")
    card = find_card(session, actor.organisation_id, card_id)
    sub.payment_method_id = card.id
    sub.payment_kind = PaymentKind.CARD
    session.add(sub)
    audit.record(session=session, action="subscription_payment_method", actor=actor, target_type="subscription",
                 target_id=sub.id, detail=card_label(card))
    if sub.dunning_attempts or sub.status == SubscriptionStatus.SUSPENDED:
        from billing_center.services.renewals import retry_open_renewal

        failure = retry_open_renewal(session, sub, gateway or get_gateway(), who=actor.email)
        if failure:
            raise ValidationFailed("card", "The unpaid renewal could not be charged on this card, nothing "
                                           "changed: {failure}", failure=failure, words=("failure",))
    session.flush()
    return sub


# --- cancellation (R-LIC-3, R-ACC-3) -------------------------------------------------------------------
def _cancellation(session: Session, sub: Subscription, on: date) -> CancellationPreview:
    zero = Money.zero(sub.currency)
    if sub.status in ENDING:
        raise Conflict("This subscription is already {status}.", code="already_cancelled",
                       status=status_word(sub.status), words=("status",))
    if sub.status == SubscriptionStatus.TRIAL:
        return CancellationPreview(sub.id, on, True, zero, zero, "The trial ends today. Nothing is charged.")
    if sub.billing_frequency in ("monthly", "quarterly") and on < sub.renews_on:
        # A committed annual term billed in instalments: the rest of the commitment is not paid yet.
        period = Period(start=period_start(sub), end=sub.renews_on, on=on)
        fee = early_termination_fee(Money(sub.unit_price_minor, sub.currency), sub.quantity, period)
        org = session.get(Organisation, sub.organisation_id)
        rate, _ = tax_rate_for(org, get_settings().seller_country)
        return CancellationPreview(
            sub.id, on, True, fee, fee + tax_on(fee, rate),
            f"The subscription ends today. The early termination fee is 50% of the {period.days_left} days left "
            f"of the committed term, invoiced now.")
    return CancellationPreview(sub.id, sub.renews_on, False, zero, zero,
                               "The subscription stays usable until the end of the paid term, then ends. "
                               "Nothing more is charged.")


@policy.allowed(*policy.BUYERS)
def preview_cancellation(*, session: Session, actor: Actor, subscription_id) -> CancellationPreview:
    sub = _managed(session, actor, subscription_id, lock=False)
    return _cancellation(session, sub, clock.today())


@policy.allowed(*policy.BUYERS)
def cancel_subscription(*, session: Session, actor: Actor, subscription_id, reason: str, feedback: str = "",
                        expected_fee_minor: int | None = None,
                        gateway: PaymentGateway | None = None) -> CancellationPreview:
    """R-LIC-3: cancel with a reason and optional feedback. Annual prepaid: Cancellation started, then
    Cancelled on the end date (a scheduled job). Billed in instalments: Cancelled now, the early
    termination fee (R-ACC-3) invoiced (and charged to the card) at once. A trial ends at once."""
    reason = (reason or "").strip()
    if reason not in CANCEL_REASONS:
        raise ValidationFailed("reason", "Choose a reason for cancelling.")
    feedback = (feedback or "").strip()
    if len(feedback) > MAX_FEEDBACK:
        raise ValidationFailed("feedback", "Keep the feedback under {count} characters.", count=MAX_FEEDBACK)
    sub = _managed(session, actor, subscription_id)
    preview = _cancellation(session, sub, clock.today())
    if expected_fee_minor is not None and expected_fee_minor != preview.fee_total.amount_minor:
        raise Conflict("The fee changed since you opened this dialog. Review it again.", code="preview_stale")
    detail = CANCEL_REASONS[reason]
    if preview.fee.amount_minor > 0:
        org = session.get(Organisation, sub.organisation_id)
        product = session.get(Product, sub.product_id)
        invoice = bill(session, org, sub, [LineInput(
            f"Early termination fee, {product.name}", 1, preview.fee, "50% of the remaining committed period")],
            period=(preview.ends_on, sub.renews_on - timedelta(days=1)))
        if sub.payment_kind == PaymentKind.CARD:
            failure = charge_invoice(session, sub, invoice, gateway or get_gateway(), key=f"fee:{invoice.number}")
            if failure:
                raise ValidationFailed("payment", "The fee could not be charged, nothing changed: {failure}",
                                       failure=failure, words=("failure",))
        detail += f"; fee {invoice.number} {preview.fee_total.plain()} {preview.fee_total.currency}"
    sub.cancel_reason, sub.cancel_feedback = reason, feedback or None
    sub.auto_renew = False
    sub.scheduled_quantity = None
    sub.cancelled_at = clock.now()
    if preview.immediate:
        sub.status = SubscriptionStatus.CANCELLED
        sub.renews_on = max(preview.ends_on, sub.start_date + timedelta(days=1))
    else:
        sub.status = SubscriptionStatus.CANCELLATION_STARTED
    session.add(sub)
    audit.record(session=session, action="subscription_cancelled", actor=actor, target_type="subscription",
                 target_id=sub.id, detail=f"ends {preview.ends_on.isoformat()}: {detail}")
    session.flush()
    return preview
