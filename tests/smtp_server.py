"""A real SMTP server (aiosmtpd) on a free port, for tests and benchmarks that read the mail the app sends."""

from __future__ import annotations

import email
import email.policy
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from tests.support import free_port


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def body(self) -> str:
        return self.message.get_content()

    def link(self, path: str = "/activate") -> str:
        found = re.search(rf"https?://\S+{re.escape(path)}\?token=[A-Za-z0-9_\-]+", self.body)
        assert found, f"no {path} link in:\n{self.body}"
        return found.group(0)


@dataclass
class SmtpServer:
    host: str
    port: int
    messages: list[Received] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd hook name
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), msg))
        return "250 Message accepted for delivery"

    def to(self, address: str, *, wait: float = 5.0) -> list[Received]:
        """Messages received for ``address``, waiting a little for one to arrive."""
        deadline = time.monotonic() + wait
        while True:
            found = [m for m in self.messages if address in m.recipients]
            if found or time.monotonic() >= deadline:
                return found
            time.sleep(0.05)


@contextmanager
def running_smtp_server(host: str = "127.0.0.1") -> Iterator[SmtpServer]:
    """An SMTP server listening on a free port of ``host`` until the block ends."""
    server = SmtpServer(host, free_port())
    controller = Controller(server, hostname=host, port=server.port)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()
