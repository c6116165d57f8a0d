"""The organisation's billing details for e-invoices (issue 12): its VAT id and Peppol endpoint."""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import reflex as rx
from sqlmodel import Session

from billing_center.components.forms import form_text
from billing_center.domain import tax_ids
from billing_center.domain.enums import Role
from billing_center.i18n import _
from billing_center.services import organisation_billing
from billing_center.services.actors import Actor
from billing_center.states.rows import Option, blank
from billing_center.states.session import FieldErrors, SessionState, signed_in

SCHEMES = [Option(value=code, label=label) for code, label in tax_ids.ENDPOINT_SCHEMES.items()]


@dataclasses.dataclass
class OrganisationBilling:
    """The organisation's details printed on e-invoices, as the page shows them and prefills its form."""

    name: str
    address: str
    vat_id: str
    peppol_scheme: str
    peppol_id: str
    endpoint: str
    endpoint_derived: bool


def billing_view(details: organisation_billing.BillingDetails) -> OrganisationBilling:
    return OrganisationBilling(name=details.name, address=details.address or "—", vat_id=details.vat_id,
                               peppol_scheme=details.peppol_scheme, peppol_id=details.peppol_id,
                               endpoint=details.endpoint, endpoint_derived=details.endpoint_derived)


class BillingDetailsState(FieldErrors, SessionState):
    loaded: bool = False
    detail: OrganisationBilling = blank(OrganisationBilling)
    can_edit: bool = False
    schemes: list[Option] = SCHEMES

    # ``errors`` keys: the fields' names, and action for any other refusal
    field_errors: ClassVar[dict[str, str]] = {"vat_id": "vat_id", "peppol_scheme": "peppol_scheme",
                                              "peppol_id": "peppol_id", "*": "action"}

    def _show(self, details: organisation_billing.BillingDetails) -> None:
        self.detail = billing_view(details)
        self.loaded = True

    @rx.event
    @signed_in(page=True)
    def load(self, actor: Actor, db: Session):
        self._clear_errors()
        self.can_edit = actor.role == Role.BILLING_ADMIN
        self._show(organisation_billing.billing_details(session=db, actor=actor))

    @rx.event
    @signed_in
    def save(self, actor: Actor, db: Session, form_data: dict):
        self._clear_errors()
        details = organisation_billing.update_billing_details(
            session=db, actor=actor, vat_id=form_text(form_data, "vat_id"),
            peppol_scheme=form_text(form_data, "peppol_scheme"), peppol_id=form_text(form_data, "peppol_id"))
        self._show(details)
        return rx.toast.success(_("Billing details saved. New invoices carry them."))
