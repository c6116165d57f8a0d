"""Activation keys (billing_center/services/activation_keys.py, R-ACC-4): seats add to the subscription;
used, unknown, malformed and other organisations' keys change nothing; single use under concurrency."""

from __future__ import annotations

import threading

import pytest
from sqlmodel import select

from billing_center.db import session_scope
from billing_center.domain.errors import Forbidden, NotFound, ValidationFailed
from billing_center.models import ActivationKey, Subscription
from billing_center.services import activation_keys as keys
from tests.factories import actor_for

DEMO_KEY = "ALM-7Q4K-9XPD-2M3T"  # 50 learning seats for Flexis (seed)


def learning(session, org_id: int) -> Subscription:
    return session.exec(select(Subscription).where(Subscription.organisation_id == org_id,
                                                   Subscription.quantity == 40)).first()


def test_a_key_adds_its_seats_once(session, flexis_admin):
    before = learning(session, flexis_admin.organisation_id)
    result = keys.activate_key(session=session, actor=flexis_admin, key=" alm-7q4k-9xpd-2m3t ")
    assert (result.seats, result.subscription_id, result.quantity) == (50, before.id, 90)
    with pytest.raises(ValidationFailed, match="already used"):
        keys.activate_key(session=session, actor=flexis_admin, key=DEMO_KEY)
    assert session.get(Subscription, before.id).quantity == 90


@pytest.mark.parametrize(("key", "message"), [("", "Enter the activation key"), ("12345", "looks like"),
                                              ("ALM-AAAA-BBBB-CCCC", "unknown")])
def test_bad_keys_get_a_clear_message(session, flexis_admin, key, message):
    with pytest.raises(ValidationFailed, match=message):
        keys.activate_key(session=session, actor=flexis_admin, key=key)


def test_another_organisations_key_reads_as_unknown(session, contoso_admin, flexis_admin):
    with pytest.raises(ValidationFailed, match="unknown"):
        keys.activate_key(session=session, actor=contoso_admin, key=DEMO_KEY)
    assert session.exec(select(ActivationKey).where(ActivationKey.key == DEMO_KEY)).one().redeemed_at is None


def test_support_issues_keys_that_add_up(session, support_agent, flexis_admin):
    first = keys.issue_key(session=session, actor=support_agent, organisation_slug="flexis", product_code="EXO-P1",
                           seats="3", po_number="PO-9")
    second = keys.issue_key(session=session, actor=support_agent, organisation_slug="flexis",
                            product_code="EXO-P1", seats=2)
    total = [keys.activate_key(session=session, actor=flexis_admin, key=k.key).quantity for k in (first, second)]
    assert total[1] - total[0] == 2
    with pytest.raises(ValidationFailed):
        keys.issue_key(session=session, actor=support_agent, organisation_slug="flexis", product_code="EXO-P1",
                       seats="-1")
    with pytest.raises(NotFound):
        keys.issue_key(session=session, actor=support_agent, organisation_slug="nobody", product_code="EXO-P1",
                       seats=1)
    with pytest.raises(Forbidden):
        keys.issue_key(session=session, actor=flexis_admin, organisation_slug="flexis", product_code="EXO-P1",
                       seats=1)


def test_two_simultaneous_activations_use_the_key_once(own_engine):
    with session_scope(own_engine) as session:
        actor = actor_for(session, "aleroy@flexis.com")
        sub_id = learning(session, actor.organisation_id).id
    barrier, results, errors = threading.Barrier(2), [], []

    def activate():
        barrier.wait()
        try:
            with session_scope(own_engine) as session:
                results.append(keys.activate_key(session=session, actor=actor, key=DEMO_KEY))
        except ValidationFailed as exc:
            errors.append(exc.message)

    threads = [threading.Thread(target=activate) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(results) == 1 and len(errors) == 1 and "already used" in errors[0]
    with session_scope(own_engine) as session:
        assert session.get(Subscription, sub_id).quantity == 90
