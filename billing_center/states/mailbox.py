"""The demo Mailbox: with no SMTP server configured, every e-mail the app sends lands here."""

from __future__ import annotations

import re

import reflex as rx

from billing_center.db import session_scope
from billing_center.services import mail
from billing_center.settings import get_settings

URL = re.compile(r"^https?://\S+$")


def message_parts(body: str) -> list[dict[str, str]]:
    """Body text split into paragraphs and links; a link takes the line before it ("Activate my
    account:") as its button label."""
    lines = body.splitlines()
    parts: list[dict[str, str]] = []
    text: list[str] = []
    for line in lines:
        if URL.match(line.strip()):
            label = "Open link"
            while text and not text[-1].strip():
                text.pop()
            if text and text[-1].strip().endswith(":") and len(text[-1].strip()) <= 50:
                label = text.pop().strip().rstrip(":")
            if text:
                parts.append({"kind": "text", "text": "\n".join(text).strip("\n"), "href": ""})
                text = []
            parts.append({"kind": "link", "text": label, "href": line.strip()})
        else:
            text.append(line)
    if "".join(text).strip():
        parts.append({"kind": "text", "text": "\n".join(text).strip("\n"), "href": ""})
    return parts


def mailbox_on() -> bool:
    """Read from the settings on every event: a client cannot switch the mailbox on."""
    settings = get_settings()
    return settings.demo_mailbox and not settings.smtp_host


class MailboxState(rx.State):
    enabled: bool = True
    messages: list[dict[str, str]] = []
    selected: str = ""
    subject: str = ""
    to: str = ""
    sent: str = ""
    parts: list[dict[str, str]] = []

    @rx.event
    def load(self):
        self.enabled = mailbox_on()
        self.messages, self.parts, self.selected = [], [], ""
        if not self.enabled:
            return
        with session_scope() as session:
            rows = mail.outbox(session=session, limit=30)
        self.messages = [
            {"id": str(r.id), "to": r.to_address, "subject": r.subject,
             "at": r.created_at.strftime("%Y-%m-%d %H:%M")} for r in rows
        ]
        if rows:
            self._show(rows[0].id)

    def _show(self, message_id: int) -> None:
        if not mailbox_on():
            return
        with session_scope() as session:
            row = next(iter(mail.outbox(session=session, limit=1, message_id=message_id)), None)
        if row is None:
            return
        self.selected = str(row.id)
        self.subject, self.to, self.sent = row.subject, row.to_address, row.created_at.strftime("%Y-%m-%d %H:%M UTC")
        self.parts = message_parts(row.body_text)

    @rx.event
    def open_message(self, message_id: str):
        try:
            self._show(int(message_id))
        except ValueError:
            return
