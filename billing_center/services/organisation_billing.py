"""The organisation's billing details for e-invoices (issue 12): its VAT id and its Peppol endpoint.

Everyone of the organisation reads them; a billing admin changes them. A VAT id must carry the
organisation's own country (BE, NL, FR or DE) and right check digits; the Peppol endpoint is a known
scheme with a valid id (a Belgian enterprise number for 0208). New invoices copy the VAT id; issued
ones keep theirs (R-INV-4).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from billing_center.domain import tax_ids
from billing_center.domain.errors import NotFound, ValidationFailed
from billing_center.models import Organisation
from billing_center.services import audit, policy
from billing_center.services.actors import Actor


@dataclass(frozen=True)
class BillingDetails:
    name: str
    address: str
    country: str
    vat_id: str
    peppol_scheme: str  # as set; "" when derived
    peppol_id: str
    endpoint: str  # where e-invoices go: "0208:0123456749", "" when there is none

    @property
    def endpoint_derived(self) -> bool:
        return not self.peppol_scheme and bool(self.endpoint)


def _organisation(session: Session, actor: Actor) -> Organisation:
    organisation = session.get(Organisation, actor.organisation_id)
    if organisation is None:
        raise NotFound("organisation")
    return organisation


def _view(org: Organisation) -> BillingDetails:
    endpoint = (tax_ids.Endpoint(org.peppol_scheme, org.peppol_id) if org.peppol_scheme
                else tax_ids.default_endpoint(org.country, org.vat_id))
    address = ", ".join(p for p in (org.address_line, f"{org.postal_code} {org.city}".strip(), org.country) if p)
    return BillingDetails(name=org.name, address=address, country=org.country, vat_id=org.vat_id or "",
                          peppol_scheme=org.peppol_scheme, peppol_id=org.peppol_id,
                          endpoint=str(endpoint) if endpoint else "")


@policy.allowed(*policy.CUSTOMERS)
def billing_details(*, session: Session, actor: Actor) -> BillingDetails:
    return _view(_organisation(session, actor))


@policy.allowed(*policy.BILLING_ADMIN)
def update_billing_details(*, session: Session, actor: Actor, vat_id: str, peppol_scheme: str,
                           peppol_id: str) -> BillingDetails:
    """Check every field first; then write both, in one transaction, with an audit entry."""
    org = _organisation(session, actor)
    clean_vat = tax_ids.normalise_vat_id(vat_id)
    if clean_vat and org.country in tax_ids.VAT_COUNTRIES and not clean_vat.startswith(org.country):
        raise ValidationFailed("vat_id", "The VAT id of an organisation in {country} starts with {country}.",
                               country=org.country)
    endpoint = tax_ids.check_endpoint(peppol_scheme, peppol_id)
    before = (org.vat_id or "", org.peppol_scheme, org.peppol_id)
    org.vat_id = clean_vat
    org.peppol_scheme = endpoint.scheme if endpoint else ""
    org.peppol_id = endpoint.identifier if endpoint else ""
    after = (org.vat_id or "", org.peppol_scheme, org.peppol_id)
    if after != before:
        session.add(org)
        audit.record(session=session, action="billing_details_changed", actor=actor, target_type="organisation",
                     target_id=str(org.id), detail=f"VAT id {after[0] or '-'}; Peppol {after[1]}:{after[2]}")
        session.flush()
    return _view(org)
