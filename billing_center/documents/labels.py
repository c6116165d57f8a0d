"""The words printed on documents (PDF, CSV), in the document's language (issue 11).

They are English msgids in the console's gettext catalogs (``billing_center/locales``, ``make catalogs``),
not a table of our own: a caller writes the English word, and the call marks it for extraction
(``t`` like the console's pages, ``pt`` with a message context)::

    t("Invoice number", locale)            # msgid "Invoice number"
    pt("document", "Due date", locale)     # msgctxt "document", msgid "Due date"

The language is the document's: the customer's document locale (``nl_BE`` prints Dutch, an unknown
locale English, as :func:`~billing_center.formatting.norm_locale` decides), not the console language of
whoever downloads it.

A word the console already translates shares its entry (one translation for "Invoice", "Contract"...).
Where the documents' legal wording differs from a console word that is right on screen (fr "Date
d'échéance" with the documents' straight apostrophes, nl "Ordernummer", "Vervallen" as a stamp, fr
"Numéro de bon d'achat" beside "Bon de commande"), the document word has the message context
:data:`DOCUMENT`.
"""

from __future__ import annotations

from billing_center import i18n
from billing_center.formatting import norm_locale
from billing_center.i18n import N_

DOCUMENT = "document"  # the msgctxt of a document word that differs from the console's

REVERSE_CHARGE = N_("Reverse charge: VAT to be accounted for by the recipient (Art. 196 Directive 2006/112/EC)")
ORDER_FORM_NOTE = N_("This order form is not an invoice. Invoices follow per the billing frequency of the contract.")


def language(locale: str | None) -> str:
    """The language (nl, fr, en) a document in ``locale`` is printed in."""
    return norm_locale(locale)


def t(message: str, locale: str | None) -> str:
    """``message`` (an English msgid) in the language of ``locale``."""
    with i18n.using(language(locale)):
        return i18n.gettext(message)


def pt(context: str, message: str, locale: str | None) -> str:
    """``message`` in the message context ``context`` (see :data:`DOCUMENT`), in the language of ``locale``."""
    with i18n.using(language(locale)):
        return i18n.pgettext(context, message)


def reverse_charge_text(locale: str | None) -> str:
    return t(REVERSE_CHARGE, locale)


def order_form_note(locale: str | None) -> str:
    return t(ORDER_FORM_NOTE, locale)


# The stamp printed beside an invoice's title, by status (a voided one: :func:`status_stamp`).
STAMPS = {"paid": N_("Paid"), "unpaid": N_("To pay"), "overdue": N_("Overdue")}
# An order's type as its order form prints it.
ORDER_TYPES = {"buy": N_("Buy"), "renew": N_("Renewal"), "add_on": N_("Add-on")}


def status_stamp(status: str, locale: str | None) -> str:
    """The stamp of an invoice in ``status`` ("" for a status that has none)."""
    if status == "void":
        return pt("document", "Void", locale)  # a literal context: pybabel extracts it
    return t(STAMPS[status], locale) if status in STAMPS else ""


def order_type_text(order_type: str, locale: str | None) -> str:
    """An order's type as printed on its order form (an unknown type as it is)."""
    return t(ORDER_TYPES[order_type], locale) if order_type in ORDER_TYPES else order_type
