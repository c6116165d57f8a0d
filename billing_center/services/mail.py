"""Outgoing e-mail: every message is stored as an OutgoingEmail row in the caller's transaction.

When ``settings.smtp_host`` is set, the message goes out over SMTP *after* that transaction commits
(a rolled-back use case sends nothing); the row then records ``sent`` or ``failed``. Without an SMTP
host the message stays ``queued`` in the local outbox that the demo Mailbox page shows.

Usage from any use case (keyword-only, inside the caller's ``session_scope()``)::

    send_email(session=session, to="someone@example.com", subject="Your receipt",
               body="...", template="receipt", organisation_id=actor.organisation_id)
"""

from __future__ import annotations

import logging
import smtplib
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid, parseaddr

from sqlalchemy import event, update
from sqlmodel import Session, select

from billing_center.domain import clock
from billing_center.domain.enums import EmailStatus
from billing_center.domain.errors import ValidationFailed
from billing_center.models import OutgoingEmail
from billing_center.settings import get_settings

log = logging.getLogger(__name__)

_PENDING = "billing_center.mail.pending"


def is_email_address(value: str) -> bool:
    """A plausible single e-mail address: one @, a dotted domain, no spaces or header tricks."""
    value = (value or "").strip()
    if not value or len(value) > 254 or any(c in value for c in " \t\r\n,;<>\"'()[]\\"):
        return False
    local, at, domain = value.rpartition("@")
    if not at or not local or "@" in local or len(local) > 64:
        return False
    labels = domain.split(".")
    return len(labels) >= 2 and all(labels) and all(
        label.replace("-", "").isalnum() and not label.startswith("-") and not label.endswith("-")
        for label in labels
    )


def send_email(
    *,
    session: Session,
    to: str,
    subject: str,
    body: str,
    template: str,
    organisation_id: int | None = None,
) -> OutgoingEmail:
    """Store the message and, with SMTP configured, send it once the transaction commits."""
    to = (to or "").strip().lower()
    if not is_email_address(to):
        raise ValidationFailed("to", "{address} is not an e-mail address.", address=to or "An empty address")
    subject = " ".join((subject or "").split())[:300]  # no header injection through new lines
    row = OutgoingEmail(
        organisation_id=organisation_id,
        to_address=to,
        subject=subject,
        body_text=body or "",
        template=template[:60],
        status=EmailStatus.QUEUED,
    )
    session.add(row)
    session.flush()
    if get_settings().smtp_host:
        _pending(session).append(row.id)
    return row


def _pending(session: Session) -> list[int]:
    pending = session.info.get(_PENDING)
    if pending is None:
        pending = session.info[_PENDING] = []
        event.listen(session, "after_commit", _after_commit)
        event.listen(session, "after_rollback", _after_rollback)
    return pending


def _after_rollback(session: Session) -> None:
    session.info.get(_PENDING, []).clear()


def _after_commit(session: Session) -> None:
    ids = list(session.info.get(_PENDING, []))
    session.info.get(_PENDING, []).clear()
    if not ids:
        return
    # The committed session cannot run SQL inside this hook: use a fresh one on the same bind.
    with Session(session.get_bind(), expire_on_commit=False) as own:
        deliver(session=own, ids=ids)
        own.commit()


def _message(row: OutgoingEmail) -> EmailMessage:
    settings = get_settings()
    msg = EmailMessage()
    msg["From"] = settings.mail_from
    msg["To"] = row.to_address
    msg["Subject"] = row.subject
    msg["Message-ID"] = make_msgid(domain=parseaddr(settings.mail_from)[1].rpartition("@")[2] or None)
    msg["X-Billing-Center-Template"] = row.template or "message"
    msg.set_content(row.body_text)
    return msg


MAX_BACKOFF = timedelta(hours=6)


def next_attempt(attempts: int, now: datetime) -> datetime:
    """When a message that failed ``attempts`` times is tried again: exponential backoff."""
    delay = timedelta(seconds=get_settings().mail_retry_seconds * 2 ** max(attempts - 1, 0))
    return now + min(delay, MAX_BACKOFF)


def claim_retry(*, session: Session, row_id: int, now: datetime) -> bool:
    """Claim a due failed message for this worker (a conditional update: one worker wins)."""
    claimed = session.exec(update(OutgoingEmail).where(
        OutgoingEmail.id == row_id, OutgoingEmail.status == EmailStatus.FAILED, OutgoingEmail.next_attempt_at <= now,
    ).values(next_attempt_at=now + timedelta(minutes=5)))
    return claimed.rowcount == 1


def deliver(*, session: Session, ids: list[int] | None = None, now: datetime | None = None) -> int:
    """Send queued messages over SMTP (all queued ones when ``ids`` is None; the given ones, queued or
    failed, otherwise). Returns how many were sent. A failure is recorded on the row (error, attempts,
    next try) and never raised: the use case has already happened."""
    settings = get_settings()
    if not settings.smtp_host:
        return 0
    now = now or clock.now()
    query = select(OutgoingEmail).where(OutgoingEmail.status == EmailStatus.QUEUED)
    if ids is not None:
        query = select(OutgoingEmail).where(OutgoingEmail.id.in_(ids),
                                            OutgoingEmail.status.in_([EmailStatus.QUEUED, EmailStatus.FAILED]))
    rows = session.exec(query.order_by(OutgoingEmail.id)).all()
    if not rows:
        return 0
    sent, tried = 0, set()
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
            smtp.ehlo()
            if smtp.has_extn("starttls"):
                smtp.starttls()
                smtp.ehlo()
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password or "")
            for row in rows:
                tried.add(row.id)
                try:
                    smtp.send_message(_message(row))
                except smtplib.SMTPException as exc:
                    _failed(row, str(exc), now)
                else:
                    row.attempts += 1
                    row.status, row.sent_at, row.error, row.next_attempt_at = EmailStatus.SENT, clock.now(), None, None
                    sent += 1
                session.add(row)
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("SMTP delivery failed: %s", exc)
        for row in rows:
            if row.id not in tried:
                _failed(row, f"SMTP unavailable: {exc}", now)
                session.add(row)
    session.flush()
    return sent


def _failed(row: OutgoingEmail, error: str, now: datetime) -> None:
    """One more failed attempt: the error is kept, and the next try is scheduled with backoff."""
    row.attempts += 1
    row.status, row.error = EmailStatus.FAILED, error[:500]
    row.next_attempt_at = next_attempt(row.attempts, now)
    log.warning("e-mail %s to %s failed (attempt %d), next try at %s: %s", row.id, row.to_address, row.attempts,
                row.next_attempt_at.isoformat(timespec="seconds"), error[:200])


def outbox(*, session: Session, limit: int = 50, to: str | None = None,
           message_id: int | None = None) -> list[OutgoingEmail]:
    """The newest messages of the local outbox (the demo Mailbox)."""
    query = select(OutgoingEmail)
    if message_id is not None:
        query = query.where(OutgoingEmail.id == message_id)
    if to:
        query = query.where(OutgoingEmail.to_address == to.strip().lower())
    return list(session.exec(query.order_by(OutgoingEmail.id.desc()).limit(limit)).all())


__all__ = ["deliver", "is_email_address", "outbox", "send_email"]
