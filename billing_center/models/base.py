"""Column helpers shared by every table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, String
from sqlmodel import Field, SQLModel

from billing_center.domain import clock


class OrganisationRow(SQLModel):
    """The first columns of a table of one organisation's rows: the row's id and its organisation, indexed
    (every query of a customer's data is scoped by it)."""

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)


def created_at_field() -> datetime:
    return Field(default_factory=clock.now, nullable=False)


def money_field(**kwargs) -> int:
    """An amount in integer minor units. BIGINT so that large contracts never overflow."""
    return Field(default=0, sa_column=Column(BigInteger, nullable=False, **kwargs))


def currency_field(default: str = "EUR") -> str:
    return Field(default=default, sa_column=Column(String(3), nullable=False))


def code_field(default: str | None = None, *, length: int = 32, index: bool = False) -> str:
    """A value of one of the enums in domain/enums.py, stored as plain text (no DB enum types)."""
    return Field(default=default, sa_column=Column(String(length), nullable=False, index=index))
