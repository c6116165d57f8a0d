"""The MAU plan's counting tables (R-MAU-1): who was active in which month, and which periods are closed.

``UsageMonth`` holds one row per (subscription, month, person): the distinct pairs, kept as events
arrive, so a period's billed count is a count of rows over twelve months of one primary-key range,
exact and never an estimate. ``MauPeriod`` is written once when a period is closed and invoiced; its
unique key is what makes closing safe when two workers run the scheduler at the same moment.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from billing_center.models.base import OrganisationRow, created_at_field


class UsageMonth(SQLModel, table=True):
    """One person active in one calendar month (in the organisation's time zone) under an MAU plan."""

    __tablename__ = "usage_month"
    # On SQLite the rows live in the primary key's own b-tree (no rowid table beside it): half the
    # writes per new pair, and half the size.
    __table_args__ = {"sqlite_with_rowid": False}
    subscription_id: int = Field(foreign_key="subscription.id", primary_key=True)
    month: date = Field(primary_key=True)  # the first day of the month
    person_id: int = Field(foreign_key="person.id", primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id")  # read through subscription_id, never alone


class MauPeriod(OrganisationRow, table=True):
    """A closed MAU period: twelve months from ``start_month``, billed once (R-MAU-1)."""

    __tablename__ = "mau_period"
    __table_args__ = (UniqueConstraint("subscription_id", "start_month", name="uq_mau_period_start"),)
    subscription_id: int = Field(foreign_key="subscription.id")
    start_month: date
    end_month: date  # the first month after the period
    billed_users: int = 0
    invoice_id: int | None = Field(default=None, foreign_key="invoice.id")
    closed_at: datetime = created_at_field()


class UsageApiKey(OrganisationRow, table=True):
    """An organisation's key for the usage ingestion API: shown once, stored as its SHA-256 only."""

    __tablename__ = "usage_api_key"
    name: str = Field(max_length=80)
    prefix: str = Field(max_length=16)  # the key's first characters, to tell keys apart on the page
    key_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    created_by_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = created_at_field()
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None
