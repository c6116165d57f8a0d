"""UN/CEFACT Cross Industry Invoice (D16B) of the Factur-X / ZUGFeRD EN 16931 ("Comfort") profile.

Elements come in the order the Factur-X XSD requires; the business rules it meets are EN 16931's
(tests run the official Schematron shipped with the ``factur-x`` library).
"""

from __future__ import annotations

from datetime import date

from lxml import etree

from billing_center.documents.einvoice.model import EXEMPTIONS, UNIT, EInvoice, Party, amount, percent

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
NSMAP = {"rsm": RSM, "ram": RAM, "qdt": QDT, "udt": UDT}
EN16931_PROFILE = "urn:cen.eu:en16931:2017"


def _el(parent, tag: str, text: str | None = None, **attrs) -> etree._Element:
    prefix, name = tag.split(":")
    node = etree.SubElement(parent, f"{{{NSMAP[prefix]}}}{name}", {k: v for k, v in attrs.items() if v})
    if text is not None:
        node.text = text
    return node


def _date(parent, tag: str, day: date, ns: str = "udt") -> None:
    _el(_el(parent, tag), f"{ns}:DateTimeString", day.strftime("%Y%m%d"), format="102")


def _party(parent, tag: str, party: Party, *, with_vat: bool) -> None:
    node = _el(parent, tag)
    _el(node, "ram:Name", party.name)
    if party.legal_id:
        _el(_el(node, "ram:SpecifiedLegalOrganization"), "ram:ID", party.legal_id[1], schemeID=party.legal_id[0])
    address = _el(node, "ram:PostalTradeAddress")
    for tag, value in (("ram:PostcodeCode", party.postcode), ("ram:LineOne", party.street),
                       ("ram:CityName", party.city), ("ram:CountryID", party.country)):
        if value:
            _el(address, tag, value)
    if party.endpoint:
        _el(_el(node, "ram:URIUniversalCommunication"), "ram:URIID", party.endpoint.identifier,
            schemeID=party.endpoint.scheme)
    if with_vat and party.vat_id:
        _el(_el(node, "ram:SpecifiedTaxRegistration"), "ram:ID", party.vat_id, schemeID="VA")


def _tax(parent, category: str, rate_bp: int, taxable=None, tax=None) -> None:
    node = _el(parent, "ram:ApplicableTradeTax")
    exemption = EXEMPTIONS.get(category)
    if tax is not None:
        _el(node, "ram:CalculatedAmount", amount(tax))
    _el(node, "ram:TypeCode", "VAT")
    if exemption and taxable is not None:
        _el(node, "ram:ExemptionReason", exemption[1])
    if taxable is not None:
        _el(node, "ram:BasisAmount", amount(taxable))
    _el(node, "ram:CategoryCode", category)
    if exemption and taxable is not None:
        _el(node, "ram:ExemptionReasonCode", exemption[0])
    if category != "O":
        _el(node, "ram:RateApplicablePercent", percent(rate_bp))


def write(einv: EInvoice) -> bytes:
    root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap=NSMAP)
    context = _el(root, "rsm:ExchangedDocumentContext")
    _el(_el(context, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID", EN16931_PROFILE)

    document = _el(root, "rsm:ExchangedDocument")
    _el(document, "ram:ID", einv.number)
    _el(document, "ram:TypeCode", einv.type_code)
    _date(document, "ram:IssueDateTime", einv.issue_date)
    if einv.note:
        _el(_el(document, "ram:IncludedNote"), "ram:Content", einv.note)

    transaction = _el(root, "rsm:SupplyChainTradeTransaction")
    for line in einv.lines:
        item = _el(transaction, "ram:IncludedSupplyChainTradeLineItem")
        _el(_el(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", str(line.number))
        product = _el(item, "ram:SpecifiedTradeProduct")
        _el(product, "ram:Name", line.name)
        if line.description:
            _el(product, "ram:Description", line.description)
        agreement = _el(item, "ram:SpecifiedLineTradeAgreement")
        net_price = _el(agreement, "ram:NetPriceProductTradePrice")
        _el(net_price, "ram:ChargeAmount", amount(line.unit_price))
        if line.base_quantity != 1:
            _el(net_price, "ram:BasisQuantity", str(line.base_quantity), unitCode=UNIT)
        _el(_el(item, "ram:SpecifiedLineTradeDelivery"), "ram:BilledQuantity", str(line.quantity), unitCode=UNIT)
        settlement = _el(item, "ram:SpecifiedLineTradeSettlement")
        _tax(settlement, line.category, line.rate_bp)
        _el(_el(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation"), "ram:LineTotalAmount",
            amount(line.net))

    with_vat = not einv.outside_scope
    agreement = _el(transaction, "ram:ApplicableHeaderTradeAgreement")
    _el(agreement, "ram:BuyerReference", einv.buyer_reference)
    _party(agreement, "ram:SellerTradeParty", einv.seller, with_vat=with_vat)
    _party(agreement, "ram:BuyerTradeParty", einv.buyer, with_vat=with_vat)
    if einv.order_reference:
        _el(_el(agreement, "ram:BuyerOrderReferencedDocument"), "ram:IssuerAssignedID", einv.order_reference)
    if einv.contract_reference:
        _el(_el(agreement, "ram:ContractReferencedDocument"), "ram:IssuerAssignedID", einv.contract_reference)

    _el(transaction, "ram:ApplicableHeaderTradeDelivery")

    settlement = _el(transaction, "ram:ApplicableHeaderTradeSettlement")
    _el(settlement, "ram:PaymentReference", einv.payment.reference)
    _el(settlement, "ram:InvoiceCurrencyCode", einv.currency)
    means = _el(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
    _el(means, "ram:TypeCode", einv.payment.code)
    if einv.payment.card_last4:
        _el(_el(means, "ram:ApplicableTradeSettlementFinancialCard"), "ram:ID", einv.payment.card_last4)
    if einv.payment.iban:
        _el(_el(means, "ram:PayeePartyCreditorFinancialAccount"), "ram:IBANID", einv.payment.iban)
    for group in einv.vat:
        _tax(settlement, group.category, group.rate_bp, taxable=group.taxable, tax=group.tax)
    if einv.period:
        period = _el(settlement, "ram:BillingSpecifiedPeriod")
        _date(period, "ram:StartDateTime", einv.period[0])
        _date(period, "ram:EndDateTime", einv.period[1])
    if einv.due_date or einv.payment_terms:
        terms = _el(settlement, "ram:SpecifiedTradePaymentTerms")
        if einv.payment_terms:
            _el(terms, "ram:Description", einv.payment_terms)
        if einv.due_date:
            _date(terms, "ram:DueDateDateTime", einv.due_date)
    totals = _el(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    _el(totals, "ram:LineTotalAmount", amount(einv.line_total))
    _el(totals, "ram:TaxBasisTotalAmount", amount(einv.line_total))
    _el(totals, "ram:TaxTotalAmount", amount(einv.tax_total), currencyID=einv.currency)
    _el(totals, "ram:GrandTotalAmount", amount(einv.grand_total))
    _el(totals, "ram:TotalPrepaidAmount", amount(einv.prepaid))
    _el(totals, "ram:DuePayableAmount", amount(einv.payable))
    if einv.preceding:
        reference = _el(settlement, "ram:InvoiceReferencedDocument")
        _el(reference, "ram:IssuerAssignedID", einv.preceding[0])
        _date(reference, "ram:FormattedIssueDateTime", einv.preceding[1], ns="qdt")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
