"""The words printed on documents, in the customer's document locale (nl, fr, en)."""

from __future__ import annotations

from billing_center.formatting import norm_locale

REVERSE_CHARGE = {
    "en": "Reverse charge: VAT to be accounted for by the recipient (Art. 196 Directive 2006/112/EC)",
    "nl": "Btw verlegd: btw te voldoen door de afnemer (art. 196 Richtlijn 2006/112/EG)",
    "fr": "Autoliquidation : TVA due par le preneur (art. 196 de la directive 2006/112/CE)",
}

LABELS: dict[str, dict[str, str]] = {
    "invoice": {"en": "Invoice", "nl": "Factuur", "fr": "Facture"},
    "credit_note": {"en": "Credit note", "nl": "Creditnota", "fr": "Avoir"},
    "order_form": {"en": "Order form", "nl": "Bestelformulier", "fr": "Bon de commande"},
    "seller": {"en": "Seller", "nl": "Verkoper", "fr": "Vendeur"},
    "buyer": {"en": "Customer", "nl": "Klant", "fr": "Client"},
    "vat_id": {"en": "VAT number", "nl": "Btw-nummer", "fr": "N° de TVA"},
    "number": {"en": "Invoice number", "nl": "Factuurnummer", "fr": "Numéro de facture"},
    "cn_number": {"en": "Credit note number", "nl": "Creditnotanummer", "fr": "Numéro d'avoir"},
    "order_number": {"en": "Order number", "nl": "Ordernummer", "fr": "Numéro de commande"},
    "order_form_number": {"en": "Order form number", "nl": "Nummer bestelformulier",
                          "fr": "Numéro du bon de commande"},
    "issue_date": {"en": "Invoice date", "nl": "Factuurdatum", "fr": "Date de facture"},
    "cn_date": {"en": "Credit note date", "nl": "Datum creditnota", "fr": "Date de l'avoir"},
    "order_date": {"en": "Order date", "nl": "Besteldatum", "fr": "Date de commande"},
    "supply_date": {"en": "Date of supply", "nl": "Leveringsdatum", "fr": "Date de livraison"},
    "period": {"en": "Billing period", "nl": "Factuurperiode", "fr": "Période de facturation"},
    "due_date": {"en": "Due date", "nl": "Vervaldatum", "fr": "Date d'échéance"},
    "contract": {"en": "Contract", "nl": "Contract", "fr": "Contrat"},
    "payment_method": {"en": "Payment method", "nl": "Betaalmethode", "fr": "Mode de paiement"},
    "po_number": {"en": "PO number", "nl": "Inkoopordernummer", "fr": "Numéro de bon d'achat"},
    "refers_to": {"en": "Corrects invoice", "nl": "Corrigeert factuur", "fr": "Rectifie la facture"},
    "reason": {"en": "Reason", "nl": "Reden", "fr": "Motif"},
    "term": {"en": "Term", "nl": "Looptijd", "fr": "Durée"},
    "months": {"en": "months", "nl": "maanden", "fr": "mois"},
    "order_type": {"en": "Order type", "nl": "Type order", "fr": "Type de commande"},
    "product": {"en": "Product", "nl": "Product", "fr": "Produit"},
    "description": {"en": "Description", "nl": "Omschrijving", "fr": "Description"},
    "quantity": {"en": "Qty", "nl": "Aantal", "fr": "Qté"},
    "unit_price": {"en": "Unit price", "nl": "Prijs per eenheid", "fr": "Prix unitaire"},
    "vat_rate": {"en": "VAT", "nl": "Btw", "fr": "TVA"},
    "amount": {"en": "Amount", "nl": "Bedrag", "fr": "Montant"},
    "previous_balance": {"en": "Previous balance", "nl": "Vorig saldo", "fr": "Solde précédent"},
    "taxable": {"en": "Taxable amount at", "nl": "Maatstaf van heffing", "fr": "Base imposable à"},
    "vat_at": {"en": "VAT at", "nl": "Btw", "fr": "TVA à"},
    "subtotal": {"en": "Subtotal", "nl": "Subtotaal", "fr": "Sous-total"},
    "tax": {"en": "VAT", "nl": "Btw", "fr": "TVA"},
    "total": {"en": "Total", "nl": "Totaal", "fr": "Total"},
    "total_credit": {"en": "Total credited", "nl": "Totaal gecrediteerd", "fr": "Total crédité"},
    "paid": {"en": "Paid", "nl": "Betaald", "fr": "Payée"},
    "unpaid": {"en": "To pay", "nl": "Te betalen", "fr": "À payer"},
    "overdue": {"en": "Overdue", "nl": "Achterstallig", "fr": "En retard"},
    "void": {"en": "Void", "nl": "Vervallen", "fr": "Annulée"},
    "page": {"en": "Page", "nl": "Pagina", "fr": "Page"},
    "card": {"en": "Card", "nl": "Kaart", "fr": "Carte"},
    "invoice_payment": {"en": "Invoice", "nl": "Factuur", "fr": "Facture"},
    "buy": {"en": "Buy", "nl": "Aankoop", "fr": "Achat"},
    "renew": {"en": "Renewal", "nl": "Verlenging", "fr": "Renouvellement"},
    "add_on": {"en": "Add-on", "nl": "Uitbreiding", "fr": "Extension"},
    "seats": {"en": "Seats", "nl": "Licenties", "fr": "Licences"},
    "order_form_note": {
        "en": "This order form is not an invoice. Invoices follow per the billing frequency of the contract.",
        "nl": "Dit bestelformulier is geen factuur. Facturen volgen volgens de factuurfrequentie van het contract.",
        "fr": "Ce bon de commande n'est pas une facture. Les factures suivent selon la fréquence de facturation "
              "du contrat.",
    },
}


def t(key: str, locale: str | None) -> str:
    loc = norm_locale(locale)
    entry = LABELS[key]
    return entry.get(loc) or entry["en"]


def reverse_charge_text(locale: str | None) -> str:
    return REVERSE_CHARGE[norm_locale(locale)]
