"""R-PAY-1, R-PAY-2: the organisation's wallet of cards.

Only the processor's token, brand, last 4 digits and expiry are stored. A card is added from a token
the browser obtained at the processor; the processor verifies it (a zero-amount authorisation) before
it enters the wallet. The default card is used for future purchases only: contracts and subscriptions
keep the card they have until it is changed for them.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, select

from billing_center.domain import clock
from billing_center.domain.enums import PaymentKind
from billing_center.domain.errors import NotFound, ValidationFailed
from billing_center.models import BillingProfile, Contract, PaymentMethod, Product, Subscription
from billing_center.payments.declines import decline_reason
from billing_center.payments.gateway import CardDeclined, PaymentError, PaymentGateway, ProcessorUnavailable
from billing_center.services import audit, policy
from billing_center.services.actors import Actor

LIVE_SUBSCRIPTIONS = ("active", "trial", "suspended")
MAX_NAME, MAX_ADDRESS = 200, 400


@dataclass(frozen=True)
class CardView:
    id: int
    brand: str
    last4: str
    exp_month: int
    exp_year: int
    holder_name: str
    address: str
    is_default: bool
    expired: bool
    used_by: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.brand} - {self.last4}"

    @property
    def expiry(self) -> str:
        return f"{self.exp_month:02d}/{self.exp_year % 100:02d}"


def card_label(card: PaymentMethod | None) -> str:
    return f"{card.brand} - {card.last4}" if card else "Invoice"


def _live_cards(session: Session, org_id: int):
    return select(PaymentMethod).where(PaymentMethod.organisation_id == org_id, PaymentMethod.deleted_at.is_(None))


def find_card(session: Session, organisation_id: int, card_id: int | None) -> PaymentMethod:
    """A live card of the organisation; another organisation's id is a missing one (R-SEC-1).
    Not a use case: the use cases that pay with a card call it after their own role check."""
    card = session.exec(_live_cards(session, organisation_id).where(PaymentMethod.id == card_id)).first()
    if card is None:
        raise NotFound("payment method")
    return card


def _uses(session: Session, org_id: int, card_id: int) -> list[str]:
    """What this card pays today: live subscriptions and active contracts."""
    products, contracts = _paid_by(session, org_id, card_id)
    return [*products, *[f"contract {n}" for n in contracts]]


def _paid_by(session: Session, org_id: int, card_id: int) -> tuple[list[str], list[str]]:
    """The products of the live subscriptions and the numbers of the active contracts this card pays."""
    subs = session.exec(
        select(Product.name)
        .join(Subscription, Subscription.product_id == Product.id)
        .where(Subscription.organisation_id == org_id, Subscription.payment_method_id == card_id,
               Subscription.payment_kind == PaymentKind.CARD, Subscription.status.in_(LIVE_SUBSCRIPTIONS))
        .order_by(Product.name)
    ).all()
    contracts = session.exec(
        select(Contract.number).where(Contract.organisation_id == org_id, Contract.payment_method_id == card_id,
                                      Contract.status == "active").order_by(Contract.number)
    ).all()
    return list(subs), list(contracts)


@policy.allowed(*policy.BILLING_ADMIN)
def list_cards(*, session: Session, actor: Actor) -> list[CardView]:
    today = clock.today()
    cards = session.exec(
        _live_cards(session, actor.organisation_id).order_by(PaymentMethod.is_default.desc(), PaymentMethod.id)
    ).all()
    return [
        CardView(id=c.id, brand=c.brand, last4=c.last4, exp_month=c.exp_month, exp_year=c.exp_year,
                 holder_name=c.holder_name, address=c.address, is_default=c.is_default,
                 expired=(c.exp_year, c.exp_month) < (today.year, today.month),
                 used_by=tuple(_uses(session, actor.organisation_id, c.id)))
        for c in cards
    ]


def _clean_text(field: str, value: str, limit: int) -> str:
    value = " ".join((value or "").split())
    if len(value) > limit:
        raise ValidationFailed(field, "Use at most {count} characters.", count=limit)
    return value


def _holder_name(value: str) -> str:
    name = _clean_text("holder_name", value, MAX_NAME)
    if not name:
        raise ValidationFailed("holder_name", "Enter the cardholder's name.")
    return name


def check_expiry(exp_month: int | str, exp_year: int | str) -> tuple[int, int]:
    try:
        month, year = int(exp_month), int(exp_year)
    except (TypeError, ValueError):
        raise ValidationFailed("expiry", "Enter the expiry date as MM/YY.") from None
    if year < 100:
        year += 2000
    today = clock.today()
    if not 1 <= month <= 12:
        raise ValidationFailed("expiry", "The expiry month must be between 01 and 12.")
    if (year, month) < (today.year, today.month):
        raise ValidationFailed("expiry", "That expiry date is in the past.")
    if year > today.year + 25:
        raise ValidationFailed("expiry", "That expiry date is too far in the future.")
    return month, year


def parse_expiry(text: str) -> tuple[int, int]:
    """``MM/YY`` or ``MM/YYYY`` as people type it."""
    parts = (text or "").replace(" ", "").split("/")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        raise ValidationFailed("expiry", "Enter the expiry date as MM/YY.")
    return check_expiry(parts[0], parts[1])


def _verify(gateway: PaymentGateway, token: str):
    if not token or not token.startswith("tok_") or len(token) > 80:
        raise ValidationFailed("card", "Enter the card details first.")
    try:
        return gateway.verify_card(token=token)
    except CardDeclined as exc:
        raise ValidationFailed("card", "The card was not accepted: {reason}", reason=decline_reason(exc),
                               words=("reason",)) from None
    except PaymentError as exc:
        raise ValidationFailed("card", "The card could not be checked: {reason}", reason=exc.message) from None
    except ProcessorUnavailable:
        raise ValidationFailed("card", "The payment processor did not answer. Try again in a moment.") from None


def _store_card(session: Session, actor: Actor, check, holder_name: str, address: str,
                make_default: bool) -> PaymentMethod:
    existing = session.exec(select(PaymentMethod).where(PaymentMethod.processor_token == check.token)).first()
    if existing is not None:
        if existing.organisation_id != actor.organisation_id or existing.deleted_at is not None:
            raise ValidationFailed("card", "Enter the card details again.")
        return existing
    has_cards = session.exec(
        select(func.count()).select_from(PaymentMethod)
        .where(PaymentMethod.organisation_id == actor.organisation_id, PaymentMethod.deleted_at.is_(None))
    ).one()
    card = PaymentMethod(organisation_id=actor.organisation_id, processor_token=check.token, brand=check.brand,
                         last4=check.last4, exp_month=check.exp_month, exp_year=check.exp_year,
                         holder_name=holder_name, address=address, is_default=False)
    session.add(card)
    session.flush()
    if make_default or not has_cards:
        _make_default(session, actor.organisation_id, card)
    return card


@policy.allowed(*policy.BILLING_ADMIN)
def add_card(*, session: Session, actor: Actor, gateway: PaymentGateway, token: str, holder_name: str,
             address: str = "", make_default: bool = False) -> PaymentMethod:
    """Add a card the browser tokenised at the processor. The processor verifies it first."""
    holder_name = _holder_name(holder_name)
    address = _clean_text("address", address, MAX_ADDRESS)
    check = _verify(gateway, token)
    card = _store_card(session, actor, check, holder_name, address, make_default)
    audit.record(session=session, action="payment_method_added", actor=actor, target_type="payment_method",
                 target_id=card.id, detail=card_label(card))
    return card


@policy.allowed(*policy.BILLING_ADMIN)
def update_card(*, session: Session, actor: Actor, card_id: int, expiry: str, holder_name: str,
                address: str) -> PaymentMethod:
    """Edit expiry, holder name and address (the number cannot change: replace the card for that)."""
    card = find_card(session, actor.organisation_id, card_id)
    month, year = parse_expiry(expiry)
    card.holder_name = _holder_name(holder_name)
    card.address = _clean_text("address", address, MAX_ADDRESS)
    card.exp_month, card.exp_year = month, year
    session.add(card)
    session.flush()
    audit.record(session=session, action="payment_method_updated", actor=actor, target_type="payment_method",
                 target_id=card.id, detail=card_label(card))
    return card


@policy.allowed(*policy.BILLING_ADMIN)
def replace_card(*, session: Session, actor: Actor, gateway: PaymentGateway, card_id: int, token: str,
                 holder_name: str, address: str = "") -> PaymentMethod:
    """A new card takes the old one's place everywhere it pays (and as default); the old one leaves."""
    old = find_card(session, actor.organisation_id, card_id)
    holder_name = _holder_name(holder_name)
    address = _clean_text("address", address, MAX_ADDRESS)
    check = _verify(gateway, token)
    new = _store_card(session, actor, check, holder_name, address, make_default=False)
    if new.id == old.id:
        raise ValidationFailed("card", "That is the same card. Enter the new card's details.")
    org_id = actor.organisation_id
    for model in (Subscription, Contract, BillingProfile):
        rows = session.exec(select(model).where(model.organisation_id == org_id,
                                                model.payment_method_id == old.id)).all()
        for row in rows:
            row.payment_method_id = new.id
            session.add(row)
    if old.is_default:
        _make_default(session, org_id, new)
    old.is_default = False
    old.deleted_at = clock.now()
    session.add(old)
    audit.record(session=session, action="payment_method_replaced", actor=actor, target_type="payment_method",
                 target_id=new.id, detail=f"{card_label(old)} -> {card_label(new)}")
    return new


def _make_default(session: Session, org_id: int, card: PaymentMethod) -> None:
    others = session.exec(select(PaymentMethod).where(PaymentMethod.organisation_id == org_id,
                                                      PaymentMethod.is_default == True)).all()  # noqa: E712
    for other in others:
        if other.id != card.id:
            other.is_default = False
            session.add(other)
    card.is_default = True
    session.add(card)
    session.flush()


@policy.allowed(*policy.BILLING_ADMIN)
def set_default(*, session: Session, actor: Actor, card_id: int) -> PaymentMethod:
    """R-PAY-1: the default pays future purchases; active contracts keep their own card."""
    card = find_card(session, actor.organisation_id, card_id)
    today = clock.today()
    if (card.exp_year, card.exp_month) < (today.year, today.month):
        raise ValidationFailed("card", "This card has expired. Update its expiry date or add another card.")
    _make_default(session, actor.organisation_id, card)
    audit.record(session=session, action="payment_method_default", actor=actor, target_type="payment_method",
                 target_id=card.id, detail=card_label(card))
    return card


@policy.allowed(*policy.BILLING_ADMIN)
def delete_card(*, session: Session, actor: Actor, card_id: int) -> None:
    """Refused while the card pays a live subscription or an active contract: change those first."""
    card = find_card(session, actor.organisation_id, card_id)
    products, contracts = _paid_by(session, actor.organisation_id, card.id)
    named = {"card": card_label(card), "products": ", ".join(products), "contracts": ", ".join(contracts)}
    if products and contracts:
        raise ValidationFailed("card", "{card} cannot be deleted: it pays {products} and contract {contracts}. "
                                       "Choose another payment method for it first, or replace this card.", **named)
    if products:
        raise ValidationFailed("card", "{card} cannot be deleted: it pays {products}. Choose another payment method "
                                       "for it first, or replace this card.", **named)
    if contracts:
        raise ValidationFailed("card", "{card} cannot be deleted: it pays contract {contracts}. Choose another "
                                       "payment method for it first, or replace this card.", **named)
    profiles = session.exec(select(BillingProfile).where(BillingProfile.organisation_id == actor.organisation_id,
                                                         BillingProfile.payment_method_id == card.id)).all()
    for profile in profiles:
        profile.payment_method_id = None
        session.add(profile)
    card.deleted_at = clock.now()
    was_default = card.is_default
    card.is_default = False
    session.add(card)
    session.flush()
    if was_default:
        successor = session.exec(_live_cards(session, actor.organisation_id).order_by(PaymentMethod.id)).first()
        if successor is not None:
            _make_default(session, actor.organisation_id, successor)
    audit.record(session=session, action="payment_method_deleted", actor=actor, target_type="payment_method",
                 target_id=card.id, detail=card_label(card))


def default_card(*, session: Session, org_id: int) -> PaymentMethod | None:
    return session.exec(select(PaymentMethod).where(PaymentMethod.organisation_id == org_id,
                                                    PaymentMethod.deleted_at.is_(None),
                                                    PaymentMethod.is_default == True)).first()  # noqa: E712
