"""Every table of Billing Center; importing this package registers them all on SQLModel.metadata."""

from billing_center.models.activity import AuditEvent, OutgoingEmail
from billing_center.models.billing import (
    BillingAccount,
    BillingProfile,
    CreditNote,
    CreditNoteLine,
    IdempotencyRecord,
    Invoice,
    InvoiceLine,
    NumberSeries,
    Payment,
    PaymentMethod,
)
from billing_center.models.commerce import (
    ActivationKey,
    ChangeRequest,
    Contract,
    LicenceAssignment,
    Order,
    Product,
    Subscription,
    UsageEvent,
)
from billing_center.models.organisations import (
    AccessAttempt,
    AccessToken,
    ContractAdmin,
    Organisation,
    Person,
    UserSession,
)

__all__ = [
    "AccessAttempt",
    "AccessToken",
    "ActivationKey",
    "AuditEvent",
    "BillingAccount",
    "BillingProfile",
    "ChangeRequest",
    "Contract",
    "ContractAdmin",
    "CreditNote",
    "CreditNoteLine",
    "IdempotencyRecord",
    "Invoice",
    "InvoiceLine",
    "LicenceAssignment",
    "NumberSeries",
    "Order",
    "OutgoingEmail",
    "Organisation",
    "Payment",
    "PaymentMethod",
    "Person",
    "Product",
    "Subscription",
    "UsageEvent",
    "UserSession",
]
