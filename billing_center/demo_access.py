"""Demo data for activation of billing access (issue 4): a billing contact of Flexis who has not
activated yet, so the welcome e-mail path (R-ACT-1) can be tried from the sign-in page."""

from __future__ import annotations

from sqlmodel import Session, select

from billing_center.models import Organisation, Person

BILLING_CONTACT = "pvermeulen@flexis.com"


def seed_access_demo(session: Session) -> None:
    org = session.exec(select(Organisation).where(Organisation.slug == "flexis")).first()
    if org is None or session.exec(select(Person).where(Person.email == BILLING_CONTACT)).first() is not None:
        return
    session.add(Person(organisation_id=org.id, email=BILLING_CONTACT, full_name="Pieter Vermeulen",
                       role="member", locale="nl", team="Finance", is_billing_contact=True))
    session.flush()
