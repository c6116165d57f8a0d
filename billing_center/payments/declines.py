"""Why the processor refused a card, in our words: keyed by its stable decline code and marked for the
catalogs, so a refusal reads in the person's language (pass it with ``words=("reason",)``). An unknown
code keeps the processor's own text."""

from __future__ import annotations

from billing_center.i18n import N_
from billing_center.payments.gateway import PaymentError

DECLINE_REASONS = {
    "card_declined": N_("your bank declined it. Use another card or contact your bank."),
    "insufficient_funds": N_("the card has insufficient funds. Use another card."),
    "expired_card": N_("the card has expired. Use another card."),
    "incorrect_cvc": N_("the security code is incorrect. Check the 3 digits on the back of the card."),
    "processing_error": N_("the processor had an error. Try again in a moment."),
}


def decline_reason(exc: PaymentError) -> str:
    return DECLINE_REASONS.get(exc.code, exc.message)
