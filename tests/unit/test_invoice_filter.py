"""The transactions filter read from and written to the URL (R-INV-2): services/invoice_filter.py."""

from __future__ import annotations

import pytest

from billing_center.domain.errors import ValidationFailed
from billing_center.services import invoice_filter


@pytest.mark.parametrize("params, field", [
    ({"period": "12y"}, "period"),
    ({"period": "custom", "from": "2024-13-01", "to": "2024-12-01"}, "from"),
    ({"period": "custom", "from": "2024-05-01"}, "to"),
    ({"period": "custom", "from": "2024-05-01", "to": "2024-04-01"}, "to"),
    ({"period": "custom", "from": "0001-01-01", "to": "2024-04-01"}, "from"),
    ({"status": "refunded"}, "status"),
    ({"sort": "amount; drop table invoice"}, "sort"),
])
def test_bad_filters_say_which_field_is_wrong(params, field):
    with pytest.raises(ValidationFailed) as caught:
        invoice_filter.parse_filter(params)
    assert caught.value.field == field


def test_filter_round_trips_through_the_url():
    flt = invoice_filter.parse_filter({"period": "custom", "from": "2024-01-01", "to": "2024-03-31", "status": "paid",
                           "contract": "FL123133", "sort": "total_desc"})
    assert invoice_filter.parse_filter(flt.query()) == flt
    assert invoice_filter.parse_filter({}) == invoice_filter.InvoiceFilter()
