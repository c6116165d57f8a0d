"""Small factories for test data, for tests where the demo organisations are not the point.

Each function adds one row (with sensible defaults, every field overridable by keyword), flushes,
and returns it; names and numbers are unique within a run, so tests can make as many as they need
next to the demo data in the same database.

    org = factories.organisation(session)
    admin = factories.actor(session, org, role=Role.BILLING_ADMIN)
    card = factories.card(session, org, default=True)
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from sqlmodel import Session, select

from billing_center.domain import clock
from billing_center.domain.enums import AdminStatus, Role
from billing_center.domain.money import Money
from billing_center.models import (
    BillingAccount,
    BillingProfile,
    Contract,
    ContractAdmin,
    Invoice,
    Order,
    Organisation,
    PaymentMethod,
    Person,
    Product,
    Subscription,
)
from billing_center.services.actors import Actor
from billing_center.services.auth import actor_of
from billing_center.services.invoicing import LineInput, issue_invoice

_serial = itertools.count(1)


def _next() -> int:
    return next(_serial)


def actor_for(session: Session, email: str) -> Actor:
    """The actor of a person already in the database (the demo's people, by e-mail)."""
    return actor_of(session.exec(select(Person).where(Person.email == email)).one())


def organisation(session: Session, **fields) -> Organisation:
    n = _next()
    values = {"name": f"Test Organisation {n}", "slug": f"test-org-{n}", "status": "active", "locale": "en",
              "currency": "EUR", "country": "NL", "address_line": "Teststraat 1", "postal_code": "1000 AA",
              "city": "Amsterdam", **fields}
    return _add(session, Organisation(**values))


def person(session: Session, org: Organisation, *, role: Role | str = Role.MEMBER, **fields) -> Person:
    n = _next()
    values = {"email": f"person{n}@{org.slug}.example", "full_name": f"Person {n}", "role": role,
              "locale": org.locale, **fields}
    return _add(session, Person(organisation_id=org.id, **values))


def actor(session: Session, org: Organisation, *, role: Role | str = Role.MEMBER, **fields) -> Actor:
    """A new person of ``org`` with ``role``, as the actor a use case receives."""
    return actor_of(person(session, org, role=role, **fields))


def contract(session: Session, org: Organisation, *, admins: tuple[Actor | Person, ...] = (), **fields) -> Contract:
    """A contract of ``org``; each of ``admins`` becomes its active contract admin (R-CON-4)."""
    n = _next()
    start = fields.pop("start_date", clock.today() - timedelta(days=30))
    values = {"number": f"TC{100000 + n}", "status": "active", "start_date": start,
              "end_date": clock.add_months(start, 12) - timedelta(days=1), "term_months": 12,
              "total_minor": 1_200_000, "currency": org.currency, **fields}
    row = _add(session, Contract(organisation_id=org.id, **values))
    for admin in admins:
        contract_admin(session, row, admin)
    return row


def contract_admin(session: Session, row: Contract, who: Actor | Person, *,
                   status: AdminStatus | str = AdminStatus.ACTIVE) -> ContractAdmin:
    person_id = who.person_id if isinstance(who, Actor) else who.id
    return _add(session, ContractAdmin(organisation_id=row.organisation_id, contract_id=row.id, email=who.email,
                                       person_id=person_id, status=status,
                                       accepted_at=clock.now() if status == AdminStatus.ACTIVE else None))


def order(session: Session, org: Organisation, *, contract: Contract | None = None, **fields) -> Order:
    """An order (numbered after its contract's number when it has one), paid by invoice."""
    n = _next()
    start = fields.pop("start_date", clock.today() - timedelta(days=30))
    values = {"number": f"{contract.number}-{n}" if contract else f"TO{100000 + n}", "type": "buy",
              "status": "active", "seats": 10, "unit_price_minor": 400, "currency": org.currency,
              "total_minor": 48_000, "start_date": start, "end_date": clock.add_months(start, 12) - timedelta(days=1),
              **fields}
    return _add(session, Order(organisation_id=org.id, contract_id=contract.id if contract else None, **values))


def invoice(session: Session, org: Organisation, *, contract: Contract | None = None, amount_minor: int = 10_000,
            quantity: int = 1, issue_date: date | None = None, due_in_days: int = 30, status: str = "open",
            **fields) -> Invoice:
    """An issued invoice of one line (numbered in the INV series, taxed as the organisation is)."""
    day = issue_date or clock.today()
    row = issue_invoice(session=session, organisation=org, currency=fields.pop("currency", org.currency),
                        issue_date=day, due_date=day + timedelta(days=due_in_days), seller_country="NL",
                        contract_id=contract.id if contract else None,
                        lines=[LineInput("Test product", quantity, Money(amount_minor, org.currency))], **fields)
    if status != row.status:
        row.status = status
        session.add(row)
        session.flush()
    return row


def card(session: Session, org: Organisation, *, default: bool = False, brand: str = "Visa",
         last4: str | None = None, **fields) -> PaymentMethod:
    """A wallet card: only a token, brand, last 4 digits and expiry, as the processor gives them (R-PAY-2).
    The sandbox processor accepts ``tok_demo_`` tokens as cards tokenised before it started."""
    n = _next()
    values = {"processor_token": f"tok_demo_test_{n:06d}", "brand": brand, "last4": last4 or f"{n % 10000:04d}",
              "exp_month": 12, "exp_year": clock.today().year + 3, "holder_name": f"Holder {n}", **fields}
    return _add(session, PaymentMethod(organisation_id=org.id, is_default=default, **values))


def billing_profile(session: Session, org: Organisation, *, account: BillingAccount | None = None,
                    card: PaymentMethod | None = None, **fields) -> BillingProfile:
    """A billing profile (in a new billing account unless ``account`` is given), R-PAY-3."""
    n = _next()
    account = account or _add(session, BillingAccount(organisation_id=org.id, name=f"Account {n}"))
    values = {"name": f"Profile {n}", "currency": org.currency, "invoice_email": f"billing{n}@example.com",
              **fields}
    return _add(session, BillingProfile(organisation_id=org.id, billing_account_id=account.id,
                                        payment_method_id=card.id if card else None, **values))


def subscription(session: Session, org: Organisation, *, card: PaymentMethod | None = None, quantity: int = 5,
                 **fields) -> Subscription:
    """A live subscription of a new product, paid by ``card`` (or by invoice without one)."""
    n = _next()
    product = _add(session, Product(code=f"TEST-{n}", name=f"Test product {n}", unit_price_minor=5_400,
                                    currency=org.currency))
    today = clock.today()
    values = {"status": "active", "quantity": quantity, "unit_price_minor": 5_400, "currency": org.currency,
              "start_date": today, "renews_on": clock.add_months(today, 12),
              "payment_kind": "card" if card else "invoice", **fields}
    return _add(session, Subscription(organisation_id=org.id, product_id=product.id,
                                      payment_method_id=card.id if card else None, **values))


def _add(session: Session, row):
    session.add(row)
    session.flush()
    return row
