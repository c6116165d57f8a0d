"""/activate?token=...: sign up or sign in, then Accept and continue (R-ACT-3, R-CON-4)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

import reflex as rx
from sqlmodel import Session

from billing_center.components.forms import form_text
from billing_center.domain.errors import ServiceError, ValidationFailed
from billing_center.i18n import _, translate_error
from billing_center.services import activation, auth
from billing_center.services.actors import Actor
from billing_center.states.session import FieldErrors, SessionState, public


class ActivateState(FieldErrors, SessionState):
    step: str = "checking"  # checking, invalid, sign_up, sign_in, accept, other_person
    link_email: str = ""
    link_what: str = ""
    needs_name: bool = False
    busy: bool = False

    # ``errors`` keys: the fields' names, and form for a refused link or sign-in (see _service_error)
    field_errors: ClassVar[dict[str, str]] = {"full_name": "full_name", "password": "password",
                                              "password_again": "password_again", "email": "password"}

    def _token(self) -> str:
        return str(self.router.url.query_parameters.get("token", "") or "")

    def _decide(self, db: Session, actor: Actor | None) -> None:
        """Which step this visitor is on, from the link and the current session."""
        try:
            info = activation.inspect_link(session=db, token=self._token())
        except activation.LinkInvalid as exc:
            self.step = "invalid"
            self._show_error("form", translate_error(exc))
            return
        self.link_email, self.link_what = info.email, info.what
        self.needs_name = not info.full_name
        if actor is not None:
            self.step = "accept" if actor.email == info.email else "other_person"
        else:
            self.step = "sign_in" if info.has_account else "sign_up"

    def _service_error(self, exc: ServiceError, errors: Mapping[str, str] | None = None):
        """A field's message at its field; anything else (a used or expired link, a wrong password, an
        account made meanwhile) above the form, on the step the visitor is on now."""
        self.busy = False
        if isinstance(exc, ValidationFailed):
            return super()._service_error(exc, errors)
        self._show_error("form", translate_error(exc))
        return ActivateState.check_link

    @rx.event
    @public(page=True)
    def check_link(self, actor: Actor | None, db: Session):
        """Re-read the link and the session after a refused step (in a transaction of its own)."""
        self._decide(db, actor)

    @rx.event
    @public(page=True)
    def open_page(self, actor: Actor | None, db: Session):
        self._clear_errors()
        self.busy = False
        self._decide(db, actor)

    @rx.event
    @public
    def sign_up(self, db: Session, form_data: dict):
        self._clear_errors()
        ticket = activation.sign_up_with_link(
            session=db, token=self._token(), full_name=form_text(form_data, "full_name"),
            password=form_text(form_data, "password"), password_again=form_text(form_data, "password_again"),
            ip=self._client_ip())
        return self._start_session(ticket, self.router.page.raw_path)  # the page reopens signed in

    @rx.event
    @public
    def sign_in(self, db: Session, form_data: dict):
        self._clear_errors()
        ticket = auth.sign_in_ticket(session=db, email=self.link_email, password=form_text(form_data, "password"),
                                     ip=self._client_ip())
        return self._start_session(ticket, self.router.page.raw_path)

    @rx.event
    @public
    def accept(self, actor: Actor | None, db: Session):
        if self.busy:
            return
        if actor is None:
            return self._decide(db, None)
        self.busy = True
        accepted = activation.accept_link(session=db, actor=actor, token=self._token(), ip=self._client_ip())
        self._show_actor(accepted.actor, db)
        return [rx.redirect(accepted.next_path), rx.toast.success(_(accepted.message))]

    @rx.event
    @public
    def switch_account(self, db: Session):
        """Signed in as someone else: sign that person out here, then continue with the link."""
        return self._end_session(db, self.router.page.raw_path)
