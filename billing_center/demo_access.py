"""Demo data for access billing: a billing contact of Flexis who has not activated yet, so the welcome
e-mail path (R-ACT-1) can be tried from the sign-in page, and a few weeks of audit history."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from billing_center.domain import clock
from billing_center.models import AuditEvent, Organisation, Person

BILLING_CONTACT = "pvermeulen@flexis.com"

# (days ago, hour, who, action, target type, target, detail, ip)
HISTORY = [
    (30, 9, "aleroy@flexis.com", "sign_in", "", "", "", "84.195.12.7"),
    (30, 9, "aleroy@flexis.com", "admin_invited", "contract", "FL123133", "Invited finance@flexis.com", "84.195.12.7"),
    (21, 14, "jdevries@flexis.com", "sign_in_failed", "", "", "", "81.82.200.14"),
    (21, 14, "jdevries@flexis.com", "sign_in", "", "", "", "81.82.200.14"),
    (9, 11, "unknown@gmail.com", "access_verification_failed", "", "", "Proof with number FL123133-2 refused.",
     "185.220.101.4"),
    (2, 16, "aleroy@flexis.com", "sign_in", "", "", "", "84.195.12.7"),
    (2, 16, "aleroy@flexis.com", "sign_out", "", "", "", "84.195.12.7"),
]


def seed_access_demo(session: Session) -> None:
    org = session.exec(select(Organisation).where(Organisation.slug == "flexis")).first()
    if org is None or session.exec(select(Person).where(Person.email == BILLING_CONTACT)).first() is not None:
        return
    session.add(Person(organisation_id=org.id, email=BILLING_CONTACT, full_name="Pieter Vermeulen",
                       role="member", locale="nl", team="Finance", is_billing_contact=True))
    people = {p.email: p.id for p in session.exec(select(Person).where(Person.organisation_id == org.id)).all()}
    today = clock.today()
    for days, hour, who, action, target_type, target, detail, ip in HISTORY:
        session.add(AuditEvent(organisation_id=org.id, actor_id=people.get(who) if action != "sign_in_failed" else None,
                               actor_email=who, action=action, target_type=target_type, target_id=target,
                               detail=detail, ip=ip, at=clock.at(today - timedelta(days=days), hour)))
    session.flush()
