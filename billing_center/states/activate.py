"""/activate?token=...: sign up or sign in, then Accept and continue (R-ACT-3, R-CON-4)."""

from __future__ import annotations

import reflex as rx

from billing_center.components.forms import form_text
from billing_center.db import session_scope
from billing_center.domain.errors import ServiceError, ValidationFailed
from billing_center.services import activation, auth
from billing_center.states.session import SESSION_COOKIE, SessionState


class ActivateState(SessionState):
    step: str = "checking"  # checking, invalid, sign_up, sign_in, accept, other_person
    link_email: str = ""
    link_what: str = ""
    needs_name: bool = False
    full_name_error: str = ""
    password_error: str = ""
    password_again_error: str = ""
    error: str = ""
    busy: bool = False

    def _token(self) -> str:
        return str(self.router.url.query_parameters.get("token", "") or "")

    def _clear_errors(self) -> None:
        self.full_name_error = self.password_error = self.password_again_error = self.error = ""

    def _decide(self) -> None:
        """Which step this visitor is on, from the link and the current session."""
        try:
            with session_scope() as session:
                info = activation.inspect_link(session=session, token=self._token())
        except activation.LinkInvalid as exc:
            self.step, self.error = "invalid", exc.message
            return
        self.link_email, self.link_what = info.email, info.what
        self.needs_name = not info.full_name
        actor = self._actor()
        if actor is not None:
            self._show_actor(actor)
            self.step = "accept" if actor.email == info.email else "other_person"
        else:
            self.step = "sign_in" if info.has_account else "sign_up"

    @rx.event
    def open_page(self):
        self._clear_errors()
        self.busy = False
        self._decide()

    @rx.event
    def sign_up(self, form_data: dict):
        self._clear_errors()
        try:
            with session_scope() as session:
                signed = activation.sign_up_with_link(
                    session=session, token=self._token(), full_name=form_text(form_data, "full_name"),
                    password=form_text(form_data, "password"),
                    password_again=form_text(form_data, "password_again"),
                    ip=self._client_ip(), user_agent=self.router.headers.user_agent or "")
        except ValidationFailed as exc:
            setattr(self, f"{exc.field}_error" if exc.field in ("full_name", "password_again") else
                    "password_error", exc.message)
            return
        except ServiceError as exc:
            self.error = exc.message
            return self._decide()
        self.session_token = signed.token
        self._show_actor(signed.actor)
        self.step = "accept"
        return rx.toast.success("Your account is ready.")

    @rx.event
    def sign_in(self, form_data: dict):
        self._clear_errors()
        try:
            with session_scope() as session:
                signed = auth.sign_in(session=session, email=self.link_email,
                                      password=form_text(form_data, "password"), ip=self._client_ip(),
                                      user_agent=self.router.headers.user_agent or "")
        except ValidationFailed as exc:
            self.password_error = exc.message
            return
        except ServiceError as exc:
            self.error = exc.message
            return
        self.session_token = signed.token
        self._show_actor(signed.actor)
        self.step = "accept"

    @rx.event
    def accept(self):
        if self.busy:
            return
        actor = self._actor()
        if actor is None:
            self.busy = False
            return self._decide()
        self.busy = True
        try:
            with session_scope() as session:
                accepted = activation.accept_link(session=session, actor=actor, token=self._token(),
                                                  ip=self._client_ip())
        except ServiceError as exc:
            self.busy = False
            self.step, self.error = "invalid", exc.message
            return
        self._show_actor(accepted.actor)
        return [rx.redirect(accepted.next_path), rx.toast.success(accepted.message)]

    @rx.event
    def switch_account(self):
        """Signed in as someone else: sign that person out here, then continue with the link."""
        with session_scope() as session:
            auth.sign_out(session=session, token=self.session_token, ip=self._client_ip())
        self.session_token = ""
        self.signed_in = False
        self._decide()
        return rx.remove_cookie(SESSION_COOKIE, {"path": "/"})
