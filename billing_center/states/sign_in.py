"""The sign-in form. The password arrives in the submitted form data and is never kept in state."""

from __future__ import annotations

from urllib.parse import urlsplit

import reflex as rx

from billing_center.db import session_scope
from billing_center.domain.errors import ServiceError, ValidationFailed
from billing_center.services import auth
from billing_center.states.session import SessionState


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never an open redirect to another host."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


class SignInState(SessionState):
    error: str = ""
    email_error: str = ""
    password_error: str = ""
    submitting: bool = False

    @rx.event
    def open_page(self):
        self.error = self.email_error = self.password_error = ""
        if self._actor() is not None:
            return rx.redirect(_safe_next(self.router.page.params.get("next")))

    @rx.event
    def submit(self, form_data: dict):
        self.error = self.email_error = self.password_error = ""
        email = str(form_data.get("email", ""))
        password = str(form_data.get("password", ""))
        try:
            with session_scope() as session:
                signed = auth.sign_in(
                    session=session,
                    email=email,
                    password=password,
                    ip=self._client_ip(),
                    user_agent=self.router.headers.user_agent or "",
                )
        except ValidationFailed as exc:
            if exc.field == "password":
                self.password_error = exc.message
            else:
                self.email_error = exc.message
            return
        except ServiceError as exc:
            # Failures are committed (attempt + audit) by the service before it raises.
            self.error = exc.message
            return
        self.session_token = signed.token
        self._show_actor(signed.actor)
        return rx.redirect(_safe_next(self.router.page.params.get("next")))
