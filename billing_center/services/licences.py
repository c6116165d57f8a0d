"""Licences per product and who holds them: assign and revoke (R-LIC-2, R-SS-1).

A product's licences are summed over its live subscriptions, as Microsoft 365 does: bought (the
subscriptions' quantities), assigned (live assignments) and available (the difference). Whose pool a
person manages depends on their role:

- a billing admin: the organisation's subscriptions, except the self-service purchases of buyers
  (admins see those read-only, ``self_service``);
- a self-service buyer: the subscriptions they bought themselves.

Assigning takes the pool's subscription rows under a lock (PostgreSQL ``FOR UPDATE``; SQLite's
transactions take the write lock up front) before counting what is free, so two admins assigning the
last licences at once never assign more than were bought: the second waits, then gets the message.
A revoked assignment keeps its row (who assigned, when, when revoked) for the audit trail.

The holders list is paginated on the server with a keyset on (name, person id), never OFFSET.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, false, func, literal, or_, tuple_
from sqlmodel import Session, select

from billing_center.domain import clock
from billing_center.domain.enums import Role, SubscriptionStatus
from billing_center.domain.errors import Conflict, NotFound, ValidationFailed
from billing_center.i18n import N_
from billing_center.models import LicenceAssignment, Person, Product, Subscription
from billing_center.payments.gateway import PaymentGateway
from billing_center.services import audit, policy, subscriptions
from billing_center.services.actors import Actor

LIVE = (SubscriptionStatus.ACTIVE, SubscriptionStatus.TRIAL, SubscriptionStatus.SUSPENDED)
MAX_AT_ONCE = 20  # R-LIC-2
MAX_REVOKE_AT_ONCE = 200
PAGE_SIZE = 25
SEARCH_RESULTS = 8
SORTS = ("name", "-name")


class NotEnoughLicences(Conflict):
    """More people chosen than the product has free licences; nothing was assigned."""

    code = "not_enough_licences"

    def __init__(self, product: str, chosen: int, available: int) -> None:
        self.product, self.chosen, self.available = product, chosen, available
        self.short = chosen - available
        # Whole sentences for each plural case (chosen > available always): the console translates them.
        if available == 0 and chosen == 1:
            template = N_("{product} has no licences available and you chose 1 person: buy {short} more or choose "
                          "fewer people.")
        elif available == 0:
            template = N_("{product} has no licences available and you chose {chosen} people: buy {short} more or "
                          "choose fewer people.")
        elif available == 1:
            template = N_("{product} has only 1 licence available and you chose {chosen} people: buy {short} more "
                          "or choose fewer people.")
        else:
            template = N_("{product} has only {available} licences available and you chose {chosen} people: buy "
                          "{short} more or choose fewer people.")
        super().__init__(template, product=product, chosen=chosen, available=available, short=self.short)


@dataclass(frozen=True)
class ProductLicences:
    product_id: int
    product: str
    bought: int
    assigned: int

    @property
    def available(self) -> int:
        return max(self.bought - self.assigned, 0)


@dataclass(frozen=True)
class Holder:
    person_id: int
    name: str
    email: str
    team: str
    assigned_at: datetime


@dataclass(frozen=True)
class HolderPage:
    product: ProductLicences
    rows: list[Holder]
    total: int
    next_cursor: str | None


@dataclass(frozen=True)
class Candidate:
    """A member the search found who does not hold the product yet: one a licence may go to."""

    person_id: int
    name: str
    email: str


@dataclass(frozen=True)
class AssignResult:
    product: str
    assigned: int
    already: int


# --- helpers shared with the Overview, members and self-service purchases -----------------------
def live_assignment(org_id: int):
    """WHERE clause of the assignments that hold a licence now, in one organisation."""
    return and_(LicenceAssignment.organisation_id == org_id, LicenceAssignment.revoked_at.is_(None))


def assigned_per_subscription(session: Session, sub_ids: list[int]) -> dict[int, int]:
    """Live assignments of each subscription (the caller scoped ``sub_ids`` to the organisation): one
    covering-index range per subscription, no join."""
    if not sub_ids:
        return {}
    return dict(session.exec(
        select(LicenceAssignment.subscription_id, func.count())
        .where(LicenceAssignment.subscription_id.in_(sub_ids), LicenceAssignment.revoked_at.is_(None))
        .group_by(LicenceAssignment.subscription_id)).all())


def licence_totals(session: Session, organisation_id: int) -> tuple[int, int]:
    """(bought, assigned) over every live subscription of the organisation (the Overview's figure)."""
    subs = session.exec(select(Subscription.id, Subscription.quantity).where(
        Subscription.organisation_id == organisation_id, Subscription.status.in_(LIVE))).all()
    assigned = assigned_per_subscription(session, [sid for sid, _ in subs])
    return sum(int(q) for _, q in subs), sum(assigned.values())


def like_pattern(text: str) -> str:
    """``text`` as a case-insensitive prefix pattern, its own wildcards escaped (``ESCAPE '\\'``)."""
    cleaned = " ".join(text.split()).lower()[:100]
    return cleaned.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def person_matches(query: str):
    """People whose name, a word of their name, or e-mail address starts with ``query``."""
    pattern = like_pattern(query)
    name = func.lower(Person.full_name)
    return or_(name.like(pattern, escape="\\"), name.like("% " + pattern, escape="\\"),
               Person.email.like(pattern, escape="\\"))


def _pool(actor: Actor):
    """The subscriptions whose licences this person manages (see the module's docstring)."""
    base = and_(Subscription.organisation_id == actor.organisation_id, Subscription.status.in_(LIVE))
    if actor.role == Role.BILLING_ADMIN:
        return and_(base, Subscription.is_self_service == false())
    return and_(base, Subscription.is_self_service, Subscription.buyer_id == actor.person_id)


def _product_rows(session: Session, actor: Actor, product_id: int | None = None) -> list[ProductLicences]:
    # A plan billed per monthly active user has no licences to assign (R-MAU-1): it is not listed here.
    conditions = [_pool(actor), Product.billing_model != "mau"]
    if product_id is not None:
        conditions.append(Subscription.product_id == product_id)
    subs = session.exec(
        select(Subscription.id, Subscription.quantity, Product.id, Product.name)
        .join(Product, Product.id == Subscription.product_id).where(*conditions).order_by(Product.name, Product.id)
    ).all()
    per_sub = assigned_per_subscription(session, [s[0] for s in subs])
    products: dict[int, ProductLicences] = {}
    for sub_id, quantity, pid, name in subs:
        was = products.get(pid, ProductLicences(pid, name, 0, 0))
        products[pid] = ProductLicences(pid, name, was.bought + int(quantity), was.assigned + per_sub.get(sub_id, 0))
    return list(products.values())


def _product(session: Session, actor: Actor, product_id: int) -> ProductLicences:
    rows = _product_rows(session, actor, product_id)
    if not rows:
        raise NotFound("product")
    return rows[0]


def _holding(session: Session, actor: Actor, product_id: int):
    """Live assignments of the product's pool (a select of LicenceAssignment joined to its subscription)."""
    return (select(LicenceAssignment)
            .join(Subscription, Subscription.id == LicenceAssignment.subscription_id)
            .where(_pool(actor), Subscription.product_id == product_id, live_assignment(actor.organisation_id)))


def _cursor(name: str, person_id: int) -> str:
    return base64.urlsafe_b64encode(f"{person_id}|{name}".encode()).decode().rstrip("=")


def _uncursor(cursor: str) -> tuple[str, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        person_id, name = raw.split("|", 1)
        return name, int(person_id)
    except (ValueError, UnicodeDecodeError):
        raise ValidationFailed("cursor", "That page no longer exists; start again from the first page.") from None


def page_after(query, cursor: str | None, descending: bool, limit: int):
    """``query`` (selecting people) after the keyset ``cursor``, ordered by (name, id), one row extra."""
    if cursor:
        name, person_id = _uncursor(cursor)
        key, bound = tuple_(Person.full_name, Person.id), tuple_(literal(name), literal(person_id))
        query = query.where(Person.full_name <= name if descending else Person.full_name >= name,
                            key < bound if descending else key > bound)
    order = (Person.full_name.desc(), Person.id.desc()) if descending else (Person.full_name, Person.id)
    return query.order_by(*order).limit(limit + 1)


def next_cursor_of(found: Sequence, limit: int, name_of, id_of) -> str | None:
    if len(found) <= limit or not found:
        return None
    last = found[limit - 1]
    return _cursor(name_of(last), id_of(last))


# --- use cases -----------------------------------------------------------------------------------
@policy.allowed(*policy.BUYERS)
def list_products(*, session: Session, actor: Actor) -> list[ProductLicences]:
    """Per product of the person's pool: licences bought, assigned and available."""
    return _product_rows(session, actor)


def _pool_ids(session: Session, actor: Actor, product_id: int) -> list[int]:
    return list(session.exec(select(Subscription.id).where(_pool(actor), Subscription.product_id == product_id)))


def _holds(actor: Actor, sub_ids: list[int]):
    """The person (``Person.id``) holds a live licence of one of ``sub_ids``: an index probe per person."""
    return exists().where(LicenceAssignment.person_id == Person.id, LicenceAssignment.revoked_at.is_(None),
                          LicenceAssignment.organisation_id == actor.organisation_id,
                          LicenceAssignment.subscription_id.in_(sub_ids or [-1]))


@policy.allowed(*policy.BUYERS)
def list_holders(*, session: Session, actor: Actor, product_id: int, query: str = "", sort: str = "name",
                 cursor: str | None = None, limit: int = PAGE_SIZE) -> HolderPage:
    """One page of the people holding the product's licences, searched by name or e-mail. The page
    walks the people index in name order from the cursor and probes each person's live licence, so a
    deep page costs what the first does."""
    product = _product(session, actor, product_id)
    limit = max(1, min(int(limit), 200))
    if sort not in SORTS:
        raise ValidationFailed("sort", "Sort by name, A to Z or Z to A.")
    sub_ids = _pool_ids(session, actor, product_id)
    conditions = [Person.organisation_id == actor.organisation_id, _holds(actor, sub_ids)]
    if query.strip():
        conditions.append(person_matches(query))
    base = select(Person.id, Person.full_name, Person.email, Person.team).where(*conditions)
    found = session.exec(page_after(base, cursor, sort.startswith("-"), limit)).all()
    page = found[:limit]
    since = dict(session.exec(
        select(LicenceAssignment.person_id, func.min(LicenceAssignment.assigned_at))
        .where(live_assignment(actor.organisation_id), LicenceAssignment.subscription_id.in_(sub_ids or [-1]),
               LicenceAssignment.person_id.in_([r[0] for r in page] or [-1]))
        .group_by(LicenceAssignment.person_id)).all())
    total = product.assigned if not query.strip() else session.exec(
        select(func.count()).select_from(Person).where(*conditions)).one()
    rows = [Holder(r[0], r[1], r[2], r[3] or "", since[r[0]]) for r in page]
    return HolderPage(product=product, rows=rows, total=int(total),
                      next_cursor=next_cursor_of(found, limit, lambda r: r[1], lambda r: r[0]))


@policy.allowed(*policy.BUYERS)
def search_people(*, session: Session, actor: Actor, product_id: int, query: str,
                  limit: int = SEARCH_RESULTS) -> list[Candidate]:
    """Members of the organisation (only this one) matching ``query`` who do not hold the product yet."""
    _product(session, actor, product_id)
    if not query.strip():
        return []
    sub_ids = _pool_ids(session, actor, product_id)
    rows = session.exec(
        select(Person.id, Person.full_name, Person.email)
        .where(Person.organisation_id == actor.organisation_id, Person.removed_at.is_(None),
               Person.role != Role.SUPPORT_AGENT, person_matches(query), ~_holds(actor, sub_ids))
        .order_by(Person.full_name, Person.id).limit(max(1, min(int(limit), 20)))
    ).all()
    return [Candidate(*r) for r in rows]


def _chosen_ids(person_ids: Sequence[int], limit: int, *, assigning: bool) -> list[int]:
    ids = list(dict.fromkeys(int(i) for i in person_ids))
    if not ids and assigning:
        raise ValidationFailed("people", "Choose at least one person to assign a licence to.")
    if not ids:
        raise ValidationFailed("people", "Choose at least one person to unassign.")
    if len(ids) > limit:
        raise ValidationFailed("people", "At most {limit} people at a time: you chose {count}.", limit=limit,
                               count=len(ids))
    return ids


def _lock_pool(session: Session, actor: Actor, product_id: int) -> list[Subscription]:
    subs = session.exec(
        select(Subscription).where(_pool(actor), Subscription.product_id == product_id)
        .order_by(Subscription.renews_on, Subscription.id).with_for_update()
    ).all()
    if not subs:
        raise NotFound("product")
    return list(subs)


def _members(session: Session, actor: Actor, person_ids: list[int]) -> list[Person]:
    people = session.exec(select(Person).where(
        Person.organisation_id == actor.organisation_id, Person.id.in_(person_ids), Person.removed_at.is_(None),
        Person.role != Role.SUPPORT_AGENT)).all()
    if len(people) != len(person_ids):
        raise NotFound("person")  # another organisation's person looks exactly like a missing one
    return list(people)


@dataclass(frozen=True)
class _Plan:
    product: Product
    subs: list[Subscription]
    used: dict[int, int]
    new: list[Person]
    already: int

    @property
    def available(self) -> int:
        return sum(max(s.quantity - self.used.get(s.id, 0), 0) for s in self.subs)


def _plan_assignment(session: Session, actor: Actor, product_id: int, person_ids: Sequence[int]) -> _Plan:
    """Lock the pool and work out who needs a licence; nothing is written. Raises on bad input."""
    ids = _chosen_ids(person_ids, MAX_AT_ONCE, assigning=True)
    subs = _lock_pool(session, actor, product_id)
    people = _members(session, actor, ids)
    sub_ids = [s.id for s in subs]
    holding = set(session.exec(select(LicenceAssignment.person_id).where(
        live_assignment(actor.organisation_id), LicenceAssignment.subscription_id.in_(sub_ids),
        LicenceAssignment.person_id.in_(ids))).all())
    used = dict(session.exec(
        select(LicenceAssignment.subscription_id, func.count())
        .where(live_assignment(actor.organisation_id), LicenceAssignment.subscription_id.in_(sub_ids))
        .group_by(LicenceAssignment.subscription_id)).all())
    new = sorted((p for p in people if p.id not in holding), key=lambda p: ids.index(p.id))
    return _Plan(session.get(Product, product_id), subs, used, new, len(people) - len(new))


def _carry_out(session: Session, actor: Actor, plan: _Plan, *, ip: str = "") -> AssignResult:
    """Write the planned assignments, filling the subscriptions that renew first."""
    if len(plan.new) > plan.available:
        raise NotEnoughLicences(plan.product.name, len(plan.new), plan.available)
    now = clock.now()
    waiting = list(plan.new)
    for sub in plan.subs:
        free = max(sub.quantity - plan.used.get(sub.id, 0), 0)
        for person in waiting[:free]:
            session.add(LicenceAssignment(organisation_id=actor.organisation_id, subscription_id=sub.id,
                                          person_id=person.id, assigned_by_id=actor.person_id, assigned_at=now))
        waiting = waiting[free:]
    if plan.new:
        audit.record(session=session, action="licences_assigned", actor=actor, target_type="product",
                     target_id=plan.product.id, ip=ip,
                     detail=f"{plan.product.name}: " + ", ".join(p.email for p in plan.new))
    session.flush()
    return AssignResult(product=plan.product.name, assigned=len(plan.new), already=plan.already)


@policy.allowed(*policy.BUYERS)
def assign_licences(*, session: Session, actor: Actor, product_id: int, person_ids: Sequence[int],
                    ip: str = "") -> AssignResult:
    """R-LIC-2: give the chosen people (at most 20, of this organisation) a licence of the product.
    People who already hold one are left as they are; more people than free licences is refused
    before anything changes (``NotEnoughLicences``: the page offers to buy the difference)."""
    return _carry_out(session, actor, _plan_assignment(session, actor, product_id, person_ids), ip=ip)


@policy.allowed(*policy.BUYERS)
def revoke_licences(*, session: Session, actor: Actor, product_id: int, person_ids: Sequence[int],
                    ip: str = "") -> int:
    """R-LIC-2: unassign the product's licence from the chosen holders; the licences are free at once."""
    ids = _chosen_ids(person_ids, MAX_REVOKE_AT_ONCE, assigning=False)
    _lock_pool(session, actor, product_id)
    rows = session.exec(_holding(session, actor, product_id).where(LicenceAssignment.person_id.in_(ids))).all()
    if {r.person_id for r in rows} != set(ids):
        raise NotFound("licence holder")
    now = clock.now()
    for row in rows:
        row.revoked_at = now
        session.add(row)
    name = session.get(Product, product_id).name
    audit.record(session=session, action="licences_revoked", actor=actor, target_type="product",
                 target_id=product_id, ip=ip, detail=f"{name}: {len(ids)} licence(s) unassigned")
    session.flush()
    return len(ids)



# --- buy the missing licences and assign, in one step ---------------------------------------------
@dataclass(frozen=True)
class PurchasePlan:
    """What 'Buy N more and assign' would do: the subscription grown by ``extra`` and its priced change."""

    extra: int
    people: int
    preview: subscriptions.LicencePreview


def _growing(plan: _Plan) -> tuple[Subscription, int]:
    """The subscription that grows (the first live one that renews first) and by how many licences."""
    extra = len(plan.new) - plan.available
    if extra <= 0:
        raise ValidationFailed("people", "There are enough licences for everyone you chose: assign them.")
    live = [s for s in plan.subs if s.status == SubscriptionStatus.ACTIVE] or plan.subs
    return live[0], extra


@policy.allowed(*policy.BUYERS)
def preview_buy_and_assign(*, session: Session, actor: Actor, product_id: int,
                           person_ids: Sequence[int]) -> PurchasePlan:
    """Price 'buy the missing licences' (the Subscriptions proration preview); nothing changes."""
    plan = _plan_assignment(session, actor, product_id, person_ids)
    sub, extra = _growing(plan)
    preview = subscriptions.preview_licence_change(session=session, actor=actor, subscription_id=sub.id,
                                                   new_total=sub.quantity + extra)
    return PurchasePlan(extra=extra, people=len(plan.new), preview=preview)


@policy.allowed(*policy.BUYERS)
def buy_and_assign(*, session: Session, actor: Actor, product_id: int, person_ids: Sequence[int],
                   preview_token: str, gateway: PaymentGateway | None = None, ip: str = "") -> AssignResult:
    """Buy exactly the previewed licences and assign them, all or nothing: a declined card, a stale
    preview or a change by someone else in between leaves both the subscription and the assignments as
    they were (the caller's one transaction rolls back)."""
    plan = _plan_assignment(session, actor, product_id, person_ids)
    sub, extra = _growing(plan)
    subscriptions.change_licences(session=session, actor=actor, subscription_id=sub.id,
                                  new_total=sub.quantity + extra, preview_token=preview_token, gateway=gateway)
    return _carry_out(session, actor, _plan_assignment(session, actor, product_id, person_ids), ip=ip)
