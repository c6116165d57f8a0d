"""Organisations (tenants), the people in them, sign-in sessions and access tokens."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from billing_center.domain import clock
from billing_center.models.base import OrganisationRow, code_field, created_at_field


class Organisation(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    slug: str = Field(max_length=80, unique=True)
    status: str = code_field("trial")  # AccountStatus, R-ACC-1
    trial_ends_on: date | None = None
    locale: str = Field(default="en", max_length=5)  # document and display locale: nl, fr, en
    currency: str = Field(default="EUR", max_length=3)
    timezone: str = Field(default="UTC", max_length=64)  # IANA name; MAU months follow it (R-MAU-1)
    vat_id: str | None = Field(default=None, max_length=32)
    address_line: str = Field(default="", max_length=200)
    postal_code: str = Field(default="", max_length=20)
    city: str = Field(default="", max_length=100)
    country: str = Field(default="NL", max_length=2)
    # Where e-invoices reach the organisation over Peppol (issue 12): an EAS scheme such as 0208 (the
    # Belgian enterprise number) and the id; both empty: derived from the VAT id.
    peppol_scheme: str = Field(default="", max_length=4)
    peppol_id: str = Field(default="", max_length=50)
    is_vendor: bool = False  # the vendor's own organisation, home of support agents
    deactivated_at: datetime | None = None
    created_at: datetime = created_at_field()


class Person(OrganisationRow, table=True):
    # The members directory and the licence holders list page through people by name (issue 9).
    __table_args__ = (Index("ix_person_org_name", "organisation_id", "full_name", "id"),
                      Index("ix_person_org_email", "organisation_id", "email"))  # usage ingestion's lookups
    email: str = Field(sa_column=Column(String(254), nullable=False, unique=True))
    full_name: str = Field(max_length=200)
    password_hash: str | None = Field(default=None, max_length=255)
    role: str = code_field("member")  # Role
    team: str | None = Field(default=None, max_length=100)
    is_primary_contact: bool = False
    is_billing_contact: bool = False
    has_billing_access: bool = False  # R-ACT-3: already manages users/licences
    locale: str = Field(default="en", max_length=5)  # formatting of dates and amounts
    language: str | None = Field(default=None, max_length=5)  # the console's language, chosen by the person
    last_sign_in_at: datetime | None = None
    removed_at: datetime | None = None  # removed from the members directory (issue 9); rows stay for the audit trail
    created_at: datetime = created_at_field()


class UserSession(SQLModel, table=True):
    """A server-side sign-in session. The browser holds a random token; only its hash is stored."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    created_at: datetime = created_at_field()
    last_seen_at: datetime = created_at_field()
    expires_at: datetime  # absolute expiry
    ip: str | None = Field(default=None, max_length=64)
    user_agent: str | None = Field(default=None, max_length=300)


class SessionTicket(SQLModel, table=True):
    """A sign-in on the websocket, waiting to become a session cookie (issue 15). The browser takes the
    ticket to an HTTP endpoint within seconds, once; that response sets the cookie. Stored as a hash only."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    ticket_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    created_at: datetime = created_at_field()
    expires_at: datetime


class AccessAttempt(SQLModel, table=True):
    """Failed and successful sign-ins and verifications, for rate limiting and the audit log."""

    id: int | None = Field(default=None, primary_key=True)
    kind: str = code_field("sign_in", index=True)  # sign_in, verification
    email: str = Field(default="", max_length=254, index=True)
    ip: str = Field(default="", max_length=64, index=True)
    succeeded: bool = False
    at: datetime = Field(default_factory=clock.now, index=True)


class AccessToken(OrganisationRow, table=True):
    """Single-use links (activation of billing access, admin invitations). Stored as a hash only."""

    purpose: str = code_field("activation")  # activation, admin_invitation
    email: str = Field(max_length=254)
    person_id: int | None = Field(default=None, foreign_key="person.id")
    contract_id: int | None = Field(default=None, foreign_key="contract.id")
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    created_at: datetime = created_at_field()
    expires_at: datetime
    used_at: datetime | None = None


class ContractAdmin(OrganisationRow, table=True):
    """R-CON-4: an admin invited to one contract."""

    __table_args__ = (UniqueConstraint("contract_id", "email"),)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    email: str = Field(max_length=254)
    person_id: int | None = Field(default=None, foreign_key="person.id")
    status: str = code_field("invited")  # AdminStatus
    invited_by_id: int | None = Field(default=None, foreign_key="person.id")
    invited_at: datetime = created_at_field()
    last_sent_at: datetime = created_at_field()
    accepted_at: datetime | None = None
