"""Billing accounts and their profiles, each with its payment method and invoices (R-PAY-3):
services/billing_accounts.py."""

from __future__ import annotations

import pytest

from billing_center.domain import clock
from billing_center.domain.errors import NotFound
from billing_center.services import billing_accounts
from tests import factories


def test_profiles_show_their_card_and_their_latest_invoices(session, org, org_admin):
    card = factories.card(session, org, last4="4392")
    learning = factories.billing_profile(session, org, card=card, name="Learning")
    factories.billing_profile(session, org, name="Office")
    for months_ago in range(7):
        factories.invoice(session, org, billing_profile_id=learning.id,
                          issue_date=clock.add_months(clock.today(), -months_ago))
    accounts = billing_accounts.list_accounts(session=session, actor=org_admin)
    profiles = {p.name: p for account in accounts for p in account.profiles}
    assert set(profiles) == {"Learning", "Office"}
    assert profiles["Learning"].payment_method == "Visa - 4392"
    assert profiles["Learning"].invoice_count == 7 and len(profiles["Learning"].invoices) == 5
    newest_first = [i.issue_date for i in profiles["Learning"].invoices]
    assert newest_first == sorted(newest_first, reverse=True)
    assert (profiles["Office"].payment_method, profiles["Office"].invoice_count) == ("Invoice (no card)", 0)


def test_a_deleted_card_no_longer_pays_a_profile(session, org, org_admin):
    card = factories.card(session, org)
    factories.billing_profile(session, org, card=card)
    card.deleted_at = clock.now()
    session.add(card)
    [account] = billing_accounts.list_accounts(session=session, actor=org_admin)
    assert account.profiles[0].payment_method == "Invoice (no card)"
    assert account.profiles[0].payment_method_id is None


def test_a_profiles_payment_method_changes(session, org, org_admin):
    profile = factories.billing_profile(session, org)
    card = factories.card(session, org, brand="Mastercard", last4="5100")
    billing_accounts.set_profile_payment_method(session=session, actor=org_admin, profile_id=profile.id,
                                                card_id=card.id)
    [account] = billing_accounts.list_accounts(session=session, actor=org_admin)
    assert account.profiles[0].payment_method == "Mastercard - 5100"


def test_another_organisations_profiles_and_cards_are_missing(session, org, org_admin):
    other = factories.organisation(session)
    their_profile = factories.billing_profile(session, other)
    their_card = factories.card(session, other)
    mine = factories.billing_profile(session, org)
    assert billing_accounts.list_accounts(session=session, actor=org_admin)[0].profiles[0].id == mine.id
    with pytest.raises(NotFound):
        billing_accounts.set_profile_payment_method(session=session, actor=org_admin, profile_id=their_profile.id,
                                                    card_id=factories.card(session, org).id)
    with pytest.raises(NotFound):
        billing_accounts.set_profile_payment_method(session=session, actor=org_admin, profile_id=mine.id,
                                                    card_id=their_card.id)
    assert their_profile.payment_method_id is None and mine.payment_method_id is None


def test_the_demo_billing_account(session, flexis_admin):
    """The Flexis demo's account, as the Billing accounts page shows it."""
    accounts = billing_accounts.list_accounts(session=session, actor=flexis_admin)
    assert [a.name for a in accounts] == ["Flexis BV"]
    assert {p.name for p in accounts[0].profiles} == {"Flexis Learning", "Flexis Office"}
