"""The console's languages in the service layer (issue 11): the language a person chooses is kept
in their profile; e-mails go out in the recipient's language; failures stay language-free."""

from __future__ import annotations

import dataclasses

import pytest
from sqlmodel import Session, select

from billing_center import i18n
from billing_center.domain.enums import Role
from billing_center.domain.errors import NotFound, ValidationFailed
from billing_center.models import Contract, OutgoingEmail, Person
from billing_center.services import admins, auth, profile
from tests import factories


def _mails(session: Session, to: str) -> list[OutgoingEmail]:
    return list(session.exec(select(OutgoingEmail).where(OutgoingEmail.to_address == to)
                             .order_by(OutgoingEmail.id)).all())


def test_the_chosen_language_is_kept_in_the_profile_and_reaches_the_next_sign_in(session, org):
    actor = factories.actor(session, org, role=Role.MEMBER)
    assert profile.set_language(session=session, actor=actor, language="fr") == "fr"
    person = session.get(Person, actor.person_id)
    assert person.language == "fr"
    assert auth.actor_of(person).language == "fr"
    assert i18n.choose(profile=person.language, organisation="nl") == "fr"


@pytest.mark.parametrize("language", ["de", "", "FR-fr", "nl; drop table person", "x" * 300])
def test_an_unknown_language_is_refused_and_changes_nothing(session, org, language):
    actor = factories.actor(session, org, role=Role.MEMBER, language="nl")
    with pytest.raises(ValidationFailed) as refused:
        profile.set_language(session=session, actor=actor, language=language)
    assert refused.value.field == "language"
    assert session.get(Person, actor.person_id).language == "nl"


def test_another_organisations_person_is_not_found(session, org):
    other = factories.organisation(session)
    stranger = factories.actor(session, other, role=Role.MEMBER)
    forged = dataclasses.replace(factories.actor(session, org, role=Role.MEMBER), person_id=stranger.person_id)
    with pytest.raises(NotFound):
        profile.set_language(session=session, actor=forged, language="fr")
    assert session.get(Person, stranger.person_id).language is None


def test_an_invitation_goes_out_in_the_invitees_language(session, contoso_admin, no_smtp):
    contract = session.exec(select(Contract).where(Contract.organisation_id == contoso_admin.organisation_id)).first()
    admins.invite_admins(session=session, actor=contoso_admin, contract_id=contract.id,
                         emails="nouvelle.recrue@contoso.com")
    [mail] = _mails(session, "nouvelle.recrue@contoso.com")
    assert mail.subject == f"Vous êtes invité à gérer le contrat {contract.number}"
    assert "Accepter l’invitation :" in mail.body_text and "Bonjour," in mail.body_text
    assert "Le lien fonctionne une fois et expire dans 7 jours." in mail.body_text


def test_a_person_who_chose_a_language_gets_their_e_mail_in_it(session, contoso_admin, no_smtp):
    contract = session.exec(select(Contract).where(Contract.organisation_id == contoso_admin.organisation_id)).first()
    org_id = contoso_admin.organisation_id
    colleague = Person(organisation_id=org_id, email="pieter@contoso.com", full_name="Pieter", role="member",
                       locale="fr", language="nl")
    session.add(colleague)
    session.flush()
    admins.invite_admins(session=session, actor=contoso_admin, contract_id=contract.id, emails="pieter@contoso.com")
    [mail] = _mails(session, "pieter@contoso.com")
    assert mail.subject == f"U bent uitgenodigd om contract {contract.number} te beheren"


def test_a_failure_keeps_its_english_message_and_its_values_for_the_edge():
    refused = ValidationFailed("seats", "Your first order must be for at least {count} seats.", count=10)
    assert refused.message == "Your first order must be for at least 10 seats."
    assert (refused.template, refused.params) == ("Your first order must be for at least {count} seats.",
                                                  {"count": 10})
    with i18n.using("nl"):
        assert i18n.translate_error(refused) == "Uw eerste bestelling moet minstens 10 licentieplaatsen bevatten."
