"""The sign-in form. The password arrives in the submitted form data and is never kept in state."""

from __future__ import annotations

from typing import ClassVar

import reflex as rx
from sqlmodel import Session

from billing_center.services import auth
from billing_center.services.actors import Actor
from billing_center.session_links import safe_next
from billing_center.states.session import FieldErrors, SessionState, public


class SignInState(FieldErrors, SessionState):
    submitting: bool = False

    # Failures are committed (attempt + audit) by the service before it raises. ``errors`` keys: email,
    # password, and form for any other refusal (above the form).
    field_errors: ClassVar[dict[str, str]] = {"password": "password", "email": "email", "*": "form"}

    def _next_path(self) -> str:
        return safe_next(self.router.page.params.get("next"))

    @rx.event
    @public(page=True)
    def open_page(self, actor: Actor | None):
        self._clear_errors()
        if actor is not None:
            return rx.redirect(self._next_path())

    @rx.event
    @public
    def submit(self, db: Session, form_data: dict):
        self._clear_errors()
        ticket = auth.sign_in_ticket(session=db, email=str(form_data.get("email", "")),
                                     password=str(form_data.get("password", "")), ip=self._client_ip())
        # The browser takes the ticket to the HTTP endpoint that sets the HttpOnly cookie.
        return self._start_session(ticket, self._next_path())
