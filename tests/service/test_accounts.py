"""Account status and deactivation (billing_center/services/accounts.py, R-ACC-1, R-ACC-2): deactivate ->
three reminders -> inactive -> only admins sign in (at sign-in and on every event); reactivate restores."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from sqlmodel import select

from billing_center.domain import clock
from billing_center.domain.errors import Conflict, Forbidden, NotAuthenticated
from billing_center.models import Organisation, OutgoingEmail, Subscription
from billing_center.services import accounts, auth
from billing_center.services.auth import actor_of
from tests import factories


def test_deactivate_three_reminders_inactive_then_only_admins(session, org):
    member = factories.person(session, org, role="member", password_hash=auth.hash_password("member-pass-1"))
    admin = factories.person(session, org, role="billing_admin", password_hash=auth.hash_password("admin-pass-1"))
    org_admin = actor_of(admin)
    live = factories.subscription(session, org)
    member_token = auth.sign_in(session=session, email=member.email, password="member-pass-1").token
    assert accounts.account_status(session=session, actor=org_admin).can_deactivate
    assert accounts.deactivate_account(session=session, actor=org_admin) == 1
    assert (live.status, live.auto_renew) == ("cancellation_started", False)
    view = accounts.account_status(session=session, actor=org_admin)
    assert (view.status, view.days_left, view.can_reactivate) == ("activation_required", 30, True)
    with pytest.raises(Conflict):
        accounts.deactivate_account(session=session, actor=org_admin)

    start = clock.today()
    sent = []
    for day in range(0, 31):
        accounts.remind_and_expire(session=session, now=clock.at(start + timedelta(days=day), 4))
        accounts.remind_and_expire(session=session, now=clock.at(start + timedelta(days=day), 5))  # twice a day
        sent.append(len(session.exec(select(OutgoingEmail).where(OutgoingEmail.organisation_id == org.id)).all()))
    assert [sent[6], sent[7], sent[20], sent[21], sent[28], sent[30]] == [0, 1, 1, 2, 3, 3]
    assert session.get(Organisation, org.id).status == "inactive"

    with pytest.raises(NotAuthenticated, match="inactive"):  # an open session stops at its next event
        auth.resolve(session=session, token=member_token)
    with pytest.raises(Exception):  # noqa: B017 - sign-in refuses with the usual wrong-credentials message
        auth.sign_in(session=session, email=member.email, password="member-pass-1")
    admin_token = auth.sign_in(session=session, email=admin.email, password="admin-pass-1").token
    assert auth.resolve(session=session, token=admin_token).person_id == admin.id

    accounts.reactivate_account(session=session, actor=org_admin)
    assert session.get(Organisation, org.id).status == "active"
    assert session.get(Subscription, live.id).status == "active"


def test_only_a_billing_admin_deactivates(session, contract_admin):
    with pytest.raises(Forbidden):
        accounts.deactivate_account(session=session, actor=contract_admin)


def test_reactivating_an_active_account_is_refused(session, org_admin):
    with pytest.raises(Conflict):
        accounts.reactivate_account(session=session, actor=org_admin)
    with time_machine.travel(clock.now(), tick=False):
        assert accounts.account_status(session=session, actor=org_admin).explanation
