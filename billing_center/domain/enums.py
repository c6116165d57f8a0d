"""Closed vocabularies of the domain, named in the customer's words (docs/rules.md ids in comments)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    BILLING_ADMIN = "billing_admin"
    CONTRACT_ADMIN = "contract_admin"
    BUYER = "buyer"  # self-service buyer (R-SS-1)
    MEMBER = "member"
    SUPPORT_AGENT = "support_agent"


class AccountStatus(StrEnum):  # R-ACC-1
    TRIAL = "trial"
    ACTIVE = "active"
    INACTIVE = "inactive"
    ACTIVATION_REQUIRED = "activation_required"


class ContractStatus(StrEnum):  # R-CON-1
    PENDING = "pending"
    ACTIVE = "active"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class OrderType(StrEnum):  # R-CON-2
    BUY = "buy"
    RENEW = "renew"
    ADD_ON = "add_on"


class OrderStatus(StrEnum):  # R-ORD-4
    ACTIVE = "active"
    SUSPENDED = "suspended"
    CANCELLATION_STARTED = "cancellation_started"
    CANCELLED = "cancelled"


class BillingFrequency(StrEnum):  # R-CON-3 (annual_prepaid: seat orders, R-ORD-1)
    ANNUAL = "annual"
    QUARTERLY = "quarterly"
    MONTHLY = "monthly"
    ANNUAL_PREPAID = "annual_prepaid"


class PaymentTerms(StrEnum):  # R-CON-3
    DUE_ON_RECEIPT = "due_on_receipt"
    NET_30 = "net_30"
    NET_60 = "net_60"


class PaymentKind(StrEnum):
    CARD = "card"
    INVOICE = "invoice"


class SubscriptionStatus(StrEnum):  # R-LIC-4, R-ORD-4
    TRIAL = "trial"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    CANCELLATION_STARTED = "cancellation_started"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class BillingModel(StrEnum):
    PER_SEAT = "per_seat"
    MAU = "mau"  # R-MAU-1


class InvoiceStatus(StrEnum):  # R-INV-1 (overdue is derived from the due date)
    DRAFT = "draft"
    OPEN = "open"
    PAID = "paid"
    VOID = "void"


class PaymentStatus(StrEnum):
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    REFUNDED = "refunded"


class ChangeRequestStatus(StrEnum):  # R-CON-3
    OPEN = "open"
    COMPLETED = "completed"
    REJECTED = "rejected"


class AdminStatus(StrEnum):  # R-CON-4
    INVITED = "invited"
    ACTIVE = "active"
    REMOVED = "removed"


class UsageKind(StrEnum):  # R-MAU-2
    COURSE = "course"
    LEARNING_PROGRAM = "learning_program"
    CERTIFICATION = "certification"
    JOB_AID = "job_aid"
    ATTACHMENT = "attachment"
    NOTE = "note"
    SOCIAL_POST = "social_post"
    APPROVAL = "approval"


class MauMonthState(StrEnum):  # R-MAU-1: a month of an MAU period
    CLOSED = "closed"  # takes no more events
    OPEN = "open"  # ended, still takes late events
    CURRENT = "current"
    FUTURE = "future"


class EmailStatus(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"
