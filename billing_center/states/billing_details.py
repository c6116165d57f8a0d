"""The organisation's billing details for e-invoices (issue 12): its VAT id and Peppol endpoint."""

from __future__ import annotations

from typing import ClassVar

import reflex as rx
from sqlmodel import Session

from billing_center.components.forms import form_text
from billing_center.domain import tax_ids
from billing_center.domain.enums import Role
from billing_center.i18n import _
from billing_center.services import organisation_billing
from billing_center.services.actors import Actor
from billing_center.states.rows import Option
from billing_center.states.session import SessionState, signed_in

SCHEMES = [Option(value=code, label=label) for code, label in tax_ids.ENDPOINT_SCHEMES.items()]


class BillingDetailsState(SessionState):
    loaded: bool = False
    name: str = ""
    address: str = ""
    vat_id: str = ""
    peppol_scheme: str = ""
    peppol_id: str = ""
    endpoint: str = ""
    endpoint_derived: bool = False
    can_edit: bool = False
    schemes: list[Option] = SCHEMES
    vat_id_error: str = ""
    peppol_scheme_error: str = ""
    peppol_id_error: str = ""
    action_error: str = ""

    field_errors: ClassVar[dict[str, str]] = {"vat_id": "vat_id_error", "peppol_scheme": "peppol_scheme_error",
                                              "peppol_id": "peppol_id_error", "*": "action_error"}

    def _show(self, details: organisation_billing.BillingDetails) -> None:
        self.name, self.address = details.name, details.address or "—"
        self.vat_id, self.peppol_scheme, self.peppol_id = details.vat_id, details.peppol_scheme, details.peppol_id
        self.endpoint, self.endpoint_derived = details.endpoint, details.endpoint_derived
        self.loaded = True

    def _clear_errors(self) -> None:
        self.vat_id_error = self.peppol_scheme_error = self.peppol_id_error = self.action_error = ""

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
