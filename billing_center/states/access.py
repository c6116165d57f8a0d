"""Access billing (R-ACT-1, R-ACT-2): the visitor's work e-mail, then proof when needed."""

from __future__ import annotations

import reflex as rx

from billing_center.components.forms import form_text
from billing_center.db import session_scope
from billing_center.domain.errors import RateLimited, ServiceError, ValidationFailed
from billing_center.services import activation
from billing_center.settings import get_settings


class AccessState(rx.State):
    step: str = "email"  # email, proof, sent, has_access
    email: str = ""
    email_error: str = ""
    reference_error: str = ""
    amount_error: str = ""
    error: str = ""
    demo_mailbox: bool = False

    def _client_ip(self) -> str:
        return getattr(self.router.session, "client_ip", "") or ""

    @rx.event
    def open_page(self):
        self.step, self.email = "email", ""
        self.email_error = self.reference_error = self.amount_error = self.error = ""
        settings = get_settings()
        self.demo_mailbox = settings.demo_mailbox and not settings.smtp_host

    @rx.event
    def start_over(self):
        self.open_page()

    @rx.event
    def submit(self, form_data: dict):
        self.email_error = self.reference_error = self.amount_error = self.error = ""
        email = form_text(form_data, "email").strip()
        reference = form_text(form_data, "reference") if self.step == "proof" else ""
        amount = form_text(form_data, "amount") if self.step == "proof" else ""
        try:
            with session_scope() as session:
                result = activation.request_access(session=session, email=email, reference=reference,
                                                   amount=amount, ip=self._client_ip())
        except ValidationFailed as exc:
            setattr(self, {"email": "email_error", "amount": "amount_error"}.get(exc.field, "reference_error"),
                    exc.message)
            return
        except RateLimited as exc:
            self.error = exc.message
            return
        except ServiceError as exc:
            self.error = exc.message
            return
        self.email = result.email
        self.step = {"email_sent": "sent", "proof_needed": "proof", "has_access": "has_access"}[result.outcome]
        if self.step == "sent":
            return rx.toast.success("E-mail sent. Check your mailbox.")
