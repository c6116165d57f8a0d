"""Licences per product, assigning and revoking (R-LIC-2, R-SS-1, R-SEC-1): billing_center/services/licences.py."""

from __future__ import annotations

import threading
import time

import pytest
from sqlmodel import Session, select

from billing_center.db import session_scope
from billing_center.domain.enums import Role
from billing_center.domain.errors import NotFound, ValidationFailed
from billing_center.models import LicenceAssignment, Organisation, Person, Product, Subscription
from billing_center.services import licences, overview
from billing_center.services.actors import Actor
from billing_center.services.auth import actor_of
from tests import factories
from tests.service.test_subscriptions import Recorder, mid_term


def _people(session: Session, org: Organisation, n: int, **fields) -> list[int]:
    return [factories.person(session, org, **fields).id for _ in range(n)]


def _pool(session: Session, org: Organisation, quantity: int = 5) -> int:
    return factories.subscription(session, org, quantity=quantity).product_id


def _totals(session, actor, product_id) -> tuple[int, int, int]:
    row = next(p for p in licences.list_products(session=session, actor=actor) if p.product_id == product_id)
    return row.bought, row.assigned, row.available


def test_demo_products_show_bought_assigned_available(session, flexis_admin, buyer):
    admin_view = {p.product: (p.bought, p.assigned, p.available)
                  for p in licences.list_products(session=session, actor=flexis_admin)}
    assert admin_view["Exchange Online (Plan 1)"] == (5, 4, 1)
    assert admin_view["Office 365 E3"] == (25, 12, 13)
    # The plan billed per monthly active user has no licences to assign: not listed, its page not found.
    assert "Learning Manager (monthly active users)" not in admin_view
    mau = session.exec(select(Product).where(Product.code == "LM-MAU")).one()
    with pytest.raises(NotFound):
        licences.list_holders(session=session, actor=flexis_admin, product_id=mau.id)
    # The buyer's own purchase is theirs to manage; admins see it read-only elsewhere (R-SS-1).
    assert "SharePoint Online (Plan 1)" not in admin_view
    buyer_view = {p.product: p.assigned for p in licences.list_products(session=session, actor=buyer)}
    assert buyer_view == {"SharePoint Online (Plan 1)": 3}


def test_licences_sum_over_the_products_subscriptions(session, org, org_admin):
    product_id = _pool(session, org, 3)
    sub = session.exec(select(Subscription).where(Subscription.product_id == product_id)).one()
    factories.subscription(session, org, quantity=4)  # another product: not summed in
    session.add(Subscription(organisation_id=org.id, product_id=product_id, quantity=2, unit_price_minor=5400,
                             currency="EUR", start_date=sub.start_date, renews_on=sub.renews_on))
    session.flush()
    assert _totals(session, org_admin, product_id) == (5, 0, 5)
    licences.assign_licences(session=session, actor=org_admin, product_id=product_id,
                             person_ids=_people(session, org, 5))
    assert _totals(session, org_admin, product_id) == (5, 5, 0)


def test_assign_then_revoke_frees_the_licence_and_keeps_the_row(session, org, org_admin):
    product_id = _pool(session, org, 2)
    alice = factories.person(session, org, full_name="Alice Archer")
    result = licences.assign_licences(session=session, actor=org_admin, product_id=product_id, person_ids=[alice.id])
    assert (result.assigned, result.already) == (1, 0)
    page = licences.list_holders(session=session, actor=org_admin, product_id=product_id)
    assert [h.email for h in page.rows] == [alice.email] and page.total == 1
    # Assigning again (a double click) changes nothing.
    again = licences.assign_licences(session=session, actor=org_admin, product_id=product_id, person_ids=[alice.id])
    assert (again.assigned, again.already) == (0, 1)
    assert _totals(session, org_admin, product_id) == (2, 1, 1)

    assert licences.revoke_licences(session=session, actor=org_admin, product_id=product_id,
                                    person_ids=[alice.id]) == 1
    assert _totals(session, org_admin, product_id) == (2, 0, 2)
    row = session.exec(select(LicenceAssignment).where(LicenceAssignment.person_id == alice.id)).one()
    assert row.revoked_at is not None and row.assigned_by_id == org_admin.person_id
    with pytest.raises(NotFound):  # revoking twice: nothing left to revoke
        licences.revoke_licences(session=session, actor=org_admin, product_id=product_id, person_ids=[alice.id])


def test_at_most_twenty_people_at_a_time(session, org, org_admin):
    product_id = _pool(session, org, 50)
    people = _people(session, org, 21)
    with pytest.raises(ValidationFailed, match="At most 20") as refused:
        licences.assign_licences(session=session, actor=org_admin, product_id=product_id, person_ids=people)
    assert refused.value.field == "people"
    assert _totals(session, org_admin, product_id) == (50, 0, 50)
    assert licences.assign_licences(session=session, actor=org_admin, product_id=product_id,
                                    person_ids=people[:20]).assigned == 20
    with pytest.raises(ValidationFailed, match="at least one"):
        licences.assign_licences(session=session, actor=org_admin, product_id=product_id, person_ids=[])


def test_more_people_than_available_is_refused_before_anything_changes(session, org, org_admin):
    product_id = _pool(session, org, 3)
    with pytest.raises(licences.NotEnoughLicences) as refused:
        licences.assign_licences(session=session, actor=org_admin, product_id=product_id,
                                 person_ids=_people(session, org, 5))
    assert (refused.value.available, refused.value.short) == (3, 2)
    assert "buy 2 more" in refused.value.message
    assert _totals(session, org_admin, product_id) == (3, 0, 3)


def test_another_organisations_people_and_products_are_not_found(session, org, org_admin, flexis, contoso_admin):
    product_id = _pool(session, org, 5)
    stranger = factories.person(session, flexis, full_name="Org Outsider")
    mine = factories.person(session, org, full_name="Org Insider")
    with pytest.raises(NotFound) as outsider:
        licences.assign_licences(session=session, actor=org_admin, product_id=product_id,
                                 person_ids=[mine.id, stranger.id])
    with pytest.raises(NotFound) as missing:
        licences.assign_licences(session=session, actor=org_admin, product_id=product_id, person_ids=[10**9])
    assert outsider.value.message == missing.value.message
    assert _totals(session, org_admin, product_id) == (5, 0, 5)
    # Search never finds them either.
    assert [c.name for c in licences.search_people(session=session, actor=org_admin, product_id=product_id,
                                                   query="org")] == ["Org Insider"]
    # Contoso cannot see, search or change this organisation's product.
    for call in (lambda: licences.list_holders(session=session, actor=contoso_admin, product_id=product_id),
                 lambda: licences.search_people(session=session, actor=contoso_admin, product_id=product_id, query="o"),
                 lambda: licences.revoke_licences(session=session, actor=contoso_admin, product_id=product_id,
                                                  person_ids=[mine.id])):
        with pytest.raises(NotFound):
            call()


def test_search_finds_members_by_name_word_or_email_and_leaves_out_holders(session, org, org_admin):
    product_id = _pool(session, org, 5)
    ann = factories.person(session, org, full_name="Ann de Vries", email=f"ann.dv@{org.slug}.example")
    bob = factories.person(session, org, full_name="Bob Vriesland")
    factories.person(session, org, full_name="Carl 100%_Sure")
    found = lambda q: [c.name for c in licences.search_people(  # noqa: E731
        session=session, actor=org_admin, product_id=product_id, query=q)]
    assert found("vries") == ["Ann de Vries", "Bob Vriesland"]  # any word of the name
    assert found("DE V") == ["Ann de Vries"]
    assert found("ries") == []  # words start with what is typed
    assert found("ann.dv@") == ["Ann de Vries"]
    assert found("b") == ["Bob Vriesland"]
    assert found("%") == [] and found("_") == []  # wildcards are plain characters
    assert found("100%") == ["Carl 100%_Sure"]
    licences.assign_licences(session=session, actor=org_admin, product_id=product_id, person_ids=[ann.id, bob.id])
    assert found("vries") == []
    assert found("  ") == []


def test_holders_are_paginated_by_name_with_a_keyset_and_searchable(session, org, org_admin):
    product_id = _pool(session, org, 20)
    ids = [factories.person(session, org, full_name=f"Holder {n:02d}").id for n in range(12)]
    licences.assign_licences(session=session, actor=org_admin, product_id=product_id, person_ids=ids)
    seen, cursor = [], None
    while True:
        page = licences.list_holders(session=session, actor=org_admin, product_id=product_id, cursor=cursor, limit=5)
        assert page.total == 12
        seen += [h.name for h in page.rows]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == [f"Holder {n:02d}" for n in range(12)]
    backwards = licences.list_holders(session=session, actor=org_admin, product_id=product_id, sort="-name", limit=3)
    assert [h.name for h in backwards.rows] == ["Holder 11", "Holder 10", "Holder 09"]
    searched = licences.list_holders(session=session, actor=org_admin, product_id=product_id, query="holder 1")
    assert [h.name for h in searched.rows] == ["Holder 10", "Holder 11"] and searched.total == 2
    with pytest.raises(ValidationFailed):
        licences.list_holders(session=session, actor=org_admin, product_id=product_id, cursor="not-a-cursor!")
    with pytest.raises(ValidationFailed):
        licences.list_holders(session=session, actor=org_admin, product_id=product_id, sort="price")


def test_a_buyer_manages_only_their_own_purchase(session, buyer, flexis_admin):
    sharepoint = session.exec(select(Product).where(Product.code == "SPO-P1")).one()
    exchange = session.exec(select(Product).where(Product.code == "EXO-P1")).one()
    members = session.exec(select(Person.id).where(Person.organisation_id == buyer.organisation_id,
                                                   Person.role == Role.MEMBER).order_by(Person.id)).all()
    with pytest.raises(NotFound):  # the admins' Exchange subscription is not the buyer's
        licences.assign_licences(session=session, actor=buyer, product_id=exchange.id, person_ids=[members[-1]])
    with pytest.raises(NotFound):  # and the admin does not assign from the buyer's purchase
        licences.assign_licences(session=session, actor=flexis_admin, product_id=sharepoint.id,
                                 person_ids=[members[-1]])
    result = licences.assign_licences(session=session, actor=buyer, product_id=sharepoint.id,
                                      person_ids=[members[-1]])
    assert result.assigned == 1


def test_overview_counts_the_same_licences(session, flexis_admin):
    figures = overview.get_overview(session=session, actor=flexis_admin)
    bought, assigned = licences.licence_totals(session, flexis_admin.organisation_id)
    assert (figures.licences_total, figures.licences_assigned) == (bought, assigned)
    assert assigned == 4 + 3 + 12 + 31


def test_two_admins_assigning_the_last_licences_at_once_never_oversell(own_engine, monkeypatch):
    """Each admin takes the last licence for a different person in their own thread and transaction:
    one wins, the other gets the clear message. Both pause after taking the pool, so without the lock
    both would count one free licence and assign it."""
    locked = licences._lock_pool

    def slow_lock(*args, **kwargs):
        subs = locked(*args, **kwargs)
        time.sleep(0.5)
        return subs

    monkeypatch.setattr(licences, "_lock_pool", slow_lock)
    with session_scope(own_engine) as db:
        org = factories.organisation(db)
        product_id = _pool(db, org, 3)
        admins = [actor_of(factories.person(db, org, role=Role.BILLING_ADMIN)) for _ in range(2)]
        holders = _people(db, org, 2)
        contenders = _people(db, org, 2)
        licences.assign_licences(session=db, actor=admins[0], product_id=product_id, person_ids=holders)
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def assign(actor: Actor, person_id: int) -> None:
        barrier.wait()
        try:
            with session_scope(own_engine) as db:
                outcomes.append(licences.assign_licences(session=db, actor=actor, product_id=product_id,
                                                         person_ids=[person_id]).assigned)
        except licences.NotEnoughLicences as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=assign, args=(admins[i], contenders[i])) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(map(type, outcomes), key=str) == sorted([int, licences.NotEnoughLicences], key=str)
    with session_scope(own_engine) as db:
        assert _totals(db, admins[0], product_id) == (3, 3, 0)


# --- buy N more and assign (with the Subscriptions proration preview) ---------------------------------
def test_buy_the_missing_licences_and_assign_in_one_step(session, org, org_admin):
    sub = mid_term(session, org, quantity=2)
    people = _people(session, org, 4)
    with pytest.raises(licences.NotEnoughLicences) as refused:
        licences.assign_licences(session=session, actor=org_admin, product_id=sub.product_id, person_ids=people)
    plan = licences.preview_buy_and_assign(session=session, actor=org_admin, product_id=sub.product_id,
                                           person_ids=people)
    assert plan.extra == refused.value.short == 2
    assert (plan.preview.old_quantity, plan.preview.new_quantity) == (2, 4) and plan.preview.total.amount_minor > 0
    gateway = Recorder()
    result = licences.buy_and_assign(session=session, actor=org_admin, product_id=sub.product_id, person_ids=people,
                                     preview_token=plan.preview.token, gateway=gateway)
    assert result.assigned == 4
    assert [c[1] for c in gateway.charges] == [plan.preview.total]
    assert _totals(session, org_admin, sub.product_id) == (4, 4, 0)
    with pytest.raises(ValidationFailed, match="enough licences"):
        licences.preview_buy_and_assign(session=session, actor=org_admin, product_id=sub.product_id,
                                        person_ids=people[:1])


def test_buy_and_assign_is_all_or_nothing_when_the_card_is_declined(session, org, org_admin):
    sub = mid_term(session, org, quantity=1, card=factories.card(session, org, processor_token="tok_decline_9"))
    people = _people(session, org, 3)
    plan = licences.preview_buy_and_assign(session=session, actor=org_admin, product_id=sub.product_id,
                                           person_ids=people)
    with pytest.raises(ValidationFailed), session.begin_nested():
        licences.buy_and_assign(session=session, actor=org_admin, product_id=sub.product_id, person_ids=people,
                                preview_token=plan.preview.token, gateway=Recorder())
    session.expire_all()
    assert _totals(session, org_admin, sub.product_id) == (1, 0, 1)
    assert session.get(Subscription, sub.id).quantity == 1
