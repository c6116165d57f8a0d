"""What a link grants, shown on ``/activate`` before the person signs up or signs in (R-ACT-3)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from billing_center.models import Contract, Organisation, Person
from billing_center.services.activation.links import ADMIN_INVITATION, valid_token


@dataclass(frozen=True)
class LinkInfo:
    purpose: str
    email: str
    organisation_name: str
    contract_number: str
    has_account: bool
    full_name: str

    @property
    def what(self) -> str:
        if self.purpose == ADMIN_INVITATION:
            return f"admin of contract {self.contract_number} of {self.organisation_name}"
        if self.contract_number:
            return f"billing of contract {self.contract_number} of {self.organisation_name}"
        return f"billing of {self.organisation_name}"


def inspect_link(*, session: Session, token: str | None) -> LinkInfo:
    """What a link grants and whether its person signs up or signs in. Does not spend the link."""
    row = valid_token(session, token)
    org = session.get(Organisation, row.organisation_id)
    contract = session.get(Contract, row.contract_id) if row.contract_id else None
    person = session.exec(select(Person).where(Person.email == row.email)).first()
    return LinkInfo(
        purpose=row.purpose,
        email=row.email,
        organisation_name=org.name if org else "",
        contract_number=contract.number if contract else "",
        has_account=bool(person and person.password_hash),
        full_name=person.full_name if person else "",
    )
