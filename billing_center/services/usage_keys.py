"""API keys of the usage ingestion API (R-MAU-2): a billing admin creates, names and revokes them.

A key is shown once, when it is created; the database keeps only its SHA-256 and its first characters
(to tell keys apart on the page). The ingestion API finds the organisation from the key and nothing
else: the events of a batch never name an organisation.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from billing_center.domain import clock
from billing_center.domain.errors import NotFound, ValidationFailed
from billing_center.models import UsageApiKey
from billing_center.services import audit, policy
from billing_center.services.actors import Actor

KEY_PREFIX = "bcu_"
MAX_ACTIVE_KEYS = 20


@dataclass(frozen=True)
class KeyRow:
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True)
class NewKey:
    row: KeyRow
    secret: str  # shown once, never stored


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _row(key: UsageApiKey) -> KeyRow:
    return KeyRow(key.id, key.name, key.prefix, key.created_at, key.last_used_at, key.revoked_at)


@policy.allowed(*policy.BILLING_ADMIN)
def list_keys(*, session: Session, actor: Actor) -> list[KeyRow]:
    keys = session.exec(select(UsageApiKey).where(UsageApiKey.organisation_id == actor.organisation_id)
                        .order_by(UsageApiKey.revoked_at.is_not(None), UsageApiKey.created_at.desc(),
                                  UsageApiKey.id.desc())).all()
    return [_row(k) for k in keys]


@policy.allowed(*policy.BILLING_ADMIN)
def create_key(*, session: Session, actor: Actor, name: str) -> NewKey:
    cleaned = " ".join((name or "").split())
    if not cleaned:
        raise ValidationFailed("name", "Give the key a name, for example the system that sends the events.")
    if len(cleaned) > 80:
        raise ValidationFailed("name", "A key's name has at most 80 characters.")
    active = [k for k in list_keys(session=session, actor=actor) if k.revoked_at is None]
    if len(active) >= MAX_ACTIVE_KEYS:
        raise ValidationFailed("name", "An organisation has at most {count} active keys; revoke one first.",
                               count=MAX_ACTIVE_KEYS)
    if any(k.name.lower() == cleaned.lower() for k in active):
        raise ValidationFailed("name", "An active key already has this name.")
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    key = UsageApiKey(organisation_id=actor.organisation_id, name=cleaned, prefix=secret[:10],
                      key_hash=digest(secret), created_by_id=actor.person_id)
    session.add(key)
    session.flush()
    audit.record(session=session, action="usage_key_created", actor=actor, target_type="usage_api_key",
                 target_id=str(key.id), detail=cleaned)
    return NewKey(_row(key), secret)


@policy.allowed(*policy.BILLING_ADMIN)
def revoke_key(*, session: Session, actor: Actor, key_id: int) -> KeyRow:
    """Revoke a key of the organisation (another organisation's id is NotFound, like a missing one)."""
    key = session.exec(select(UsageApiKey).where(UsageApiKey.id == key_id,
                                                 UsageApiKey.organisation_id == actor.organisation_id)).first()
    if key is None:
        raise NotFound("key")
    if key.revoked_at is None:
        key.revoked_at = clock.now()
        session.add(key)
        session.flush()
        audit.record(session=session, action="usage_key_revoked", actor=actor, target_type="usage_api_key",
                     target_id=str(key.id), detail=key.name)
    return _row(key)


@dataclass(frozen=True)
class ActiveKey:
    id: int
    organisation_id: int
    stale: bool  # its last use is more than a minute old: note_use() records this one


def active_key(session: Session, secret: str | None) -> ActiveKey | None:
    """The active key a secret belongs to, or None (unknown, malformed or revoked). Reads only."""
    if not secret or not secret.startswith(KEY_PREFIX) or len(secret) > 200:
        return None
    key = session.exec(select(UsageApiKey).where(UsageApiKey.key_hash == digest(secret),
                                                 UsageApiKey.revoked_at.is_(None))).first()
    if key is None:
        return None
    stale = key.last_used_at is None or clock.now() - key.last_used_at > timedelta(minutes=1)
    return ActiveKey(key.id, key.organisation_id, stale)


def note_use(session: Session, key: ActiveKey) -> None:
    """Record when a key was last used (shown on the Usage page): at most once a minute, not a write per batch."""
    if key.stale:
        session.exec(update(UsageApiKey).where(UsageApiKey.id == key.id).values(last_used_at=clock.now()))


def organisation_of_key(session: Session, secret: str | None) -> int | None:
    """The organisation an active key belongs to, or None (unknown, malformed or revoked); notes its use."""
    key = active_key(session, secret)
    if key is None:
        return None
    note_use(session, key)
    return key.organisation_id
