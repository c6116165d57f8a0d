"""VAT ids and Peppol endpoints (issue 12), checked with python-stdnum."""

from __future__ import annotations

import pytest

from billing_center.domain import tax_ids
from billing_center.domain.errors import ValidationFailed
from billing_center.settings import get_settings


@pytest.mark.parametrize(("raw", "clean"), [
    ("BE0123456749", "BE0123456749"), ("be 0123.456.749", "BE0123456749"),
    ("NL859123455B01", "NL859123455B01"), ("FR40303265045", "FR40303265045"), ("DE 136 695 976", "DE136695976"),
])
def test_valid_vat_ids_are_kept_compact(raw, clean):
    assert tax_ids.normalise_vat_id(raw) == clean


@pytest.mark.parametrize("raw", ["BE0123456748", "NL859123456B01", "FR40303265046", "DE136695977", "NL12",
                                 "XX123456789", "0123456749"])
def test_a_wrong_vat_id_is_named_at_its_field(raw):
    with pytest.raises(ValidationFailed) as refused:
        tax_ids.normalise_vat_id(raw)
    assert refused.value.field == "vat_id"


def test_empty_is_no_vat_id():
    assert tax_ids.normalise_vat_id("  ") is None


def test_the_sellers_vat_id_has_right_check_digits():
    assert tax_ids.normalise_vat_id(get_settings().seller_vat_id) == get_settings().seller_vat_id


def test_peppol_endpoints():
    assert str(tax_ids.check_endpoint("0208", "BE 0123.456.749")) == "0208:0123456749"
    assert str(tax_ids.check_endpoint("9944", "859123455B01")) == "9944:NL859123455B01"
    assert tax_ids.check_endpoint("", "") is None
    for scheme, identifier, field in [("0208", "0123456748", "peppol_id"), ("", "0123456749", "peppol_scheme"),
                                      ("0208", "", "peppol_id"), ("1234", "0123456749", "peppol_scheme"),
                                      ("0106", "12ab", "peppol_id")]:
        with pytest.raises(ValidationFailed) as refused:
            tax_ids.check_endpoint(scheme, identifier)
        assert refused.value.field == field


def test_default_endpoint_is_the_enterprise_number_in_belgium_and_the_vat_id_elsewhere():
    assert str(tax_ids.default_endpoint("BE", "BE0123456749")) == "0208:0123456749"
    assert str(tax_ids.default_endpoint("FR", "FR40303265045")) == "9957:FR40303265045"
    assert tax_ids.default_endpoint("US", None) is None
