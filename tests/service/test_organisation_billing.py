"""The organisation's billing details for e-invoices (issue 12): VAT id and Peppol endpoint."""

from __future__ import annotations

import pytest
from sqlmodel import select

from billing_center.domain.errors import Forbidden, ValidationFailed
from billing_center.models import AuditEvent, Organisation
from billing_center.services import organisation_billing as billing


def test_everyone_reads_them_and_a_belgian_organisation_is_reached_at_its_enterprise_number(session, buyer):
    details = billing.billing_details(session=session, actor=buyer)
    assert details.vat_id == "BE0123456749"
    assert details.endpoint == "0208:0123456749" and details.endpoint_derived


def test_a_billing_admin_sets_the_endpoint_and_the_change_is_audited(session, flexis_admin, flexis):
    details = billing.update_billing_details(session=session, actor=flexis_admin, vat_id="be 0123.456.749",
                                             peppol_scheme="0208", peppol_id="0123.456.749")
    assert (details.vat_id, details.endpoint, details.endpoint_derived) == ("BE0123456749", "0208:0123456749", False)
    assert session.get(Organisation, flexis.id).peppol_id == "0123456749"
    events = session.exec(select(AuditEvent).where(AuditEvent.organisation_id == flexis.id,
                                                   AuditEvent.action == "billing_details_changed")).all()
    assert len(events) == 1


@pytest.mark.parametrize(("vat_id", "scheme", "identifier", "field"), [
    ("BE0123456748", "", "", "vat_id"),  # wrong check digits
    ("FR40303265045", "", "", "vat_id"),  # a valid id of another country than the organisation's
    ("BE0123456749", "0208", "0123456748", "peppol_id"),
    ("BE0123456749", "", "0123456749", "peppol_scheme"),
    ("BE0123456749", "0208", "", "peppol_id"),
])
def test_a_bad_value_is_named_at_its_field_and_changes_nothing(session, flexis_admin, flexis, vat_id, scheme,
                                                               identifier, field):
    with pytest.raises(ValidationFailed) as refused:
        billing.update_billing_details(session=session, actor=flexis_admin, vat_id=vat_id, peppol_scheme=scheme,
                                       peppol_id=identifier)
    assert refused.value.field == field
    session.refresh(flexis)
    assert (flexis.vat_id, flexis.peppol_scheme, flexis.peppol_id) == ("BE0123456749", "", "")


def test_only_a_billing_admin_changes_them(session, contract_admin, flexis):
    with pytest.raises(Forbidden):
        billing.update_billing_details(session=session, actor=contract_admin, vat_id="", peppol_scheme="",
                                       peppol_id="")
    session.refresh(flexis)
    assert flexis.vat_id == "BE0123456749"


def test_each_organisation_changes_only_its_own(session, contoso_admin, flexis):
    billing.update_billing_details(session=session, actor=contoso_admin, vat_id="FR40303265045",
                                   peppol_scheme="9957", peppol_id="FR40303265045")
    session.refresh(flexis)
    assert flexis.peppol_scheme == ""
