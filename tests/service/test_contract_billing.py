"""A contract's billing details (R-CON-3): its payment method changed per contract (R-PAY-1), and change
requests of frequency and payment terms handled by support: services/contract_billing.py."""

from __future__ import annotations

import pytest
from sqlmodel import select

from billing_center.domain import clock
from billing_center.domain.enums import Role
from billing_center.domain.errors import Forbidden, NotFound, ValidationFailed
from billing_center.models import AuditEvent, ChangeRequest, Contract, OutgoingEmail
from billing_center.services import contract_billing
from tests import factories


@pytest.fixture
def contract(session, org):
    card = factories.card(session, org, last4="4392")
    return factories.contract(session, org, payment_kind="card", payment_method_id=card.id,
                              billing_frequency="annual", payment_terms="net_30")


def test_billing_details_show_frequency_terms_and_the_card(session, org_admin, contract):
    details = contract_billing.billing_details(session=session, actor=org_admin, number=contract.number.lower())
    assert (details.number, details.billing_frequency, details.payment_terms, details.payment_method) == (
        contract.number, "Annual", "Net 30 days", "Visa - 4392")
    assert details.requests == []


def test_a_contracts_payment_method_changes_at_once(session, org, org_admin, contract):
    other = factories.card(session, org, brand="Mastercard", last4="5100")
    contract_billing.change_payment_method(session=session, actor=org_admin, number=contract.number, card_id=other.id)
    details = contract_billing.billing_details(session=session, actor=org_admin, number=contract.number)
    assert details.payment_method == "Mastercard - 5100"
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "contract_payment_method_changed",
                                                 AuditEvent.target_id == contract.number)).one().detail == \
        "Visa - 4392 -> Mastercard - 5100"
    with pytest.raises(ValidationFailed):  # the same card again
        contract_billing.change_payment_method(session=session, actor=org_admin, number=contract.number,
                                               card_id=other.id)


def test_an_expired_card_or_an_ended_contract_is_refused(session, org, org_admin, contract):
    last_month = clock.add_months(clock.today(), -1)
    expired = factories.card(session, org, exp_month=last_month.month, exp_year=last_month.year)
    with pytest.raises(ValidationFailed) as error:
        contract_billing.change_payment_method(session=session, actor=org_admin, number=contract.number,
                                               card_id=expired.id)
    assert "has expired" in error.value.message
    ended = factories.contract(session, org, status="expired")
    with pytest.raises(ValidationFailed) as error:
        contract_billing.change_payment_method(session=session, actor=org_admin, number=ended.number,
                                               card_id=factories.card(session, org).id)
    assert "active contract" in error.value.message
    session.refresh(contract)
    assert contract.payment_method_id != expired.id


def test_a_frequency_change_request_is_completed_by_support_and_confirmed_by_mail(session, org_admin, contract,
                                                                                 support_agent):
    req = contract_billing.request_change(session=session, actor=org_admin, number=contract.number,
                                          kind="billing_frequency", requested_value="quarterly", note="Budget")
    with pytest.raises(ValidationFailed) as error:  # a double submit
        contract_billing.request_change(session=session, actor=org_admin, number=contract.number,
                                        kind="billing_frequency", requested_value="quarterly")
    assert "already waiting for support" in error.value.message
    mine = [r for r in contract_billing.support_queue(session=session, actor=support_agent) if r.id == req.id]
    assert [(r.requested, r.requested_by, r.note) for r in mine] == [("Quarterly", org_admin.email, "Budget")]
    contract_billing.complete_request(session=session, actor=support_agent, request_id=req.id)
    session.refresh(contract)
    assert contract.billing_frequency == "quarterly"
    [mail] = session.exec(select(OutgoingEmail).where(OutgoingEmail.template == "change_request_completed",
                                                      OutgoingEmail.to_address == org_admin.email)).all()
    assert "Quarterly" in mail.body_text and contract.number in mail.subject
    with pytest.raises(ValidationFailed):  # handled already
        contract_billing.complete_request(session=session, actor=support_agent, request_id=req.id)
    assert session.get(ChangeRequest, req.id).status == "completed"
    assert contract_billing.billing_details(session=session, actor=org_admin,
                                            number=contract.number).requests[0].status == "completed"


@pytest.mark.parametrize(("kind", "value", "field"), [("billing_frequency", "annual", "requested_value"),
                                                      ("billing_frequency", "weekly", "requested_value"),
                                                      ("colour", "blue", "kind")])
def test_bad_change_requests_are_refused_and_change_nothing(session, org_admin, contract, kind, value, field):
    with pytest.raises(ValidationFailed) as error:
        contract_billing.request_change(session=session, actor=org_admin, number=contract.number, kind=kind,
                                        requested_value=value)
    assert error.value.field == field
    assert session.exec(select(ChangeRequest).where(ChangeRequest.contract_id == contract.id)).all() == []


def test_a_contract_admin_sees_and_changes_only_the_contracts_they_administer(session, org, contract):
    jan = factories.actor(session, org, role=Role.CONTRACT_ADMIN)
    theirs = factories.contract(session, org, admins=(jan,))
    assert contract_billing.billing_details(session=session, actor=jan, number=theirs.number).number == theirs.number
    contract_billing.request_change(session=session, actor=jan, number=theirs.number, kind="payment_terms",
                                    requested_value="net_60")
    with pytest.raises(NotFound):
        contract_billing.billing_details(session=session, actor=jan, number=contract.number)
    with pytest.raises(NotFound):
        contract_billing.request_change(session=session, actor=jan, number=contract.number, kind="payment_terms",
                                        requested_value="net_60")


def test_a_buyer_who_administers_a_contract_sees_its_details_but_changes_nothing(session, org, contract):
    buyer = factories.actor(session, org, role=Role.BUYER)
    factories.contract_admin(session, contract, buyer)
    assert contract_billing.billing_details(session=session, actor=buyer, number=contract.number)
    with pytest.raises(Forbidden):
        contract_billing.request_change(session=session, actor=buyer, number=contract.number,
                                        kind="payment_terms", requested_value="net_60")


def test_another_organisations_contract_and_card_are_missing(session, org, org_admin, contract):
    other = factories.organisation(session)
    their_contract = factories.contract(session, other)
    their_card = factories.card(session, other)
    with pytest.raises(NotFound):
        contract_billing.billing_details(session=session, actor=org_admin, number=their_contract.number)
    with pytest.raises(NotFound):
        contract_billing.change_payment_method(session=session, actor=org_admin, number=contract.number,
                                               card_id=their_card.id)
    assert session.get(Contract, contract.id).payment_method_id != their_card.id
    with pytest.raises(NotFound):  # changing it is refused the same way, and leaves an audit entry
        contract_billing.request_change(session=session, actor=org_admin, number=their_contract.number,
                                        kind="payment_terms", requested_value="net_60")
    denied = session.exec(select(AuditEvent).where(AuditEvent.action == "access_denied",
                                                   AuditEvent.actor_email == org_admin.email)).all()
    assert [e.target_id for e in denied] == [their_contract.number]
