"""Billing accounts and profiles, payment methods, invoices, credit notes, payments."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from billing_center.models.base import OrganisationRow, code_field, created_at_field, currency_field, money_field


class BillingAccount(OrganisationRow, table=True):
    """R-PAY-3: a billing account holds billing profiles."""

    name: str = Field(max_length=200)
    created_at: datetime = created_at_field()


class BillingProfile(OrganisationRow, table=True):
    """R-PAY-3: each profile has its payment method and its invoices."""

    billing_account_id: int = Field(foreign_key="billingaccount.id", index=True)
    name: str = Field(max_length=200)
    currency: str = currency_field()
    invoice_email: str = Field(default="", max_length=254)
    po_number: str | None = Field(default=None, max_length=64)
    address: str = Field(default="", max_length=400)
    payment_method_id: int | None = Field(default=None, foreign_key="paymentmethod.id")
    created_at: datetime = created_at_field()


class PaymentMethod(OrganisationRow, table=True):
    """R-PAY-2: only the processor's token, brand, last 4 digits and expiry. Never the number."""

    processor_token: str = Field(sa_column=Column(String(80), nullable=False, unique=True))
    brand: str = Field(max_length=20)  # Visa, Mastercard, Amex, ...
    last4: str = Field(max_length=4)
    exp_month: int
    exp_year: int
    holder_name: str = Field(default="", max_length=200)
    address: str = Field(default="", max_length=400)
    is_default: bool = False
    created_at: datetime = created_at_field()
    deleted_at: datetime | None = None


class NumberSeries(SQLModel, table=True):
    """R-INV-4: gapless numbering. The row is locked while the next number is taken."""

    code: str = Field(sa_column=Column(String(16), primary_key=True))  # INV, CN
    prefix: str = Field(max_length=16)
    next_number: int = 1


class Invoice(SQLModel, table=True):
    """R-INV-1..4. Issued invoices are immutable; corrections are credit notes."""

    __table_args__ = (
        UniqueConstraint("series", "sequence"),
        Index("ix_invoice_org_issue", "organisation_id", "issue_date", "id"),
        # Issue 13: Overview's unpaid and overdue figures and the status filters seek (org, status, due);
        # counting a period (any status filter) reads (org, issue date, status, due) without visiting the rows.
        Index("ix_invoice_org_status_due", "organisation_id", "status", "due_date"),
        Index("ix_invoice_org_issue_status", "organisation_id", "issue_date", "status", "due_date"),
    )
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id")
    number: str = Field(sa_column=Column(String(32), nullable=False, unique=True))
    series: str = Field(default="INV", max_length=16)
    sequence: int
    contract_id: int | None = Field(default=None, foreign_key="contract.id", index=True)
    order_id: int | None = Field(default=None, foreign_key="purchase_order.id")
    subscription_id: int | None = Field(default=None, foreign_key="subscription.id", index=True)
    billing_profile_id: int | None = Field(default=None, foreign_key="billingprofile.id")
    status: str = code_field("open")  # InvoiceStatus
    issue_date: date
    due_date: date
    period_start: date | None = None
    period_end: date | None = None
    currency: str = currency_field()
    previous_balance_minor: int = money_field()
    subtotal_minor: int = money_field()
    tax_minor: int = money_field()
    total_minor: int = money_field()
    payment_kind: str = code_field("invoice")
    payment_method_id: int | None = Field(default=None, foreign_key="paymentmethod.id")
    payment_method_label: str = Field(default="", max_length=40)  # "Visa - 4392"
    paid_at: datetime | None = None
    locale: str = Field(default="en", max_length=5)
    buyer_name: str = Field(default="", max_length=200)
    buyer_address: str = Field(default="", max_length=400)
    buyer_vat_id: str | None = Field(default=None, max_length=32)
    reverse_charge: bool = False
    created_at: datetime = created_at_field()


class InvoiceLine(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    invoice_id: int = Field(foreign_key="invoice.id", index=True)
    position: int = 1
    product_name: str = Field(max_length=200)
    description: str = Field(default="", max_length=400)
    quantity: int = 1
    unit_price_minor: int = money_field()
    amount_minor: int = money_field()  # net, rounded once
    tax_rate_bp: int = 0  # basis points: 21% = 2100
    tax_minor: int = money_field()


class CreditNote(OrganisationRow, table=True):
    """R-INV-4: a correction of an issued invoice, with its own number series."""

    __table_args__ = (UniqueConstraint("series", "sequence"),)
    invoice_id: int = Field(foreign_key="invoice.id", index=True)
    number: str = Field(sa_column=Column(String(32), nullable=False, unique=True))
    series: str = Field(default="CN", max_length=16)
    sequence: int
    issue_date: date
    reason: str = Field(default="", sa_column=Column(Text, nullable=False))
    currency: str = currency_field()
    subtotal_minor: int = money_field()
    tax_minor: int = money_field()
    total_minor: int = money_field()
    created_by_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = created_at_field()


class CreditNoteLine(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    credit_note_id: int = Field(foreign_key="creditnote.id", index=True)
    invoice_line_id: int = Field(foreign_key="invoiceline.id")
    quantity: int
    amount_minor: int = money_field()
    tax_minor: int = money_field()


class Payment(OrganisationRow, table=True):
    invoice_id: int | None = Field(default=None, foreign_key="invoice.id")
    order_id: int | None = Field(default=None, foreign_key="purchase_order.id")
    payment_method_id: int | None = Field(default=None, foreign_key="paymentmethod.id")
    amount_minor: int = money_field()
    currency: str = currency_field()
    status: str = code_field("succeeded")  # PaymentStatus
    processor_charge_id: str | None = Field(default=None, max_length=80)
    idempotency_key: str | None = Field(default=None, max_length=80)
    failure_code: str | None = Field(default=None, max_length=40)
    failure_message: str | None = Field(default=None, max_length=300)
    created_at: datetime = created_at_field()


class IdempotencyRecord(SQLModel, table=True):
    """A use case run once per key: a double click or a retry returns the stored result."""

    __table_args__ = (UniqueConstraint("organisation_id", "key"),)
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id")
    key: str = Field(max_length=80)
    operation: str = Field(max_length=40)
    request_hash: str = Field(max_length=64)
    status: str = code_field("in_progress")  # in_progress, completed
    result_json: str = Field(default="", sa_column=Column(Text, nullable=False))
    created_at: datetime = created_at_field()
