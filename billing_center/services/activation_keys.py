"""Activation keys (R-ACC-4, issue 8): sales issues a key for N seats of a product (support does it on
``/support``); a billing admin enters it and activates: its seats add to the organisation's
subscription of that product (a new one if it has none). Several keys add up.

A key is single-use under concurrency: it is claimed with one conditional UPDATE (``redeemed_at IS
NULL``), so of two simultaneous activations exactly one wins. A used key, an unknown one and another
organisation's key all leave everything as it was; another organisation's key reads as unknown.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import Session, select

from billing_center.domain import clock
from billing_center.domain.enums import PaymentKind, SubscriptionStatus
from billing_center.domain.errors import NotFound, ValidationFailed
from billing_center.models import ActivationKey, Organisation, Product, Subscription
from billing_center.services import audit, policy
from billing_center.services.actors import Actor
from billing_center.services.subscriptions import MAX_LICENCES, clean_po_number

KEY_FORMAT = re.compile(r"^[A-Z0-9]{3}-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$")
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: keys are read over the phone


@dataclass(frozen=True)
class Activation:
    key: str
    seats: int
    product: str
    subscription_id: int
    quantity: int  # the subscription's licences after the key


def normalise(text: str) -> str:
    key = re.sub(r"\s+", "", (text or "")).upper()
    if not key:
        raise ValidationFailed("key", "Enter the activation key you received from sales.")
    if not KEY_FORMAT.match(key):
        raise ValidationFailed("key", "An activation key looks like ALM-7Q4K-9XPD-2M3T.")
    return key


@policy.allowed(*policy.BILLING_ADMIN)
def activate_key(*, session: Session, actor: Actor, key: str) -> Activation:
    """R-ACC-4: claim the key for this organisation and add its seats to the product's subscription."""
    key = normalise(key)
    claimed = session.execute(
        update(ActivationKey).where(ActivationKey.key == key, ActivationKey.organisation_id == actor.organisation_id,
                                    ActivationKey.redeemed_at.is_(None))
        .values(redeemed_at=clock.now(), redeemed_by_id=actor.person_id)
        .execution_options(synchronize_session=False))
    row = session.exec(select(ActivationKey).where(ActivationKey.key == key,
                                                   ActivationKey.organisation_id == actor.organisation_id)
                       .execution_options(populate_existing=True)).first()
    if claimed.rowcount != 1:
        if row is not None:
            raise ValidationFailed("key", "This activation key was already used. Each key activates once.")
        raise ValidationFailed("key", "This activation key is unknown. Check it, or ask sales for yours.")
    product = session.get(Product, row.product_id)
    sub = session.exec(select(Subscription).where(
        Subscription.organisation_id == actor.organisation_id, Subscription.product_id == row.product_id,
        Subscription.status.in_((SubscriptionStatus.ACTIVE, SubscriptionStatus.TRIAL)),
        Subscription.is_self_service == False)  # noqa: E712
        .order_by(Subscription.id).with_for_update()).first()
    if sub is None:
        today = clock.today()
        org = session.get(Organisation, actor.organisation_id)
        sub = Subscription(organisation_id=org.id, product_id=product.id, quantity=0,
                           unit_price_minor=product.unit_price_minor * (12 if product.price_period == "month" else 1),
                           currency=product.currency, start_date=today, renews_on=clock.add_months(today, 12),
                           payment_kind=PaymentKind.INVOICE, po_number=row.po_number)
    sub.quantity += row.seats
    if sub.status == SubscriptionStatus.TRIAL:
        sub.status = SubscriptionStatus.ACTIVE
    session.add(sub)
    session.flush()
    audit.record(session=session, action="activation_key_used", actor=actor, target_type="subscription",
                 target_id=sub.id, detail=f"{key[:3]}-…-{key[-4:]}: +{row.seats} seats, {sub.quantity} in total")
    return Activation(key=key, seats=row.seats, product=product.name, subscription_id=sub.id, quantity=sub.quantity)


@policy.allowed(*policy.SUPPORT)
def issue_key(*, session: Session, actor: Actor, organisation_slug: str, product_code: str, seats,
              po_number: str = "") -> ActivationKey:
    """Support issues a key for ``seats`` of a product to an organisation (a purchase order from sales)."""
    org = session.exec(select(Organisation).where(Organisation.slug == (organisation_slug or "").strip().lower(),
                                                  Organisation.is_vendor == False)).first()  # noqa: E712
    if org is None:
        raise NotFound("organisation")
    product = session.exec(select(Product).where(Product.code == (product_code or "").strip().upper())).first()
    if product is None:
        raise NotFound("product")
    text = str(seats).strip()
    if not text.isdigit() or not 1 <= int(text) <= MAX_LICENCES:
        raise ValidationFailed("seats", "Enter a number of seats from 1 to {count}.", count=MAX_LICENCES)
    prefix = re.sub(r"[^A-Z0-9]", "", product.code)[:3].ljust(3, "X")
    key = prefix + "-" + "-".join("".join(secrets.choice(ALPHABET) for _ in range(4)) for _ in range(3))
    row = ActivationKey(organisation_id=org.id, key=key, product_id=product.id, seats=int(text),
                        po_number=clean_po_number(po_number))
    session.add(row)
    session.flush()
    audit.record(session=session, action="activation_key_issued", actor=actor,
                 target_type="activation_key", target_id=f"{key[:3]}-…-{key[-4:]}",
                 detail=f"{row.seats} x {product.name} for {org.name}")
    return row
