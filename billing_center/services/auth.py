"""Sign-in, server-side sessions and sign-out.

The browser holds a random 256-bit token in an HttpOnly cookie; the database holds only its SHA-256.
A new token is made at every sign-in (a token planted before sign-in is never the one after).
Sessions end after ``session_idle_minutes`` without activity or ``session_absolute_minutes`` after
sign-in, and sign-out deletes the row, so the old cookie is worthless everywhere at once.

The console signs in over its websocket, which cannot set an HttpOnly cookie, so a sign-in there gives
a **ticket** instead of a token (:func:`sign_in_ticket`): single-use, valid for
``session_ticket_seconds``, bound to the person, stored as a hash. The browser takes it to
``/api/session/exchange`` (``api/session.py``), whose response sets the cookie (:func:`exchange_ticket`).
The websocket sees the session only through its handshake, where the app's ASGI boundary has replaced
the token by its SHA-256 (:data:`SESSION_DIGEST_COOKIE`, :func:`resolve_digest`): Reflex keeps the
handshake headers in its state store, and a digest opens nothing over HTTP.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func
from sqlmodel import Session, select

from billing_center import scheduler
from billing_center.domain import clock
from billing_center.domain.errors import NotAuthenticated, RateLimited, ValidationFailed
from billing_center.i18n import N_
from billing_center.models import AccessAttempt, Organisation, Person, SessionTicket, UserSession
from billing_center.services import audit, policy
from billing_center.services.actors import Actor
from billing_center.settings import get_settings

_hasher = PasswordHasher()
# Verifying against this keeps the time of "no such e-mail" equal to "wrong password".
_DUMMY_HASH = _hasher.hash("not-a-real-password")

WRONG_CREDENTIALS = N_("That e-mail address and password do not match. Check both and try again.")

# The name of the cookie that carries the session token (the console and the HTTP routes).
SESSION_COOKIE = "bc_session"
# In the websocket handshake, as Reflex stores it, the token's SHA-256 under this name instead.
SESSION_DIGEST_COOKIE = f"{SESSION_COOKIE}_sha256"


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


@dataclass(frozen=True, slots=True)
class Ticket:
    """A sign-in waiting for the HTTP response that turns it into a session cookie."""

    ticket: str
    actor: Actor


def actor_of(person: Person) -> Actor:
    """The actor a signed-in person acts as."""
    return Actor(
        person_id=person.id,
        organisation_id=person.organisation_id,
        email=person.email,
        full_name=person.full_name,
        role=person.role,
        locale=person.locale,
        language=person.language,
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
        raise RateLimited("Too many failed attempts. Wait {count} minutes and try again.",
                          count=settings.sign_in_window_minutes)


def authenticate(*, session: Session, email: str, password: str, ip: str = "") -> Person:
    """The person behind an e-mail address and password, or a refusal that is recorded (attempt and
    audit, committed before raising) and feeds the rate limit."""
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

    person.last_sign_in_at = clock.now()
    session.add(person)
    audit.record(session=session, action="sign_in", actor=actor_of(person), ip=ip)
    return person


def _start_session(session: Session, person: Person, *, ip: str, user_agent: str) -> SignedIn:
    token = secrets.token_urlsafe(32)
    now = clock.now()
    session.add(
        UserSession(
            person_id=person.id,
            token_hash=token_digest(token),
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(minutes=get_settings().session_absolute_minutes),
            ip=ip[:64],
            user_agent=user_agent[:300],
        )
    )
    return SignedIn(token=token, actor=actor_of(person))


def sign_in(*, session: Session, email: str, password: str, ip: str = "", user_agent: str = "") -> SignedIn:
    """Sign in and start a session at once: for an HTTP client that receives the token itself."""
    person = authenticate(session=session, email=email, password=password, ip=ip)
    return _start_session(session, person, ip=ip, user_agent=user_agent)


@policy.allowed(*policy.EVERYONE)
def issue_ticket(*, session: Session, actor: Actor) -> Ticket:
    """A single-use ticket for the person who has just proved who they are (password, sign-up)."""
    now = clock.now()
    session.exec(delete(SessionTicket).where(SessionTicket.expires_at < now))  # housekeeping
    ticket = secrets.token_urlsafe(32)
    session.add(SessionTicket(person_id=actor.person_id, ticket_hash=token_digest(ticket), created_at=now,
                              expires_at=now + timedelta(seconds=get_settings().session_ticket_seconds)))
    return Ticket(ticket=ticket, actor=actor)


def sign_in_ticket(*, session: Session, email: str, password: str, ip: str = "") -> Ticket:
    """Sign in on the console's websocket: a ticket that ``/api/session/exchange`` turns into the
    session cookie. The session (and its token) only ever exists in that HTTP response."""
    person = authenticate(session=session, email=email, password=password, ip=ip)
    return issue_ticket(session=session, actor=actor_of(person))


def exchange_ticket(*, session: Session, ticket: str | None, ip: str = "", user_agent: str = "") -> SignedIn:
    """Use a ticket, once, within its seconds: a new session for its person. Anything else (unknown,
    used, expired, a person since removed) is NotAuthenticated and starts nothing."""
    if not ticket:
        raise NotAuthenticated()
    row = session.exec(select(SessionTicket).where(SessionTicket.ticket_hash == token_digest(ticket))).first()
    if row is None:
        raise NotAuthenticated()
    # Whoever deletes the row uses the ticket: a second, concurrent exchange deletes nothing.
    used = session.exec(delete(SessionTicket).where(SessionTicket.id == row.id))
    person = session.get(Person, row.person_id)
    if used.rowcount != 1 or clock.now() >= row.expires_at or person is None:
        raise NotAuthenticated("That sign-in has expired. Please sign in again.")
    return _start_session(session, person, ip=ip, user_agent=user_agent)


def _session_row(session: Session, digest: str | None) -> UserSession | None:
    if not digest:
        return None
    return session.exec(select(UserSession).where(UserSession.token_hash == digest)).first()


def resolve(*, session: Session, token: str | None, touch: bool = True) -> Actor:
    """The actor behind a session token (an HTTP request's cookie), or NotAuthenticated."""
    return resolve_digest(session=session, digest=token_digest(token) if token else None, touch=touch)


def resolve_digest(*, session: Session, digest: str | None, touch: bool = True) -> Actor:
    """The actor behind a session token's SHA-256 (the websocket's handshake), or NotAuthenticated.
    Slides the idle expiry."""
    now = clock.now()
    row, person = _live_session(session, digest, now, remove_expired=True)
    if touch and _touch_due(row, now):
        row.last_seen_at = now
        session.add(row)
    return actor_of(person)


def read_digest(*, session: Session, digest: str | None) -> tuple[Actor, bool]:
    """Like :func:`resolve_digest` in a read-only transaction: the actor, and whether the idle expiry is
    due to slide (then :func:`resolve_digest` in a write transaction does it). Writes nothing: an expired
    session is refused and its row left to the next write or the scheduler's purge."""
    now = clock.now()
    row, person = _live_session(session, digest, now, remove_expired=False)
    return actor_of(person), _touch_due(row, now)


EXPIRED = N_("Your session has expired. Please sign in again.")
TOUCH_EVERY = timedelta(seconds=30)  # the idle expiry slides at most this often (one write)


def _live_session(session: Session, digest: str | None, now: datetime, *,
                  remove_expired: bool) -> tuple[UserSession, Person]:
    """The session row and its person, or NotAuthenticated (an expired row is deleted when asked)."""
    row = _session_row(session, digest)
    if row is None:
        raise NotAuthenticated()
    idle = timedelta(minutes=get_settings().session_idle_minutes)
    if now >= row.expires_at or now - row.last_seen_at >= idle:
        if remove_expired:
            session.delete(row)
        raise NotAuthenticated(EXPIRED)
    person = session.get(Person, row.person_id)
    if person is None:
        raise NotAuthenticated()
    org = session.get(Organisation, person.organisation_id)
    if org is not None and org.status == "inactive" and person.role != "billing_admin":
        # R-ACC-1/R-ACC-2: checked on every event, not only at sign-in
        raise NotAuthenticated("Your organisation's account is inactive: only its billing admins can sign in.")
    return row, person


def _touch_due(row: UserSession, now: datetime) -> bool:
    return now - row.last_seen_at >= TOUCH_EVERY


def sign_out(*, session: Session, token: str | None, ip: str = "") -> None:
    sign_out_digest(session=session, digest=token_digest(token) if token else None, ip=ip)


def sign_out_digest(*, session: Session, digest: str | None, ip: str = "") -> None:
    """End the session: its row is deleted, so its cookie opens nothing on any worker from now on."""
    row = _session_row(session, digest)
    if row is None:
        return
    person = session.get(Person, row.person_id)
    session.delete(row)
    if person is not None:
        audit.record(session=session, action="sign_out", actor=actor_of(person), ip=ip)


@scheduler.job("purge expired sessions")
def purge_expired(*, session: Session, now: datetime | None = None) -> int:
    """Housekeeping (every scheduler tick): remove sessions past their absolute expiry, used-up
    tickets and sign-in attempts older than 30 days."""
    now = now or clock.now()
    result = session.exec(delete(UserSession).where(UserSession.expires_at < now))
    session.exec(delete(SessionTicket).where(SessionTicket.expires_at < now))
    session.exec(delete(AccessAttempt).where(AccessAttempt.at < now - timedelta(days=30)))
    return result.rowcount or 0


__all__ = ["SESSION_COOKIE", "SESSION_DIGEST_COOKIE", "SignedIn", "Ticket", "WRONG_CREDENTIALS", "authenticate",
           "exchange_ticket", "hash_password", "issue_ticket", "read_digest", "resolve",
           "resolve_digest", "sign_in", "sign_in_ticket",
           "sign_out", "sign_out_digest"]
