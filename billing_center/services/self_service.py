"""Self-service purchases (R-SS-1): what members bought with their own cards, seen by billing admins.

A self-service buyer buys through the seat-order checkout (``seat_orders``), assigns the licences
inside the organisation (``licences``, their own pool) and changes or cancels the purchase. Billing
admins see these purchases read-only (product, buyer, quantity, renewal or expiry date, price,
assigned people) and may **take over** one: it becomes the organisation's subscription, managed
by the admins from then on, and the buyer is told by e-mail. Admins also decide per product whether
members may buy it themselves (no setting: allowed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from billing_center.domain.errors import NotFound
from billing_center.domain.money import Money
from billing_center.models import LicenceAssignment, Person, Product, SelfServiceProduct, Subscription
from billing_center.services import audit, policy
from billing_center.services.actors import Actor
from billing_center.services.licences import LIVE, live_assignment
from billing_center.services.mail import send_email

SHOWN_HOLDERS = 5


@dataclass(frozen=True)
class Purchase:
    id: int
    product: str
    buyer: str
    buyer_email: str
    quantity: int
    status: str
    renews_on: date
    auto_renew: bool
    price_per_licence: Money
    total: Money
    assigned: int
    assigned_names: tuple[str, ...]


@dataclass(frozen=True)
class ProductSetting:
    product_id: int
    product: str
    allowed: bool


@policy.allowed(*policy.BILLING_ADMIN)
def list_purchases(*, session: Session, actor: Actor) -> list[Purchase]:
    """Every live self-service purchase of the organisation, read-only."""
    found = session.exec(
        select(Subscription, Product.name, Person.full_name, Person.email)
        .join(Product, Product.id == Subscription.product_id)
        .join(Person, Person.id == Subscription.buyer_id)
        .where(Subscription.organisation_id == actor.organisation_id, Subscription.is_self_service,
               Subscription.status.in_(LIVE))
        .order_by(Subscription.renews_on, Subscription.id)
    ).all()
    ids = [sub.id for sub, *_ in found]
    names: dict[int, list[str]] = {i: [] for i in ids}
    if ids:
        for sub_id, name in session.exec(
                select(LicenceAssignment.subscription_id, Person.full_name)
                .join(Person, Person.id == LicenceAssignment.person_id)
                .where(live_assignment(actor.organisation_id), LicenceAssignment.subscription_id.in_(ids))
                .order_by(Person.full_name)):
            names[sub_id].append(name)
    return [Purchase(id=sub.id, product=product, buyer=buyer, buyer_email=email, quantity=sub.quantity,
                     status=sub.status, renews_on=sub.renews_on, auto_renew=sub.auto_renew,
                     price_per_licence=Money(sub.unit_price_minor, sub.currency),
                     total=Money(sub.unit_price_minor * sub.quantity, sub.currency),
                     assigned=len(names[sub.id]), assigned_names=tuple(names[sub.id][:SHOWN_HOLDERS]))
            for sub, product, buyer, email in found]


@policy.allowed(*policy.BILLING_ADMIN)
def take_over(*, session: Session, actor: Actor, subscription_id: int, ip: str = "") -> str:
    """The purchase becomes the organisation's (managed by its admins); the buyer gets an e-mail."""
    sub = session.exec(select(Subscription).where(
        Subscription.id == subscription_id, Subscription.organisation_id == actor.organisation_id,
        Subscription.is_self_service, Subscription.status.in_(LIVE)).with_for_update()).first()
    if sub is None:
        raise NotFound("purchase")
    product = session.get(Product, sub.product_id)
    buyer = session.get(Person, sub.buyer_id) if sub.buyer_id else None
    sub.is_self_service = False
    session.add(sub)
    if buyer is not None:
        send_email(session=session, to=buyer.email, organisation_id=actor.organisation_id,
                   template="self_service_taken_over", subject=f"Your {product.name} purchase is now managed by "
                   "your organisation",
                   body=f"Hello {buyer.full_name},\n\n{actor.full_name} ({actor.email}) took over your "
                        f"self-service purchase of {product.name} ({sub.quantity} licences). Your organisation's "
                        "billing admins manage and pay for it from now on; the people who have a licence keep it."
                        "\n\nBilling Center")
    audit.record(session=session, action="self_service_taken_over", actor=actor, target_type="subscription",
                 target_id=sub.id, detail=f"{product.name} bought by {buyer.email if buyer else '-'}", ip=ip)
    session.flush()
    return product.name


@policy.allowed(*policy.BILLING_ADMIN)
def product_settings(*, session: Session, actor: Actor) -> list[ProductSetting]:
    """Per product: may members buy it themselves?"""
    settings = dict(session.exec(select(SelfServiceProduct.product_id, SelfServiceProduct.allowed).where(
        SelfServiceProduct.organisation_id == actor.organisation_id)).all())
    products = session.exec(select(Product.id, Product.name).order_by(Product.name)).all()
    return [ProductSetting(pid, name, settings.get(pid, True)) for pid, name in products]


@policy.allowed(*policy.BILLING_ADMIN)
def set_purchase_allowed(*, session: Session, actor: Actor, product_id: int, allowed: bool, ip: str = "") -> str:
    product = session.get(Product, product_id)
    if product is None:
        raise NotFound("product")
    row = session.exec(select(SelfServiceProduct).where(SelfServiceProduct.organisation_id == actor.organisation_id,
                                                        SelfServiceProduct.product_id == product_id)).first()
    row = row or SelfServiceProduct(organisation_id=actor.organisation_id, product_id=product_id)
    row.allowed, row.changed_by_id = bool(allowed), actor.person_id
    session.add(row)
    audit.record(session=session, action="self_service_setting", actor=actor, target_type="product",
                 target_id=product_id, detail=f"{product.name}: {'allowed' if allowed else 'not allowed'}", ip=ip)
    session.flush()
    return product.name


def may_buy(session: Session, organisation_id: int, product_id: int) -> bool:
    """Whether the organisation lets its members buy the product themselves (checkouts ask this)."""
    allowed = session.exec(select(SelfServiceProduct.allowed).where(
        SelfServiceProduct.organisation_id == organisation_id, SelfServiceProduct.product_id == product_id)).first()
    return True if allowed is None else bool(allowed)


def purchases_count(session: Session, organisation_id: int) -> int:
    return session.exec(select(func.count()).select_from(Subscription).where(
        Subscription.organisation_id == organisation_id, Subscription.is_self_service,
        Subscription.status.in_(LIVE))).one()
