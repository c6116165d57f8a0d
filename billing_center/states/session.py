"""The signed-in actor. Every section's state subclasses SessionState and asks it for the actor,
which is re-read from the server-side session on each event: a signed-out or expired session stops
working at once, in every tab and on every worker."""

from __future__ import annotations

import reflex as rx

from billing_center.db import session_scope
from billing_center.domain.enums import Role
from billing_center.domain.errors import NotAuthenticated
from billing_center.services import auth
from billing_center.services.actors import Actor

SESSION_COOKIE = "bc_session"
SIGN_IN = "/sign-in"

ROLE_LABELS = {
    Role.BILLING_ADMIN: "Billing admin",
    Role.CONTRACT_ADMIN: "Contract admin",
    Role.BUYER: "Self-service buyer",
    Role.MEMBER: "Member",
    Role.SUPPORT_AGENT: "Support agent",
}


class SessionState(rx.State):
    session_token: str = rx.Cookie(
        "", name=SESSION_COOKIE, path="/", same_site="strict", max_age=12 * 60 * 60
    )
    person_name: str = ""
    person_email: str = ""
    organisation_name: str = ""
    role_label: str = ""
    signed_in: bool = False

    def _client_ip(self) -> str:
        return getattr(self.router.session, "client_ip", "") or ""

    def _actor(self) -> Actor | None:
        """The actor for this session, or None (and the header cleared) when it is gone."""
        try:
            with session_scope() as session:
                actor = auth.resolve(session=session, token=self.session_token)
        except NotAuthenticated:
            self.signed_in = False
            return None
        return actor

    def _show_actor(self, actor: Actor) -> None:
        from billing_center.models import Organisation

        with session_scope() as session:
            org = session.get(Organisation, actor.organisation_id)
            self.organisation_name = org.name if org else ""
        self.person_name = actor.full_name
        self.person_email = actor.email
        self.role_label = ROLE_LABELS.get(Role(actor.role), actor.role)
        self.signed_in = True

    def _to_sign_in(self):
        path = self.router.page.raw_path or "/"
        target = SIGN_IN if path in ("/", SIGN_IN) else f"{SIGN_IN}?next={path}"
        return rx.redirect(target)

    @rx.event
    def require_sign_in(self):
        """on_load of every console page."""
        actor = self._actor()
        if actor is None:
            return self._to_sign_in()
        self._show_actor(actor)

    @rx.event
    def sign_out(self):
        with session_scope() as session:
            auth.sign_out(session=session, token=self.session_token, ip=self._client_ip())
        self.session_token = ""
        self.signed_in = False
        self.person_name = self.person_email = self.organisation_name = self.role_label = ""
        return [rx.remove_cookie(SESSION_COOKIE, {"path": "/"}), rx.redirect(SIGN_IN),
                rx.toast.info("You are signed out.")]
