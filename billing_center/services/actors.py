"""The signed-in actor every use case receives, and role checks."""

from __future__ import annotations

from dataclasses import dataclass

from billing_center.domain.enums import Role
from billing_center.domain.errors import Forbidden


@dataclass(frozen=True, slots=True)
class Actor:
    person_id: int
    organisation_id: int
    email: str
    full_name: str
    role: str
    locale: str = "en"

    @property
    def is_billing_admin(self) -> bool:
        return self.role == Role.BILLING_ADMIN

    def require(self, *roles: Role) -> None:
        if self.role not in roles:
            raise Forbidden()


ADMIN_ROLES = (Role.BILLING_ADMIN, Role.CONTRACT_ADMIN)
