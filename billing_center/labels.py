"""What the console calls the domain's closed vocabularies, in one place, keyed by the enums.

States, pages, documents and e-mails take their words from here, never by comparing or re-spelling
display text. The tables hold English msgids; the functions return them in the current language
(``i18n.using``, set by the console for each event).
"""

from __future__ import annotations

from enum import StrEnum

from billing_center.domain.enums import (
    AccountStatus,
    AdminStatus,
    BillingFrequency,
    ChangeRequestStatus,
    ContractStatus,
    InvoiceStatus,
    MauMonthState,
    OrderStatus,
    OrderType,
    PaymentTerms,
    Role,
)
from billing_center.i18n import N_, gettext

ROLE_LABELS: dict[Role, str] = {
    Role.BILLING_ADMIN: N_("Billing admin"),
    Role.CONTRACT_ADMIN: N_("Contract admin"),
    Role.BUYER: N_("Self-service buyer"),
    Role.MEMBER: N_("Member"),
    Role.SUPPORT_AGENT: N_("Support agent"),
}

FREQUENCY_LABELS: dict[BillingFrequency, str] = {
    BillingFrequency.ANNUAL: N_("Annual"),
    BillingFrequency.QUARTERLY: N_("Quarterly"),
    BillingFrequency.MONTHLY: N_("Monthly"),
    BillingFrequency.ANNUAL_PREPAID: N_("Annual, prepaid"),
}

PAYMENT_TERMS_LABELS: dict[PaymentTerms, str] = {
    PaymentTerms.DUE_ON_RECEIPT: N_("Due on receipt"),
    PaymentTerms.NET_30: N_("Net 30 days"),
    PaymentTerms.NET_60: N_("Net 60 days"),
}

ORDER_TYPE_LABELS: dict[OrderType, str] = {
    OrderType.BUY: N_("Buy"),
    OrderType.RENEW: N_("Renew"),
    OrderType.ADD_ON: N_("Add-on"),
}

# The status words of contracts, orders, invoices, accounts, admins and change requests. They share
# words ("active"), so one table serves them all. "unpaid" and "overdue" are the invoice states the
# console derives from an open invoice and its due date (R-INV-1).
STATUS_LABELS: dict[StrEnum | str, str] = {
    AccountStatus.TRIAL: N_("Trial"),
    AccountStatus.ACTIVE: N_("Active"),
    AccountStatus.INACTIVE: N_("Inactive"),
    AccountStatus.ACTIVATION_REQUIRED: N_("Activation required"),
    ContractStatus.PENDING: N_("Pending"),
    ContractStatus.EXPIRED: N_("Expired"),
    ContractStatus.CANCELLED: N_("Cancelled"),
    OrderStatus.SUSPENDED: N_("Suspended"),
    OrderStatus.CANCELLATION_STARTED: N_("Cancellation started"),
    InvoiceStatus.DRAFT: N_("Draft"),
    InvoiceStatus.OPEN: N_("Open"),
    InvoiceStatus.PAID: N_("Paid"),
    InvoiceStatus.VOID: N_("Void"),
    "unpaid": N_("Unpaid"),
    "overdue": N_("Overdue"),
    AdminStatus.INVITED: N_("Invited"),
    AdminStatus.REMOVED: N_("Removed"),
    ChangeRequestStatus.COMPLETED: N_("Completed"),
    ChangeRequestStatus.REJECTED: N_("Rejected"),
}

# R-MAU-1: where a month of an MAU period stands (the Usage page's table).
MONTH_STATE_LABELS: dict[MauMonthState, str] = {
    MauMonthState.CLOSED: N_("Closed"),
    MauMonthState.OPEN: N_("Taking late events"),
    MauMonthState.CURRENT: N_("In progress"),
    MauMonthState.FUTURE: N_("Not started"),
}


def _label(table: dict, value: str) -> str:
    """The label of ``value``, or the value itself, readable, when the table does not know it."""
    label = table.get(value)
    return gettext(label) if label else str(value).replace("_", " ").capitalize()


def role_label(role: Role | str) -> str:
    try:
        return gettext(ROLE_LABELS[Role(role)])
    except ValueError:
        return str(role)


def status_label(status: str) -> str:
    return _label(STATUS_LABELS, status)


def frequency_label(frequency: str) -> str:
    return _label(FREQUENCY_LABELS, frequency)


def payment_terms_label(terms: str) -> str:
    return _label(PAYMENT_TERMS_LABELS, terms)


def order_type_label(order_type: str) -> str:
    return _label(ORDER_TYPE_LABELS, order_type)


def month_state_label(state: str) -> str:
    return _label(MONTH_STATE_LABELS, state)


def card_label(brand: str, last4: str, *, expiry: str = "") -> str:
    """``Visa •••• 4242`` on screen (``(expires 04/29)`` where a card is chosen)."""
    label = f"{brand} •••• {last4}"
    return gettext("{card} (expires {expiry})").format(card=label, expiry=expiry) if expiry else label


def card_short_label(brand: str, last4: str) -> str:
    """``Visa - 4392``: the payment method column of invoices and contracts (R-INV-1)."""
    return f"{brand} - {last4}"
