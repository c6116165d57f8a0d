"""Audit trail and outgoing e-mail."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel

from billing_center.domain import clock
from billing_center.models.base import code_field, created_at_field


class AuditEvent(SQLModel, table=True):
    __table_args__ = (Index("ix_audit_org_at", "organisation_id", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id")
    actor_id: int | None = Field(default=None, foreign_key="person.id")
    actor_email: str = Field(default="", max_length=254)
    action: str = Field(max_length=60)  # sign_in, sign_in_failed, order_completed, ...
    target_type: str = Field(default="", max_length=40)
    target_id: str = Field(default="", max_length=60)
    detail: str = Field(default="", max_length=1000)
    ip: str = Field(default="", max_length=64)
    at: datetime = Field(default_factory=clock.now)


class OutgoingEmail(SQLModel, table=True):
    """Every e-mail the application sends; without SMTP the demo Mailbox shows these."""

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    to_address: str = Field(max_length=254, index=True)
    subject: str = Field(max_length=300)
    body_text: str = Field(default="", sa_column=Column(Text, nullable=False))
    template: str = Field(default="", max_length=60)
    status: str = code_field("queued")  # EmailStatus
    error: str | None = Field(default=None, max_length=500)
    created_at: datetime = created_at_field()
    sent_at: datetime | None = None
    # Delivery attempts over SMTP, and when a failed message is tried again (services/recovery.py).
    attempts: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    next_attempt_at: datetime | None = None
