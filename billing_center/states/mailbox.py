"""The demo Mailbox: with no SMTP server configured, every e-mail the app sends lands here."""

from __future__ import annotations

import dataclasses
import re

import reflex as rx
from sqlmodel import Session

from billing_center.i18n import _
from billing_center.services import mail
from billing_center.settings import get_settings
from billing_center.states.session import SessionState, public

URL = re.compile(r"^https?://\S+$")


@dataclasses.dataclass
class MessageRow:
    """One message of the outbox list."""

    id: str
    recipient: str
    subject: str
    at: str


@dataclasses.dataclass
class MessagePart:
    """A paragraph of a message, or one of its links shown as a button."""

    text: str
    href: str = ""
    is_link: bool = False


def message_parts(body: str) -> list[MessagePart]:
    """Body text split into paragraphs and links; a link takes the line before it ("Activate my
    account:") as its button label."""
    parts: list[MessagePart] = []
    text: list[str] = []
    for line in body.splitlines():
        if URL.match(line.strip()):
            label = _("Open link")
            while text and not text[-1].strip():
                text.pop()
            if text and text[-1].strip().endswith(":") and len(text[-1].strip()) <= 50:
                label = text.pop().strip().rstrip(":")
            if text:
                parts.append(MessagePart("\n".join(text).strip("\n")))
                text = []
            parts.append(MessagePart(label, href=line.strip(), is_link=True))
        else:
            text.append(line)
    if "".join(text).strip():
        parts.append(MessagePart("\n".join(text).strip("\n")))
    return parts


def mailbox_on() -> bool:
    """Read from the settings on every event: a client cannot switch the mailbox on."""
    settings = get_settings()
    return settings.demo_mailbox and not settings.smtp_host


class MailboxState(SessionState):
    enabled: bool = True
    messages: list[MessageRow] = []
    selected: str = ""
    subject: str = ""
    to: str = ""
    sent: str = ""
    parts: list[MessagePart] = []

    @rx.event
    @public
    def load(self, db: Session):
        self.enabled = mailbox_on()
        self.messages, self.parts, self.selected = [], [], ""
        if not self.enabled:
            return
        rows = mail.outbox(session=db, limit=30)
        self.messages = [MessageRow(id=str(r.id), recipient=r.to_address, subject=r.subject,
                                    at=r.created_at.strftime("%Y-%m-%d %H:%M")) for r in rows]
        if rows:
            self._show(db, rows[0].id)

    def _show(self, db: Session, message_id: int) -> None:
        if not mailbox_on():
            return
        row = next(iter(mail.outbox(session=db, limit=1, message_id=message_id)), None)
        if row is None:
            return
        self.selected = str(row.id)
        self.subject, self.to, self.sent = row.subject, row.to_address, row.created_at.strftime("%Y-%m-%d %H:%M UTC")
        self.parts = message_parts(row.body_text)

    @rx.event
    @public
    def open_message(self, db: Session, message_id: str):
        if message_id.isdigit():
            self._show(db, int(message_id))
