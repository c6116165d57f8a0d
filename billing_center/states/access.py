"""Access billing (R-ACT-1, R-ACT-2): the visitor's work e-mail, then proof when needed."""

from __future__ import annotations

from typing import ClassVar

import reflex as rx
from sqlmodel import Session

from billing_center.components.forms import form_text
from billing_center.i18n import _
from billing_center.services import activation
from billing_center.settings import get_settings
from billing_center.states.session import FieldErrors, SessionState, public

NEXT_STEP = {"email_sent": "sent", "proof_needed": "proof", "has_access": "has_access"}


class AccessState(FieldErrors, SessionState):
    step: str = "email"  # email, proof, sent, has_access
    email: str = ""
    demo_mailbox: bool = False

    # ``errors`` keys: the fields' names, and form for any other refusal (above the form)
    field_errors: ClassVar[dict[str, str]] = {"email": "email", "amount": "amount", "reference": "reference",
                                              "*": "form"}

    def _start(self) -> None:
        self.step, self.email = "email", ""
        self._clear_errors()
        settings = get_settings()
        self.demo_mailbox = settings.demo_mailbox and not settings.smtp_host

    @rx.event
    @public(page=True)
    def open_page(self):
        self._start()

    @rx.event
    @public
    def start_over(self):
        self._start()

    @rx.event
    def leave(self):
        """The page is left: the tab's next visit starts at the first step, not at this visit's until its
        load runs. Not the person's input (no ``@public``: not a field set before a page's load)."""
        self._start()

    @rx.event
    @public
    def submit(self, db: Session, form_data: dict):
        self._clear_errors()
        proof = self.step == "proof"
        result = activation.request_access(
            session=db, email=form_text(form_data, "email").strip(), ip=self._client_ip(),
            reference=form_text(form_data, "reference") if proof else "",
            amount=form_text(form_data, "amount") if proof else "")
        self.email = result.email
        self.step = NEXT_STEP[result.outcome]
        if self.step == "sent":
            return rx.toast.success(_("E-mail sent. Check your mailbox."))
