"""The organisation's wallet of cards (R-PAY-1, R-PAY-2): services/wallet.py."""

from __future__ import annotations

import pytest
from sqlmodel import select

from billing_center import i18n
from billing_center.domain import clock
from billing_center.domain.enums import Role
from billing_center.domain.errors import NotFound, ValidationFailed
from billing_center.models import AuditEvent, BillingProfile, Contract, PaymentMethod, Product, Subscription
from billing_center.services import wallet
from tests import factories


def labels(session, actor) -> list[str]:
    return [c.label for c in wallet.list_cards(session=session, actor=actor)]


def test_the_default_card_comes_first_with_what_each_card_pays(session, org, org_admin):
    first = factories.card(session, org, brand="Mastercard", last4="5100")
    default = factories.card(session, org, default=True, last4="4392")
    sub = factories.subscription(session, org, card=default)
    contract = factories.contract(session, org, payment_kind="card", payment_method_id=default.id)
    factories.contract(session, org, status="expired", payment_kind="card", payment_method_id=first.id)
    cards = wallet.list_cards(session=session, actor=org_admin)
    assert [c.label for c in cards] == ["Visa - 4392", "Mastercard - 5100"]
    assert cards[0].is_default and not cards[1].is_default
    assert cards[0].used_by == (session.get(Product, sub.product_id).name, f"contract {contract.number}")
    assert cards[1].used_by == ()  # an expired contract is not paid any more


def test_adding_a_card_stores_only_token_brand_last4_and_expiry(session, org_admin, processor, gateway):
    token = processor.token("4242424242424242", exp="09/33")
    added = wallet.add_card(session=session, actor=org_admin, gateway=gateway, token=token, holder_name="Alex Leroy",
                            address="Kunstlaan 24")
    assert (added.brand, added.last4, added.exp_month, added.exp_year) == ("Visa", "4242", 9, 2033)
    assert "4242424242424242" not in " ".join(str(v) for v in added.model_dump().values())
    assert added.is_default  # the first card of a wallet pays by default
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "payment_method_added",
                                                 AuditEvent.target_id == str(added.id))).one()


@pytest.mark.parametrize(("number", "words"), [("4000000000000002", "declined"),
                                               ("4000000000009995", "insufficient funds"),
                                               ("4000000000000069", "expired")])
def test_a_card_the_processor_refuses_never_enters_the_wallet(session, org, org_admin, processor, gateway, number,
                                                              words):
    factories.card(session, org)
    with pytest.raises(ValidationFailed) as error:
        wallet.add_card(session=session, actor=org_admin, gateway=gateway, token=processor.token(number),
                        holder_name="Alex Leroy")
    assert error.value.field == "card" and words in error.value.message
    assert len(labels(session, org_admin)) == 1


def test_a_refused_card_says_why_in_the_persons_language(session, org, org_admin, processor, gateway):
    """The processor's decline code becomes our own reason, translated with the sentence (issue 11)."""
    with pytest.raises(ValidationFailed) as error:
        wallet.add_card(session=session, actor=org_admin, gateway=gateway, token=processor.token("4000000000000002"),
                        holder_name="Alex Leroy")
    with i18n.using("fr"):
        said = i18n.translate_error(error.value)
    assert said == "La carte n’a pas été acceptée : votre banque l’a refusée. Utilisez une autre carte ou " \
                   "contactez votre banque."


def test_adding_needs_a_name_and_a_token(session, org_admin, processor, gateway):
    with pytest.raises(ValidationFailed) as error:
        wallet.add_card(session=session, actor=org_admin, gateway=gateway, token=processor.token("4242424242424242"),
                        holder_name=" ")
    assert error.value.field == "holder_name"
    with pytest.raises(ValidationFailed) as error:
        wallet.add_card(session=session, actor=org_admin, gateway=gateway, token="", holder_name="A")
    assert error.value.field == "card"
    assert labels(session, org_admin) == []


def test_saving_the_same_card_twice_keeps_one_card(session, org_admin, processor, gateway):
    token = processor.token("4242424242424242")
    first = wallet.add_card(session=session, actor=org_admin, gateway=gateway, token=token, holder_name="A L")
    again = wallet.add_card(session=session, actor=org_admin, gateway=gateway, token=token, holder_name="A L")
    assert again.id == first.id and labels(session, org_admin) == ["Visa - 4242"]


def test_another_organisations_token_cannot_join_this_wallet(session, org_admin, processor, gateway):
    other = factories.organisation(session)
    other_admin = factories.actor(session, other, role=Role.BILLING_ADMIN)
    token = processor.token("4242424242424242")
    wallet.add_card(session=session, actor=other_admin, gateway=gateway, token=token, holder_name="Them")
    with pytest.raises(ValidationFailed) as error:
        wallet.add_card(session=session, actor=org_admin, gateway=gateway, token=token, holder_name="Us")
    assert error.value.field == "card"
    assert labels(session, org_admin) == []


@pytest.mark.parametrize(("expiry", "words"), [("13/30", "between 01 and 12"), ("01/20", "in the past"),
                                               ("abc", "MM/YY"), ("12/99", "too far")])
def test_editing_refuses_a_bad_expiry_and_changes_nothing(session, org, org_admin, expiry, words):
    card = factories.card(session, org, holder_name="Old Name")
    before = (card.exp_month, card.exp_year, card.holder_name)
    with pytest.raises(ValidationFailed) as error:
        wallet.update_card(session=session, actor=org_admin, card_id=card.id, expiry=expiry, holder_name="New Name",
                           address="")
    assert error.value.field == "expiry" and words in error.value.message
    session.refresh(card)
    assert (card.exp_month, card.exp_year, card.holder_name) == before


def test_editing_expiry_name_and_address(session, org, org_admin):
    card = factories.card(session, org)
    year = clock.today().year + 2
    wallet.update_card(session=session, actor=org_admin, card_id=card.id, expiry=f"07/{year % 100}",
                       holder_name="  Flexis   Treasury ", address="Rue Neuve 1, Bruxelles")
    session.refresh(card)
    assert (card.exp_month, card.exp_year, card.holder_name, card.address) == (
        7, year, "Flexis Treasury", "Rue Neuve 1, Bruxelles")


def test_the_default_pays_future_purchases_and_active_contracts_keep_their_card(session, org, org_admin):
    old = factories.card(session, org, default=True)
    new = factories.card(session, org)
    contract = factories.contract(session, org, payment_kind="card", payment_method_id=old.id)
    wallet.set_default(session=session, actor=org_admin, card_id=new.id)
    assert [c.id for c in wallet.list_cards(session=session, actor=org_admin) if c.is_default] == [new.id]
    session.refresh(contract)
    assert contract.payment_method_id == old.id


def test_an_expired_card_cannot_become_the_default(session, org, org_admin):
    last_month = clock.add_months(clock.today(), -1)
    card = factories.card(session, org, exp_month=last_month.month, exp_year=last_month.year)
    with pytest.raises(ValidationFailed) as error:
        wallet.set_default(session=session, actor=org_admin, card_id=card.id)
    assert "expired" in error.value.message and not card.is_default


def test_a_card_that_pays_something_cannot_be_deleted(session, org, org_admin):
    card = factories.card(session, org)
    sub = factories.subscription(session, org, card=card)
    with pytest.raises(ValidationFailed) as error:
        wallet.delete_card(session=session, actor=org_admin, card_id=card.id)
    assert "cannot be deleted" in error.value.message and "Test product" in error.value.message
    assert card.deleted_at is None and sub.payment_method_id == card.id


def test_deleting_the_default_card_passes_the_default_on_and_frees_its_profiles(session, org, org_admin):
    oldest = factories.card(session, org)
    default = factories.card(session, org, default=True)
    profile = factories.billing_profile(session, org, card=default)
    wallet.delete_card(session=session, actor=org_admin, card_id=default.id)
    cards = wallet.list_cards(session=session, actor=org_admin)
    assert [(c.id, c.is_default) for c in cards] == [(oldest.id, True)]
    assert default.deleted_at is not None and session.get(BillingProfile, profile.id).payment_method_id is None


def test_replacing_a_card_moves_everything_it_paid(session, org, org_admin, processor, gateway):
    old = factories.card(session, org, default=True)
    sub = factories.subscription(session, org, card=old)
    contract = factories.contract(session, org, payment_kind="card", payment_method_id=old.id)
    profile = factories.billing_profile(session, org, card=old)
    new = wallet.replace_card(session=session, actor=org_admin, gateway=gateway, card_id=old.id,
                              token=processor.token("5555555555554444"), holder_name="Alex Leroy")
    assert new.brand == "Mastercard" and new.is_default and old.deleted_at is not None
    for model, row_id in ((Subscription, sub.id), (Contract, contract.id), (BillingProfile, profile.id)):
        assert session.get(model, row_id).payment_method_id == new.id


def test_another_organisations_card_is_a_missing_one(session, org_admin):
    theirs = factories.card(session, factories.organisation(session), default=True)
    for call in (lambda: wallet.set_default(session=session, actor=org_admin, card_id=theirs.id),
                 lambda: wallet.delete_card(session=session, actor=org_admin, card_id=theirs.id),
                 lambda: wallet.update_card(session=session, actor=org_admin, card_id=theirs.id, expiry="01/40",
                                            holder_name="x", address="")):
        with pytest.raises(NotFound):
            call()
    assert theirs.deleted_at is None and theirs.is_default  # untouched
    assert session.exec(select(PaymentMethod).where(PaymentMethod.id == theirs.id)).one().holder_name != "x"


def test_the_demo_wallet(session, flexis_admin):
    """The Flexis demo's cards, as the Payment methods page shows them."""
    cards = wallet.list_cards(session=session, actor=flexis_admin)
    assert [c.label for c in cards] == ["Visa - 4392", "Mastercard - 5100", "Visa - 1881"]
    assert "Exchange Online (Plan 1)" in cards[0].used_by and "contract FL124480" in cards[0].used_by
