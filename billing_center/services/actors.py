"""The signed-in actor every use case receives (who may do what is decided in ``policy``)."""

from __future__ import annotations

from dataclasses import dataclass

from billing_center.domain.enums import Role


@dataclass(frozen=True, slots=True)
class Actor:
    person_id: int
    organisation_id: int
    email: str
    full_name: str
    role: str
    locale: str = "en"
    language: str | None = None  # the console language the person chose (nl, fr, en), if any

    @property
    def is_billing_admin(self) -> bool:
        return self.role == Role.BILLING_ADMIN
