"""The wallet (R-PAY-1, R-PAY-2), billing accounts (R-PAY-3) and contract billing details with change
requests handled by support (R-CON-3)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from billing_center.domain import clock
from billing_center.domain.errors import Forbidden, NotFound, ValidationFailed
from billing_center.models import ChangeRequest, Contract, OutgoingEmail, PaymentMethod, Subscription
from billing_center.services import billing_accounts, contract_billing, wallet
from tests.conftest import actor_for
from tests.processor import gateway, processor  # noqa: F401  (fixtures)


def card(session, last4: str) -> PaymentMethod:
    return session.exec(select(PaymentMethod).where(PaymentMethod.last4 == last4)).one()


def test_the_wallet_lists_cards_with_default_first_and_what_they_pay(session, flexis_admin):
    cards = wallet.list_cards(session=session, actor=flexis_admin)
    assert [c.label for c in cards] == ["Visa - 4392", "Mastercard - 5100", "Visa - 1881"]
    assert cards[0].is_default and not cards[1].is_default
    assert "Exchange Online (Plan 1)" in cards[0].used_by and "contract FL124480" in cards[0].used_by
    assert all(c.label.endswith(("4392", "5100", "1881")) for c in cards)


def test_adding_a_card_stores_only_token_brand_last4_expiry(session, flexis_admin, processor, gateway):
    token = processor.token("4242424242424242", exp="09/33")
    added = wallet.add_card(session=session, actor=flexis_admin, gateway=gateway, token=token,
                            holder_name="Alex Leroy", address="Kunstlaan 24")
    assert (added.brand, added.last4, added.exp_month, added.exp_year) == ("Visa", "4242", 9, 2033)
    stored = " ".join(str(v) for v in added.model_dump().values())
    assert "4242424242424242" not in stored


@pytest.mark.parametrize(("number", "words"), [("4000000000000002", "declined"),
                                               ("4000000000009995", "insufficient funds"),
                                               ("4000000000000069", "expired")])
def test_a_card_the_processor_refuses_never_enters_the_wallet(session, flexis_admin, processor, gateway, number,
                                                              words):
    before = len(wallet.list_cards(session=session, actor=flexis_admin))
    with pytest.raises(ValidationFailed) as error:
        wallet.add_card(session=session, actor=flexis_admin, gateway=gateway, token=processor.token(number),
                        holder_name="Alex Leroy")
    assert error.value.field == "card" and words in error.value.message
    assert len(wallet.list_cards(session=session, actor=flexis_admin)) == before


def test_adding_needs_a_name_and_a_token(session, flexis_admin, processor, gateway):
    with pytest.raises(ValidationFailed) as error:
        wallet.add_card(session=session, actor=flexis_admin, gateway=gateway,
                        token=processor.token("4242424242424242"), holder_name=" ")
    assert error.value.field == "holder_name"
    with pytest.raises(ValidationFailed) as error:
        wallet.add_card(session=session, actor=flexis_admin, gateway=gateway, token="", holder_name="A")
    assert error.value.field == "card"


@pytest.mark.parametrize(("expiry", "words"), [("13/30", "between 01 and 12"), ("01/20", "in the past"),
                                               ("abc", "MM/YY"), ("12/99", "too far")])
def test_editing_refuses_bad_expiry_and_changes_nothing(session, flexis_admin, expiry, words):
    master = card(session, "5100")
    before = (master.exp_month, master.exp_year, master.holder_name)
    with pytest.raises(ValidationFailed) as error:
        wallet.update_card(session=session, actor=flexis_admin, card_id=master.id, expiry=expiry,
                           holder_name="New Name", address="")
    assert error.value.field == "expiry" and words in error.value.message
    session.refresh(master)
    assert (master.exp_month, master.exp_year, master.holder_name) == before


def test_editing_expiry_name_and_address(session, flexis_admin):
    master = card(session, "5100")
    year = clock.today().year + 2
    wallet.update_card(session=session, actor=flexis_admin, card_id=master.id, expiry=f"07/{year % 100}",
                       holder_name="Flexis Treasury", address="Rue Neuve 1, Bruxelles")
    session.refresh(master)
    assert (master.exp_month, master.exp_year, master.holder_name) == (7, year, "Flexis Treasury")


def test_set_default_keeps_active_contracts_on_their_card(session, flexis_admin):
    buyer_card = card(session, "1881")
    office = session.exec(select(Contract).where(Contract.number == "FL124480")).one()
    wallet.set_default(session=session, actor=flexis_admin, card_id=buyer_card.id)
    cards = wallet.list_cards(session=session, actor=flexis_admin)
    assert [c.label for c in cards if c.is_default] == ["Visa - 1881"]
    session.refresh(office)
    assert office.payment_method_id == card(session, "4392").id


def test_deleting_a_card_that_pays_a_subscription_is_refused(session, flexis_admin):
    visa = card(session, "4392")
    with pytest.raises(ValidationFailed) as error:
        wallet.delete_card(session=session, actor=flexis_admin, card_id=visa.id)
    assert "cannot be deleted" in error.value.message and "Exchange Online" in error.value.message
    assert visa.deleted_at is None


def test_deleting_an_unused_card_removes_it(session, flexis_admin):
    master = card(session, "5100")
    wallet.delete_card(session=session, actor=flexis_admin, card_id=master.id)
    assert [c.label for c in wallet.list_cards(session=session, actor=flexis_admin)] == ["Visa - 4392",
                                                                                          "Visa - 1881"]


def test_replacing_a_card_moves_everything_it_paid(session, flexis_admin, processor, gateway):
    visa = card(session, "4392")
    new = wallet.replace_card(session=session, actor=flexis_admin, gateway=gateway, card_id=visa.id,
                              token=processor.token("5555555555554444"), holder_name="Alex Leroy")
    assert new.brand == "Mastercard" and new.is_default
    exchange = session.exec(select(Subscription).where(Subscription.payment_method_id == new.id)).all()
    assert exchange and visa.deleted_at is not None
    assert session.exec(select(Contract).where(Contract.number == "FL124480")).one().payment_method_id == new.id


def test_another_organisations_card_is_missing_everywhere(session, flexis_admin, contoso_admin):
    theirs = session.exec(select(PaymentMethod).where(
        PaymentMethod.organisation_id == contoso_admin.organisation_id)).first()
    for call in (lambda: wallet.set_default(session=session, actor=flexis_admin, card_id=theirs.id),
                 lambda: wallet.delete_card(session=session, actor=flexis_admin, card_id=theirs.id),
                 lambda: wallet.update_card(session=session, actor=flexis_admin, card_id=theirs.id, expiry="01/40",
                                            holder_name="x", address=""),
                 lambda: contract_billing.change_payment_method(session=session, actor=flexis_admin,
                                                                number="FL124480", card_id=theirs.id),
                 lambda: contract_billing.billing_details(session=session, actor=flexis_admin, number="CT500100")):
        with pytest.raises(NotFound):
            call()
    assert theirs.deleted_at is None and theirs.is_default  # untouched


def test_only_billing_admins_manage_the_wallet(session):
    with pytest.raises(Forbidden):
        wallet.list_cards(session=session, actor=actor_for(session, "mbakker@flexis.com"))


def test_billing_accounts_show_profiles_with_their_card_and_invoices(session, flexis_admin, contoso_admin):
    accounts = billing_accounts.list_accounts(session=session, actor=flexis_admin)
    assert [a.name for a in accounts] == ["Flexis BV"]
    profiles = {p.name: p for p in accounts[0].profiles}
    assert set(profiles) == {"Flexis Learning", "Flexis Office"}
    assert profiles["Flexis Learning"].payment_method == "Visa - 4392"
    assert profiles["Flexis Learning"].invoice_count >= 12 and len(profiles["Flexis Learning"].invoices) == 5
    assert billing_accounts.list_accounts(session=session, actor=contoso_admin) == []
    master = card(session, "5100")
    billing_accounts.set_profile_payment_method(session=session, actor=flexis_admin,
                                                profile_id=profiles["Flexis Office"].id, card_id=master.id)
    with pytest.raises(NotFound):
        billing_accounts.set_profile_payment_method(session=session, actor=contoso_admin,
                                                    profile_id=profiles["Flexis Office"].id, card_id=master.id)


def test_a_contracts_payment_method_changes_at_once(session, flexis_admin):
    buyer_card = card(session, "1881")
    contract_billing.change_payment_method(session=session, actor=flexis_admin, number="FL124480",
                                           card_id=buyer_card.id)
    details = contract_billing.billing_details(session=session, actor=flexis_admin, number="FL124480")
    assert details.payment_method == "Visa - 1881"
    with pytest.raises(ValidationFailed):  # the same card again
        contract_billing.change_payment_method(session=session, actor=flexis_admin, number="FL124480",
                                               card_id=buyer_card.id)
    assert session.exec(select(Contract).where(Contract.number == "FL124480")).one().payment_method_id == \
        buyer_card.id


def test_a_frequency_change_request_is_completed_by_support_and_confirmed_by_mail(session, flexis_admin):
    req = contract_billing.request_change(session=session, actor=flexis_admin, number="FL123133",
                                          kind="billing_frequency", requested_value="quarterly", note="Budget")
    with pytest.raises(ValidationFailed):  # a double submit
        contract_billing.request_change(session=session, actor=flexis_admin, number="FL123133",
                                        kind="billing_frequency", requested_value="quarterly")
    with pytest.raises(Forbidden):
        contract_billing.support_queue(session=session, actor=flexis_admin)
    support = actor_for(session, "support@billing-center.example")
    queue = contract_billing.support_queue(session=session, actor=support)
    mine = [r for r in queue if r.id == req.id]
    assert mine and (mine[0].organisation, mine[0].requested, mine[0].requested_by) == (
        "Flexis", "Quarterly", "aleroy@flexis.com")
    contract_billing.complete_request(session=session, actor=support, request_id=req.id)
    assert session.exec(select(Contract).where(Contract.number == "FL123133")).one().billing_frequency == "quarterly"
    mail = session.exec(select(OutgoingEmail).where(OutgoingEmail.template == "change_request_completed")).all()
    assert [m.to_address for m in mail] == ["aleroy@flexis.com"] and "Quarterly" in mail[0].body_text
    with pytest.raises(ValidationFailed):
        contract_billing.complete_request(session=session, actor=support, request_id=req.id)
    assert session.get(ChangeRequest, req.id).status == "completed"


@pytest.mark.parametrize(("kind", "value", "field"), [("billing_frequency", "annual", "requested_value"),
                                                      ("billing_frequency", "weekly", "requested_value"),
                                                      ("colour", "blue", "kind")])
def test_bad_change_requests_are_refused(session, flexis_admin, kind, value, field):
    with pytest.raises(ValidationFailed) as error:
        contract_billing.request_change(session=session, actor=flexis_admin, number="FL123133", kind=kind,
                                        requested_value=value)
    assert error.value.field == field


def test_a_contract_admin_sees_only_the_contract_they_administer(session):
    jan = actor_for(session, "jdevries@flexis.com")
    assert contract_billing.billing_details(session=session, actor=jan, number="FL123133").number == "FL123133"
    with pytest.raises(NotFound):
        contract_billing.billing_details(session=session, actor=jan, number="FL124480")


def test_saving_the_same_card_twice_keeps_one_card(session, flexis_admin, processor, gateway):
    token = processor.token("4242424242424242")
    first = wallet.add_card(session=session, actor=flexis_admin, gateway=gateway, token=token, holder_name="A L")
    again = wallet.add_card(session=session, actor=flexis_admin, gateway=gateway, token=token, holder_name="A L")
    assert again.id == first.id
    assert [c.label for c in wallet.list_cards(session=session, actor=flexis_admin)].count("Visa - 4242") == 1


def test_an_expired_card_cannot_become_the_default(session, flexis_admin):
    master = card(session, "5100")
    last_month = clock.add_months(clock.today(), -1)
    master.exp_month, master.exp_year = last_month.month, last_month.year
    session.add(master)
    session.flush()
    with pytest.raises(ValidationFailed) as error:
        wallet.set_default(session=session, actor=flexis_admin, card_id=master.id)
    assert "expired" in error.value.message and not master.is_default


def test_another_organisations_token_cannot_join_this_wallet(session, contoso_admin, gateway):
    with pytest.raises(ValidationFailed):
        wallet.add_card(session=session, actor=contoso_admin, gateway=gateway, token="tok_demo_flexis_visa_4392",
                        holder_name="Camille Durand")
