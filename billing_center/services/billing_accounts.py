"""R-PAY-3: billing accounts hold billing profiles; each profile has its payment method and invoices."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from billing_center.domain.errors import NotFound
from billing_center.domain.money import Money
from billing_center.models import BillingAccount, BillingProfile, Invoice, PaymentMethod
from billing_center.services import audit, policy
from billing_center.services.actors import Actor
from billing_center.services.wallet import card_label, find_card

RECENT_INVOICES = 5


@dataclass(frozen=True)
class ProfileInvoice:
    number: str
    status: str
    issue_date: date
    due_date: date
    total: Money


@dataclass(frozen=True)
class ProfileView:
    id: int
    name: str
    currency: str
    invoice_email: str
    po_number: str
    address: str
    payment_method_id: int | None
    payment_method: str
    invoice_count: int
    invoices: list[ProfileInvoice] = field(default_factory=list)


@dataclass(frozen=True)
class AccountView:
    id: int
    name: str
    profiles: list[ProfileView]


@policy.allowed(*policy.BILLING_ADMIN)
def list_accounts(*, session: Session, actor: Actor) -> list[AccountView]:
    org_id = actor.organisation_id
    accounts = session.exec(select(BillingAccount).where(BillingAccount.organisation_id == org_id)
                            .order_by(BillingAccount.name, BillingAccount.id)).all()
    result = []
    for account in accounts:
        profiles = session.exec(
            select(BillingProfile, PaymentMethod)
            .join(PaymentMethod, PaymentMethod.id == BillingProfile.payment_method_id, isouter=True)
            .where(BillingProfile.organisation_id == org_id, BillingProfile.billing_account_id == account.id)
            .order_by(BillingProfile.name, BillingProfile.id)
        ).all()
        views = []
        for profile, card in profiles:
            count = session.exec(select(func.count()).select_from(Invoice).where(
                Invoice.organisation_id == org_id, Invoice.billing_profile_id == profile.id)).one()
            invoices = session.exec(
                select(Invoice).where(Invoice.organisation_id == org_id, Invoice.billing_profile_id == profile.id)
                .order_by(Invoice.issue_date.desc(), Invoice.id.desc()).limit(RECENT_INVOICES)
            ).all()
            live_card = card if card is not None and card.deleted_at is None else None
            views.append(ProfileView(
                id=profile.id, name=profile.name, currency=profile.currency, invoice_email=profile.invoice_email,
                po_number=profile.po_number or "", address=profile.address,
                payment_method_id=live_card.id if live_card else None,
                payment_method=card_label(live_card) if live_card else "Invoice (no card)",
                invoice_count=count,
                invoices=[ProfileInvoice(number=i.number, status=i.status, issue_date=i.issue_date,
                                         due_date=i.due_date, total=Money(i.total_minor, i.currency))
                          for i in invoices],
            ))
        result.append(AccountView(id=account.id, name=account.name, profiles=views))
    return result


@policy.allowed(*policy.BILLING_ADMIN)
def set_profile_payment_method(*, session: Session, actor: Actor, profile_id: int, card_id: int) -> BillingProfile:
    profile = session.exec(select(BillingProfile).where(BillingProfile.organisation_id == actor.organisation_id,
                                                        BillingProfile.id == profile_id)).first()
    if profile is None:
        raise NotFound("billing profile")
    card = find_card(session, actor.organisation_id, card_id)
    profile.payment_method_id = card.id
    session.add(profile)
    audit.record(session=session, action="billing_profile_payment_method", actor=actor,
                 target_type="billing_profile", target_id=profile.id, detail=card_label(card))
    return profile
