"""Activation of billing access (R-ACT-1..3) and the single-use links it shares with admin invitations.

One module per use case:

1. :mod:`.request`: a work e-mail, and for anyone but a primary or billing contact a proof
   (an order or invoice number with its subtotal or total); a welcome e-mail with a link follows;
2. :mod:`.link_info`: what ``/activate?token=...`` grants, and whether its person signs up or in;
3. :mod:`.sign_up`: set a password for the link's e-mail address and sign in;
4. :mod:`.accept`: **Accept and continue** spends the link and grants the access.

The links themselves (issued, revoked, checked) are in :mod:`.links`.
"""

from billing_center.services.activation.accept import Accepted, accept_link
from billing_center.services.activation.link_info import LinkInfo, inspect_link
from billing_center.services.activation.links import (
    ACTIVATION,
    ADMIN_INVITATION,
    LINK_INVALID,
    LinkInvalid,
    issue_link,
    link_url,
    revoke_links,
)
from billing_center.services.activation.request import (
    VERIFICATION_FAILED,
    AccessRequest,
    parse_amount,
    request_access,
)
from billing_center.services.activation.sign_up import MAX_PASSWORD, MIN_PASSWORD, check_new_password, sign_up_with_link

__all__ = [
    "ACTIVATION",
    "ADMIN_INVITATION",
    "LINK_INVALID",
    "MAX_PASSWORD",
    "MIN_PASSWORD",
    "VERIFICATION_FAILED",
    "AccessRequest",
    "Accepted",
    "LinkInfo",
    "LinkInvalid",
    "accept_link",
    "check_new_password",
    "inspect_link",
    "issue_link",
    "link_url",
    "parse_amount",
    "request_access",
    "revoke_links",
    "sign_up_with_link",
]
