"""The Overview page's figures, computed from the organisation's own data.

Every signed-in person has an Overview. Invoice and contract figures count only what the person may
see (``policy.contract_scope``: a billing admin everything, anyone else the contracts they
administer); subscriptions and licences are the organisation's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from billing_center.domain import clock
from billing_center.domain.enums import InvoiceStatus, SubscriptionStatus
from billing_center.domain.money import Money
from billing_center.models import Contract, Invoice, Organisation, Product, Subscription
from billing_center.services import policy
from billing_center.services.actors import Actor
from billing_center.services.licences import licence_totals

LIVE_SUBSCRIPTION = (SubscriptionStatus.ACTIVE, SubscriptionStatus.TRIAL, SubscriptionStatus.SUSPENDED)


@dataclass(frozen=True)
class Renewal:
    product: str
    on: date
    auto_renew: bool


@dataclass(frozen=True)
class Overview:
    organisation: str
    account_status: str
    trial_ends_on: date | None
    active_subscriptions: int
    licences_total: int
    licences_assigned: int
    active_contracts: int
    unpaid_invoices: int
    overdue_invoices: int
    unpaid_amounts: list[Money] = field(default_factory=list)
    next_renewal: Renewal | None = None


@dataclass(frozen=True)
class MonthTotal:
    month: date  # first day of the month
    amounts: dict[str, int]  # currency -> invoiced total in minor units


@policy.allowed(*policy.EVERYONE)
def invoiced_per_month(*, session: Session, actor: Actor, months: int = 12) -> list[MonthTotal]:
    """What was invoiced in each of the last ``months`` calendar months, per currency (void excluded)."""
    today = clock.today()
    first = clock.add_months(date(today.year, today.month, 1), -(months - 1))
    rows = session.exec(
        select(Invoice.issue_date, Invoice.currency, Invoice.total_minor).where(
            Invoice.organisation_id == actor.organisation_id,
            Invoice.issue_date >= first,
            Invoice.status != InvoiceStatus.VOID,
            policy.contract_scope(session, actor, Invoice.contract_id),
        )
    ).all()
    buckets = [MonthTotal(clock.add_months(first, i), {}) for i in range(months)]
    for issued, currency, amount in rows:
        index = (issued.year - first.year) * 12 + issued.month - first.month
        if 0 <= index < months:
            bucket = buckets[index].amounts
            bucket[currency] = bucket.get(currency, 0) + amount
    return buckets


@policy.allowed(*policy.EVERYONE)
def get_overview(*, session: Session, actor: Actor) -> Overview:
    org_id = actor.organisation_id
    invoices_seen = policy.contract_scope(session, actor, Invoice.contract_id)
    org = session.get(Organisation, org_id)
    today = clock.today()

    subs = session.exec(
        select(Subscription.id, Subscription.quantity)
        .where(Subscription.organisation_id == org_id, Subscription.status.in_(LIVE_SUBSCRIPTION))
    ).all()
    licences_total, assigned = licence_totals(session, org_id)  # the Licences section's own figures

    unpaid_rows = session.exec(
        select(Invoice.currency, func.count(), func.sum(Invoice.total_minor), func.min(Invoice.due_date))
        .where(Invoice.organisation_id == org_id, Invoice.status == InvoiceStatus.OPEN, invoices_seen)
        .group_by(Invoice.currency)
        .order_by(Invoice.currency)
    ).all()
    overdue = session.exec(
        select(func.count())
        .select_from(Invoice)
        .where(Invoice.organisation_id == org_id, Invoice.status == InvoiceStatus.OPEN, Invoice.due_date < today,
               invoices_seen)
    ).one()

    next_row = session.exec(
        select(Product.name, Subscription.renews_on, Subscription.auto_renew)
        .join(Product, Product.id == Subscription.product_id)
        .where(
            Subscription.organisation_id == org_id,
            Subscription.status.in_(LIVE_SUBSCRIPTION),
            Subscription.renews_on >= today,
        )
        .order_by(Subscription.renews_on, Subscription.id)
        .limit(1)
    ).first()

    contracts = session.exec(
        select(func.count())
        .select_from(Contract)
        .where(Contract.organisation_id == org_id, Contract.status == "active",
               policy.contract_scope(session, actor, Contract.id))
    ).one()

    return Overview(
        organisation=org.name,
        account_status=org.status,
        trial_ends_on=org.trial_ends_on,
        active_subscriptions=len(subs),
        licences_total=licences_total,
        licences_assigned=assigned,
        active_contracts=contracts,
        unpaid_invoices=sum(r[1] for r in unpaid_rows),
        overdue_invoices=overdue,
        unpaid_amounts=[Money(int(r[2] or 0), r[0]) for r in unpaid_rows],
        next_renewal=Renewal(product=next_row[0], on=next_row[1], auto_renew=next_row[2]) if next_row else None,
    )
