"""Admins per contract (R-CON-4): invite, resend, remove, and what an admin then sees (R-SEC-1)."""

import re

import pytest
from sqlmodel import select

from billing_center.domain.errors import Conflict, Forbidden, NotFound, ValidationFailed
from billing_center.models import AccessToken, AuditEvent, Contract, ContractAdmin, OutgoingEmail
from billing_center.services import activation, admins, auth, policy
from tests.factories import actor_for


def _contract(session, number) -> Contract:
    return session.exec(select(Contract).where(Contract.number == number)).one()


def _mails(session, to):
    return session.exec(select(OutgoingEmail).where(OutgoingEmail.to_address == to).order_by(OutgoingEmail.id)).all()


def test_the_demo_contract_lists_its_admins(session, flexis_admin):
    contract = _contract(session, "FL123133")
    rows = admins.list_admins(session=session, actor=flexis_admin, contract_id=contract.id)
    assert {(r.email, r.status) for r in rows} == {("jdevries@flexis.com", "active"), ("finance@flexis.com", "invited")}


def test_inviting_several_admins_at_once_sends_each_an_invitation(session, flexis_admin, smtp_server):
    contract = _contract(session, "FL124480")
    invited = admins.invite_admins(session=session, actor=flexis_admin, contract_id=contract.id,
                                   emails="Anna@Flexis.com, bob@partner.example\ncarla@partner.example;anna@flexis.com")
    assert invited == ["anna@flexis.com", "bob@partner.example", "carla@partner.example"]
    session.commit()
    for address in invited:
        [mail] = smtp_server.to(address)
        assert mail.subject == "U bent uitgenodigd om contract FL124480 te beheren"  # Flexis: Dutch (issue 11)
        assert "Alex Leroy" in mail.body and "/activate?token=" in mail.link()
    rows = admins.list_admins(session=session, actor=flexis_admin, contract_id=contract.id)
    assert {(r.email, r.status) for r in rows} == {(a, "invited") for a in invited}
    assert len(session.exec(select(AuditEvent).where(AuditEvent.action == "admin_invited")).all()) >= 3


@pytest.mark.parametrize(("emails", "message"), [
    ("", "at least one"),
    ("good@flexis.com, not-an-address", "Not an e-mail address: not-an-address"),
    ("jdevries@flexis.com", "Already an admin"),
    ("admin@contoso.com", "Cannot be invited"),
    (", ".join(f"p{i}@flexis.com" for i in range(21)), "at most 20"),
])
def test_each_address_is_validated_and_one_bad_one_changes_nothing(session, flexis_admin, no_smtp, emails,
                                                                   message):
    contract = _contract(session, "FL123133")
    before = session.exec(select(ContractAdmin).where(ContractAdmin.contract_id == contract.id)).all()
    with pytest.raises(ValidationFailed) as err:
        admins.invite_admins(session=session, actor=flexis_admin, contract_id=contract.id, emails=emails)
    assert err.value.field == "emails" and message in err.value.message
    after = session.exec(select(ContractAdmin).where(ContractAdmin.contract_id == contract.id)).all()
    assert len(after) == len(before) and _mails(session, "good@flexis.com") == []


def test_an_invited_admin_accepts_and_then_sees_only_that_contract(session, flexis_admin, no_smtp):
    contract = _contract(session, "FL124480")
    admins.invite_admins(session=session, actor=flexis_admin, contract_id=contract.id, emails="dora@partner.example")
    token = re.search(r"token=([\w\-]+)", _mails(session, "dora@partner.example")[-1].body_text).group(1)
    info = activation.inspect_link(session=session, token=token)
    assert info.purpose == "admin_invitation" and info.contract_number == "FL124480"
    signed = activation.sign_up_with_link(session=session, token=token, full_name="Dora Partner",
                                          password="dora-long-password", password_again="dora-long-password")
    accepted = activation.accept_link(session=session, actor=signed.actor, token=token)
    assert accepted.actor.role == "contract_admin"
    assert policy.visible_contract_ids(session, accepted.actor) == [contract.id]
    rows = admins.list_admins(session=session, actor=flexis_admin, contract_id=contract.id)
    assert [(r.email, r.status, r.name) for r in rows] == [("dora@partner.example", "active", "Dora Partner")]
    # Not the other contract of the organisation.
    other = _contract(session, "FL123133")
    with pytest.raises(NotFound):
        admins.list_admins(session=session, actor=accepted.actor, contract_id=other.id)


def test_resend_sends_a_new_link_and_the_old_one_stops_working(session, flexis_admin, no_smtp):
    contract = _contract(session, "FL123133")
    finance = session.exec(select(ContractAdmin).where(ContractAdmin.email == "finance@flexis.com")).one()
    admins.resend_invitation(session=session, actor=flexis_admin, admin_id=finance.id)
    first = re.search(r"token=([\w\-]+)", _mails(session, "finance@flexis.com")[-1].body_text).group(1)
    admins.resend_invitation(session=session, actor=flexis_admin, admin_id=finance.id)
    second = re.search(r"token=([\w\-]+)", _mails(session, "finance@flexis.com")[-1].body_text).group(1)
    assert first != second
    with pytest.raises(activation.LinkInvalid):
        activation.inspect_link(session=session, token=first)
    assert activation.inspect_link(session=session, token=second).contract_number == contract.number
    active = session.exec(select(ContractAdmin).where(ContractAdmin.email == "jdevries@flexis.com")).one()
    with pytest.raises(Conflict):
        admins.resend_invitation(session=session, actor=flexis_admin, admin_id=active.id)


def test_removing_an_admin_takes_the_contract_away_and_spends_their_link(session, flexis_admin, no_smtp):
    jan = actor_for(session, "jdevries@flexis.com")
    contract = _contract(session, "FL123133")
    assert policy.visible_contract_ids(session, jan) == [contract.id]
    row = session.exec(select(ContractAdmin).where(ContractAdmin.email == "jdevries@flexis.com")).one()
    assert admins.remove_admin(session=session, actor=flexis_admin, admin_id=row.id) == "jdevries@flexis.com"
    assert policy.visible_contract_ids(session, jan) == []
    assert "jdevries@flexis.com" not in {
        r.email for r in admins.list_admins(session=session, actor=flexis_admin, contract_id=contract.id)}
    finance = session.exec(select(ContractAdmin).where(ContractAdmin.email == "finance@flexis.com")).one()
    admins.resend_invitation(session=session, actor=flexis_admin, admin_id=finance.id)
    admins.remove_admin(session=session, actor=flexis_admin, admin_id=finance.id)
    open_links = session.exec(select(AccessToken).where(AccessToken.email == "finance@flexis.com",
                                                        AccessToken.used_at.is_(None))).all()
    assert open_links == []
    # A removed admin can be invited again.
    admins.invite_admins(session=session, actor=flexis_admin, contract_id=contract.id, emails="finance@flexis.com")


def test_a_contract_admin_manages_the_admins_of_their_contract_but_not_themselves(session, no_smtp):
    jan = actor_for(session, "jdevries@flexis.com")
    contract = _contract(session, "FL123133")
    admins.invite_admins(session=session, actor=jan, contract_id=contract.id, emails="erik@flexis.com")
    own = session.exec(select(ContractAdmin).where(ContractAdmin.email == jan.email)).one()
    with pytest.raises(Conflict):
        admins.remove_admin(session=session, actor=jan, admin_id=own.id)
    assert [c.number for c in admins.contracts_for_admin_page(session=session, actor=jan)] == ["FL123133"]


@pytest.mark.parametrize("email", ["mbakker@flexis.com", "support@billing-center.example"])
def test_buyers_members_and_support_cannot_manage_admins(session, no_smtp, email):
    actor = actor_for(session, email)
    contract = _contract(session, "FL123133")
    with pytest.raises(Forbidden):
        admins.list_admins(session=session, actor=actor, contract_id=contract.id)
    with pytest.raises(Forbidden):
        admins.invite_admins(session=session, actor=actor, contract_id=contract.id, emails="x@flexis.com")


def test_another_organisations_ids_get_nothing_and_leave_an_audit_entry(session, contoso_admin, no_smtp):
    flexis_contract = _contract(session, "FL123133")
    flexis_admin_row = session.exec(select(ContractAdmin).where(ContractAdmin.email == "finance@flexis.com")).one()
    calls = [
        lambda: admins.list_admins(session=session, actor=contoso_admin, contract_id=flexis_contract.id),
        lambda: admins.invite_admins(session=session, actor=contoso_admin, contract_id=flexis_contract.id,
                                     emails="spy@contoso.com"),
        lambda: admins.resend_invitation(session=session, actor=contoso_admin, admin_id=flexis_admin_row.id),
        lambda: admins.remove_admin(session=session, actor=contoso_admin, admin_id=flexis_admin_row.id),
        lambda: admins.list_admins(session=session, actor=contoso_admin, contract_id=987654),  # missing: same answer
    ]
    for call in calls:
        with pytest.raises(NotFound) as err:
            call()
        assert err.value.code in ("contract_not_found", "admin_not_found")
    denied = session.exec(select(AuditEvent).where(AuditEvent.action == "access_denied",
                                                   AuditEvent.actor_email == contoso_admin.email)).all()
    assert len(denied) == len(calls)
    assert all(e.organisation_id == contoso_admin.organisation_id for e in denied)
    # Nothing changed on the Flexis side.
    session.refresh(flexis_admin_row)
    assert flexis_admin_row.status == "invited"
    assert _mails(session, "spy@contoso.com") == []


def test_sign_in_after_accepting_shows_the_new_role(session, flexis_admin, no_smtp):
    contract = _contract(session, "FL124480")
    admins.invite_admins(session=session, actor=flexis_admin, contract_id=contract.id, emails="mbakker@flexis.com")
    token = re.search(r"token=([\w\-]+)", _mails(session, "mbakker@flexis.com")[-1].body_text).group(1)
    buyer = auth.sign_in(session=session, email="mbakker@flexis.com", password="flexis-demo").actor
    accepted = activation.accept_link(session=session, actor=buyer, token=token)
    assert accepted.actor.role == "buyer"  # a buyer keeps buying; the contract comes on top
    assert policy.visible_contract_ids(session, accepted.actor) == [contract.id]
