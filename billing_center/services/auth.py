"""Sign-in, server-side sessions and sign-out.

The browser holds a random 256-bit token; the database holds only its SHA-256. A new token is made
at every sign-in (a token planted before sign-in is never the one after). Sessions end after
``session_idle_minutes`` without activity or ``session_absolute_minutes`` after sign-in, and
sign-out deletes the row, so the old cookie is worthless everywhere at once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func
from sqlmodel import Session, select

from billing_center.domain import clock
from billing_center.domain.errors import NotAuthenticated, RateLimited, ValidationFailed
from billing_center.models import AccessAttempt, Organisation, Person, UserSession
from billing_center.services import audit
from billing_center.services.actors import Actor
from billing_center.settings import get_settings

_hasher = PasswordHasher()
# Verifying against this keeps the time of "no such e-mail" equal to "wrong password".
_DUMMY_HASH = _hasher.hash("not-a-real-password")

WRONG_CREDENTIALS = "That e-mail address and password do not match. Check both and try again."


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


@dataclass(frozen=True, slots=True)
class SignedIn:
    token: str
    actor: Actor


def _actor(person: Person) -> Actor:
    return Actor(
        person_id=person.id,
        organisation_id=person.organisation_id,
        email=person.email,
        full_name=person.full_name,
        role=person.role,
        locale=person.locale,
    )


def _recent_failures(session: Session, *, kind: str, email: str, ip: str, minutes: int) -> tuple[int, int]:
    since = clock.now() - timedelta(minutes=minutes)
    base = select(func.count()).select_from(AccessAttempt).where(
        AccessAttempt.kind == kind, AccessAttempt.succeeded == False, AccessAttempt.at >= since  # noqa: E712
    )
    by_email = session.exec(base.where(AccessAttempt.email == email)).one() if email else 0
    by_ip = session.exec(base.where(AccessAttempt.ip == ip)).one() if ip else 0
    return by_email, by_ip


def check_rate_limit(session: Session, *, kind: str, email: str, ip: str) -> None:
    """Per account and per address: after N failures in the window, refuse until it passes.
    An address gets more room than an account (an office shares one address)."""
    settings = get_settings()
    by_email, by_ip = _recent_failures(
        session, kind=kind, email=email, ip=ip, minutes=settings.sign_in_window_minutes
    )
    if by_email >= settings.sign_in_max_failures or by_ip >= settings.sign_in_max_failures * 4:
        raise RateLimited(
            f"Too many failed attempts. Wait {settings.sign_in_window_minutes} minutes and try again."
        )


def sign_in(*, session: Session, email: str, password: str, ip: str = "", user_agent: str = "") -> SignedIn:
    email = normalise_email(email)
    if not email or "@" not in email:
        raise ValidationFailed("email", "Enter your work e-mail address.")
    if not password:
        raise ValidationFailed("password", "Enter your password.")
    check_rate_limit(session, kind="sign_in", email=email, ip=ip)

    person = session.exec(select(Person).where(Person.email == email)).first()
    ok = verify_password(person.password_hash if person else None, password)
    if ok and person is not None:
        org = session.get(Organisation, person.organisation_id)
        if org is not None and org.status == "inactive" and person.role != "billing_admin":
            ok = False  # R-ACC-1: an inactive account lets only admins in
    session.add(AccessAttempt(kind="sign_in", email=email, ip=ip, succeeded=ok))
    if not ok or person is None:
        audit.record(
            session=session,
            action="sign_in_failed",
            organisation_id=person.organisation_id if person else None,
            actor_email=email,
            ip=ip,
        )
        # The failed attempt must outlive the error (it feeds the rate limit and the audit log),
        # and nothing else has been written in this use case: commit it before raising.
        session.commit()
        raise NotAuthenticated(WRONG_CREDENTIALS)

    settings = get_settings()
    token = secrets.token_urlsafe(32)
    now = clock.now()
    session.add(
        UserSession(
            person_id=person.id,
            token_hash=token_digest(token),
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(minutes=settings.session_absolute_minutes),
            ip=ip[:64],
            user_agent=user_agent[:300],
        )
    )
    person.last_sign_in_at = now
    session.add(person)
    actor = _actor(person)
    audit.record(session=session, action="sign_in", actor=actor, ip=ip)
    return SignedIn(token=token, actor=actor)


def resolve(*, session: Session, token: str | None, touch: bool = True) -> Actor:
    """The actor behind a session token, or NotAuthenticated. Slides the idle expiry."""
    if not token:
        raise NotAuthenticated()
    row = session.exec(select(UserSession).where(UserSession.token_hash == token_digest(token))).first()
    if row is None:
        raise NotAuthenticated()
    now = clock.now()
    idle = timedelta(minutes=get_settings().session_idle_minutes)
    if now >= row.expires_at or now - row.last_seen_at >= idle:
        session.delete(row)
        raise NotAuthenticated("Your session has expired. Please sign in again.")
    person = session.get(Person, row.person_id)
    if person is None:
        raise NotAuthenticated()
    if touch and now - row.last_seen_at >= timedelta(seconds=30):
        row.last_seen_at = now
        session.add(row)
    return _actor(person)


def sign_out(*, session: Session, token: str | None, ip: str = "") -> None:
    if not token:
        return
    row = session.exec(select(UserSession).where(UserSession.token_hash == token_digest(token))).first()
    if row is None:
        return
    person = session.get(Person, row.person_id)
    session.delete(row)
    if person is not None:
        audit.record(session=session, action="sign_out", actor=_actor(person), ip=ip)


def purge_expired(*, session: Session) -> int:
    """Housekeeping: remove sessions past their absolute expiry and old attempts."""
    now = clock.now()
    result = session.exec(delete(UserSession).where(UserSession.expires_at < now))
    session.exec(delete(AccessAttempt).where(AccessAttempt.at < now - timedelta(days=30)))
    return result.rowcount or 0


__all__ = ["SignedIn", "WRONG_CREDENTIALS", "hash_password", "resolve", "sign_in", "sign_out"]
