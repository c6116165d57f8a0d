"""Signing up from a link (R-ACT-3): set a password for the link's e-mail address, then sign in."""

from __future__ import annotations

from sqlmodel import Session, select

from billing_center.domain.enums import Role
from billing_center.domain.errors import Conflict, ValidationFailed
from billing_center.models import Organisation, Person
from billing_center.services import audit, auth
from billing_center.services.activation.links import LinkInvalid, valid_token

MIN_PASSWORD = 12
MAX_PASSWORD = 128


def check_new_password(password: str, password_again: str) -> None:
    """ASVS 2.1.1-2.1.2: at least 12 characters, at most 128; any character allowed."""
    if len(password or "") < MIN_PASSWORD:
        raise ValidationFailed("password", "Choose a password of at least {count} characters.", count=MIN_PASSWORD)
    if len(password) > MAX_PASSWORD:
        raise ValidationFailed("password", "Choose a password of at most {count} characters.", count=MAX_PASSWORD)
    if password != password_again:
        raise ValidationFailed("password_again", "The two passwords are not the same.")


def sign_up_with_link(
    *,
    session: Session,
    token: str | None,
    full_name: str,
    password: str,
    password_again: str,
    ip: str = "",
) -> auth.Ticket:
    """Set a password for the link's e-mail (creating the person if needed) and sign in: a ticket for
    the session cookie (``auth.sign_in_ticket``). The link stays open until **Accept and continue**."""
    row = valid_token(session, token)
    person = session.exec(select(Person).where(Person.email == row.email)).first()
    if person is not None and person.password_hash:
        raise Conflict("You already have an account: sign in with your password.")
    if person is not None and person.organisation_id != row.organisation_id:
        raise LinkInvalid()
    full_name = " ".join((full_name or "").split())
    if person is None and not full_name:
        raise ValidationFailed("full_name", "Enter your full name.")
    if len(full_name) > 200:
        raise ValidationFailed("full_name", "Enter a name of at most 200 characters.")
    check_new_password(password, password_again)
    org = session.get(Organisation, row.organisation_id)
    if person is None:
        person = Person(organisation_id=row.organisation_id, email=row.email, full_name=full_name,
                        role=Role.MEMBER, locale=org.locale if org else "en")
    elif full_name:
        person.full_name = full_name
    person.password_hash = auth.hash_password(password)
    session.add(person)
    session.flush()
    audit.record(session=session, action="account_created", organisation_id=row.organisation_id,
                 actor_email=row.email, target_type="person", target_id=person.id, ip=ip)
    return auth.sign_in_ticket(session=session, email=row.email, password=password, ip=ip)
