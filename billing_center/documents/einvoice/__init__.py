"""Electronic invoices (issue 12): the EN 16931 model of an invoice or credit note
(:mod:`.model`), its UN/CEFACT CII for Factur-X (:mod:`.cii`) and its Peppol BIS Billing 3.0 UBL
(:mod:`.ubl`), and the Factur-X PDF: the printed PDF turned into PDF/A-3 with the CII embedded as
``factur-x.xml`` and the Factur-X XMP metadata, by the ``factur-x`` library.
"""

from __future__ import annotations

import facturx

from billing_center.documents.einvoice import cii, ubl
from billing_center.documents.einvoice.model import EInvoice, from_credit_note, from_invoice

__all__ = ["EInvoice", "factur_x", "from_credit_note", "from_invoice", "ubl_xml", "cii_xml"]

FACTURX_LEVEL = "en16931"


def cii_xml(einv: EInvoice) -> bytes:
    return cii.write(einv)


def ubl_xml(einv: EInvoice) -> bytes:
    return ubl.write(einv)


def factur_x(pdf: bytes, einv: EInvoice, *, title: str) -> bytes:
    """The printed ``pdf`` as a Factur-X (EN 16931) PDF/A-3: what is printed does not change. The XML
    is checked against the Factur-X XSD on the way in (the library refuses an invalid one)."""
    kind = "Credit note" if einv.is_credit_note else "Invoice"
    metadata = {
        "author": einv.seller.name,
        "keywords": "Factur-X, " + kind,
        "title": title,
        "subject": f"{kind} {einv.number} dated {einv.issue_date.isoformat()} issued by {einv.seller.name}",
    }
    return facturx.generate_from_binary(pdf, cii.write(einv), flavor="factur-x", level=FACTURX_LEVEL,
                                        check_xsd=True, pdf_metadata=metadata, lang=einv.language)
