"""The signed-in person's own settings: the console language (issue 11)."""

from __future__ import annotations

from sqlmodel import Session

from billing_center import i18n
from billing_center.domain.errors import NotFound, ValidationFailed
from billing_center.models import Person
from billing_center.services import policy
from billing_center.services.actors import Actor


@policy.allowed(*policy.EVERYONE)
def set_language(*, session: Session, actor: Actor, language: str) -> str:
    """Remember the console language of the signed-in person; returns it (nl, fr or en)."""
    chosen = i18n.normalise(language)
    if chosen is None or chosen != (language or "").strip().lower():
        raise ValidationFailed("language", "Choose Nederlands, Français or English.")
    person = session.get(Person, actor.person_id)
    if person is None or person.organisation_id != actor.organisation_id:
        raise NotFound("person")
    person.language = chosen
    session.add(person)
    session.flush()
    return chosen
