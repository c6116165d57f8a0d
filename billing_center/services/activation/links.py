"""Single-use links, shared by the activation of billing access (R-ACT-1) and admin invitations (R-CON-4).

A link's token is random; only its SHA-256 is stored (AccessToken). The URL is built from
``settings.public_url``, never from the request. A link works once and expires; an expired, used,
tampered or unknown link gets one and the same answer (:class:`LinkInvalid`).
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from billing_center.domain import clock
from billing_center.domain.errors import ServiceError
from billing_center.i18n import N_
from billing_center.models import AccessToken
from billing_center.services import auth
from billing_center.settings import get_settings

ACTIVATION = "activation"
ADMIN_INVITATION = "admin_invitation"
LINK_INVALID = N_("This link cannot be used: it has expired, was already used or is not complete. Ask for a new one.")


class LinkInvalid(ServiceError):
    """One message for expired, used, tampered and unknown links: no oracle for guessing."""

    code = "link_invalid"

    def __init__(self) -> None:
        super().__init__(LINK_INVALID)


def issue_link(
    *,
    session: Session,
    organisation_id: int,
    purpose: str,
    email: str,
    lifetime: timedelta,
    person_id: int | None = None,
    contract_id: int | None = None,
) -> str:
    """A new single-use link token. Only its hash is stored; the token itself goes into one e-mail."""
    token = secrets.token_urlsafe(32)
    now = clock.now()
    session.add(
        AccessToken(
            organisation_id=organisation_id,
            purpose=purpose,
            email=email,
            person_id=person_id,
            contract_id=contract_id,
            token_hash=auth.token_digest(token),
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    session.flush()
    return token


def link_url(token: str) -> str:
    """Built from the configured public URL, never from the request's Host header."""
    return f"{get_settings().public_url.rstrip('/')}/activate?token={token}"


def revoke_links(*, session: Session, organisation_id: int, email: str, purpose: str,
                 contract_id: int | None = None) -> None:
    """Spend every open link of this kind for this address (a resend or a removal)."""
    query = (
        update(AccessToken)
        .where(
            AccessToken.organisation_id == organisation_id,
            AccessToken.email == email,
            AccessToken.purpose == purpose,
            AccessToken.used_at.is_(None),
        )
        .values(used_at=clock.now())
    )
    if contract_id is not None:
        query = query.where(AccessToken.contract_id == contract_id)
    session.exec(query)


def valid_token(session: Session, token: str | None) -> AccessToken:
    if not token or not re.fullmatch(r"[A-Za-z0-9_\-]{20,100}", token):
        raise LinkInvalid()
    row = session.exec(select(AccessToken).where(AccessToken.token_hash == auth.token_digest(token))).first()
    if row is None or row.used_at is not None or clock.now() >= row.expires_at:
        raise LinkInvalid()
    return row
