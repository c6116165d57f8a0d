"""Products, contracts, orders, subscriptions, licence assignments and activation keys."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from billing_center.models.base import OrganisationRow, code_field, created_at_field, currency_field, money_field


class Product(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_column=Column(String(40), nullable=False, unique=True))
    name: str = Field(max_length=200)
    family: str = Field(default="office", max_length=40)  # learning, office, recruiting
    billing_model: str = code_field("per_seat")  # BillingModel
    unit_price_minor: int = money_field()  # per seat per ``price_period``
    currency: str = currency_field()
    price_period: str = Field(default="year", max_length=10)  # month or year
    min_first_order_seats: int = 1  # R-ORD-1: 10 for learning plans
    max_seats_per_order: int = 3500  # R-ORD-1


class Contract(OrganisationRow, table=True):
    """R-CON-1, R-CON-3."""

    number: str = Field(sa_column=Column(String(32), nullable=False, unique=True))
    status: str = code_field("active")  # ContractStatus
    start_date: date
    end_date: date
    term_months: int = 12
    total_minor: int = money_field()
    currency: str = currency_field()
    subscription_terms: str = Field(default="", sa_column=Column(Text, nullable=False))
    billing_address: str = Field(default="", max_length=400)
    shipping_address: str = Field(default="", max_length=400)
    billing_frequency: str = Field(default="annual", max_length=20)  # annual, quarterly, monthly
    payment_terms: str = Field(default="net_30", max_length=20)  # net_30, net_60, due_on_receipt
    po_number: str | None = Field(default=None, max_length=64)
    invoice_recipients: str = Field(default="", max_length=1000)  # comma separated e-mails
    payment_kind: str = code_field("invoice")  # PaymentKind
    payment_method_id: int | None = Field(default=None, foreign_key="paymentmethod.id")
    billing_profile_id: int | None = Field(default=None, foreign_key="billingprofile.id")
    created_at: datetime = created_at_field()


class Subscription(OrganisationRow, table=True):
    """A product bought for a number of licences (R-LIC-4), by an admin or a self-service buyer."""

    product_id: int = Field(foreign_key="product.id")
    contract_id: int | None = Field(default=None, foreign_key="contract.id")
    billing_profile_id: int | None = Field(default=None, foreign_key="billingprofile.id")
    buyer_id: int | None = Field(default=None, foreign_key="person.id")  # R-SS-1
    is_self_service: bool = False
    status: str = code_field("active")  # SubscriptionStatus
    quantity: int = 0
    unit_price_minor: int = money_field()  # per licence per year
    currency: str = currency_field()
    term_months: int = 12
    start_date: date
    renews_on: date = Field(index=True)  # end of the current term
    auto_renew: bool = True
    billing_frequency: str = Field(default="annual_prepaid", max_length=20)
    payment_kind: str = code_field("card")  # PaymentKind
    payment_method_id: int | None = Field(default=None, foreign_key="paymentmethod.id")
    po_number: str | None = Field(default=None, max_length=64)
    mau_period_start: date | None = None  # R-MAU-1: month the MAU plan was activated
    cancel_reason: str | None = Field(default=None, max_length=100)
    cancel_feedback: str | None = Field(default=None, max_length=2000)
    cancelled_at: datetime | None = None
    created_at: datetime = created_at_field()
    # Issue 8: a decrease that waits for the renewal (R-LIC-1), and the dunning of a declined renewal (R-ORD-4).
    scheduled_quantity: int | None = None
    dunning_attempts: int = 0
    next_retry_on: date | None = None


class Order(OrganisationRow, table=True):
    """R-CON-2, R-ORD-1..5."""

    __tablename__ = "purchase_order"
    number: str = Field(sa_column=Column(String(40), nullable=False, unique=True))
    contract_id: int | None = Field(default=None, foreign_key="contract.id", index=True)
    subscription_id: int | None = Field(default=None, foreign_key="subscription.id")
    product_id: int | None = Field(default=None, foreign_key="product.id")
    type: str = code_field("buy")  # OrderType
    status: str = code_field("active")  # OrderStatus
    seats: int = 0
    unit_price_minor: int = money_field()
    currency: str = currency_field()
    total_minor: int = money_field()
    start_date: date
    end_date: date
    payment_kind: str = code_field("invoice")  # PaymentKind
    payment_method_id: int | None = Field(default=None, foreign_key="paymentmethod.id")
    billing_country: str = Field(default="NL", max_length=2)
    contact_name: str = Field(default="", max_length=200)
    contact_email: str = Field(default="", max_length=254)
    order_form_number: str | None = Field(default=None, max_length=40)
    created_by_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = created_at_field()


class LicenceAssignment(OrganisationRow, table=True):
    """R-LIC-2. A revoked assignment keeps its row (revoked_at) for the audit trail."""

    __table_args__ = (Index("ix_assignment_sub_person", "subscription_id", "person_id"),
                      Index("ix_assignment_person_live", "person_id", "revoked_at"),
                      Index("ix_assignment_sub_live", "subscription_id", "revoked_at"))
    subscription_id: int = Field(foreign_key="subscription.id")
    person_id: int = Field(foreign_key="person.id")
    assigned_by_id: int | None = Field(default=None, foreign_key="person.id")
    assigned_at: datetime = created_at_field()
    revoked_at: datetime | None = None


class SelfServiceProduct(SQLModel, table=True):
    """R-SS-1: whether the organisation's members may buy a product themselves (no row: allowed)."""

    __table_args__ = (UniqueConstraint("organisation_id", "product_id"),)
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id")
    product_id: int = Field(foreign_key="product.id")
    allowed: bool = True
    changed_by_id: int | None = Field(default=None, foreign_key="person.id")
    changed_at: datetime = created_at_field()


class ActivationKey(OrganisationRow, table=True):
    """R-ACC-4: purchase-order activation key for N seats; several keys add up."""

    key: str = Field(sa_column=Column(String(40), nullable=False, unique=True))
    product_id: int = Field(foreign_key="product.id")
    seats: int
    po_number: str | None = Field(default=None, max_length=64)
    issued_at: datetime = created_at_field()
    redeemed_at: datetime | None = None
    redeemed_by_id: int | None = Field(default=None, foreign_key="person.id")


class UsageEvent(SQLModel, table=True):
    """R-MAU-2: one learning activity of a person; monthly active users are counted from these."""

    # Written in bulk and read by no query of its own (counts come from UsageMonth): its only index
    # besides the key is the one that makes each event id count once. An append-only log without
    # foreign keys: a batch's check step proves each reference (organisation, person, plan), none of
    # those rows is ever deleted, and the (month, person) pairs billing counts keep theirs
    # (migration 18: on PostgreSQL the per-row key checks were two thirds of an event's insert).
    __table_args__ = (UniqueConstraint("organisation_id", "event_id", name="uq_usage_event_id"),)
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int
    event_id: str | None = Field(default=None, max_length=100)  # the sender's id: each counts once
    person_id: int
    subscription_id: int | None = None
    kind: str = code_field("course")  # UsageKind
    occurred_at: datetime


class ChangeRequest(OrganisationRow, table=True):
    """R-CON-3: billing frequency / payment terms / payment method changes handled by support."""

    contract_id: int = Field(foreign_key="contract.id")
    requested_by_id: int = Field(foreign_key="person.id")
    kind: str = Field(max_length=40)  # billing_frequency, payment_terms, payment_method
    current_value: str = Field(default="", max_length=200)
    requested_value: str = Field(max_length=200)
    note: str = Field(default="", max_length=2000)
    status: str = code_field("open")  # ChangeRequestStatus
    handled_by_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = created_at_field()
    completed_at: datetime | None = None


__all__ = [
    "ActivationKey",
    "ChangeRequest",
    "Contract",
    "LicenceAssignment",
    "Order",
    "Product",
    "SelfServiceProduct",
    "Subscription",
    "UsageEvent",
]
