"""Admins per contract (R-CON-4): invite several at once, resend, remove. Contract in the URL."""

from __future__ import annotations

import reflex as rx

from billing_center.components.forms import form_text
from billing_center.db import session_scope
from billing_center.domain.errors import Forbidden, NotFound, ServiceError, ValidationFailed
from billing_center.formatting import format_day
from billing_center.services import access, admins
from billing_center.states.session import SessionState

STATE_LABELS = {"invited": ("Invited", "blue"), "active": ("Active", "green")}


class AdminsState(SessionState):
    allowed: bool = True
    contracts: list[str] = []
    contract: str = ""
    not_found: bool = False
    rows: list[dict[str, str]] = []
    emails_error: str = ""
    _contract_ids: dict[str, int] = {}

    def _load_rows(self, actor) -> None:
        contract_id = self._contract_ids.get(self.contract)
        if contract_id is None:
            self.rows = []
            return
        with session_scope() as session:
            found = admins.list_admins(session=session, actor=actor, contract_id=contract_id, ip=self._client_ip())
        rows = []
        for r in found:
            label, color = STATE_LABELS.get(r.status, (r.status.capitalize(), "gray"))
            rows.append({
                "id": str(r.id), "email": r.email, "name": r.name or "-", "state": label, "color": color,
                "invited": format_day(r.invited_at.date(), actor.locale),
                "last_sent": format_day(r.last_sent_at.date(), actor.locale),
                "can_resend": "yes" if r.status == "invited" else "",
                "can_remove": "" if r.is_you else "yes",
            })
        self.rows = rows

    @rx.event
    def load(self):
        actor = self._actor()
        if actor is None:
            return self._to_sign_in()
        self._show_actor(actor)
        self.emails_error, self.not_found, self.rows = "", False, []
        try:
            with session_scope() as session:
                contracts = admins.contracts_for_admin_page(session=session, actor=actor)
        except Forbidden:
            self.allowed, self.contracts, self.contract = False, [], ""
            return
        self.allowed = True
        self._contract_ids = {c.number: c.id for c in contracts}
        self.contracts = list(self._contract_ids)
        wanted = str(self.router.url.query_parameters.get("contract", "") or "").strip()
        if wanted and wanted not in self._contract_ids:
            # Another organisation's contract, or one this admin does not manage: the same answer,
            # and an entry in the audit trail (the service records it).
            self.not_found, self.contract = True, ""
            try:
                with session_scope() as session:
                    access.visible_contract(session, actor, number=wanted, ip=self._client_ip())
            except NotFound:
                pass
            return
        self.contract = wanted or (self.contracts[0] if self.contracts else "")
        try:
            self._load_rows(actor)
        except NotFound:
            self.not_found = True

    @rx.event
    def choose_contract(self, number: str):
        return rx.redirect(f"/admins?contract={number}")

    @rx.event
    def invite(self, form_data: dict):
        actor = self._actor()
        if actor is None:
            return self._to_sign_in()
        self.emails_error = ""
        contract_id = self._contract_ids.get(self.contract)
        if contract_id is None:
            return rx.toast.error("Choose a contract first.")
        try:
            with session_scope() as session:
                invited = admins.invite_admins(session=session, actor=actor, contract_id=contract_id,
                                               emails=form_text(form_data, "emails"), ip=self._client_ip())
        except ValidationFailed as exc:
            self.emails_error = exc.message
            return
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        self._load_rows(actor)
        who = invited[0] if len(invited) == 1 else f"{len(invited)} people"
        return [rx.set_value("emails", ""), rx.toast.success(f"Invitation sent to {who}.")]

    @rx.event
    def resend(self, admin_id: str):
        actor = self._actor()
        if actor is None:
            return self._to_sign_in()
        try:
            with session_scope() as session:
                email = admins.resend_invitation(session=session, actor=actor, admin_id=int(admin_id),
                                                 ip=self._client_ip())
        except (ServiceError, ValueError) as exc:
            return rx.toast.error(getattr(exc, "message", "No such admin."))
        self._load_rows(actor)
        return rx.toast.success(f"Invitation sent again to {email}.")

    @rx.event
    def remove(self, admin_id: str):
        actor = self._actor()
        if actor is None:
            return self._to_sign_in()
        try:
            with session_scope() as session:
                email = admins.remove_admin(session=session, actor=actor, admin_id=int(admin_id),
                                            ip=self._client_ip())
        except (ServiceError, ValueError) as exc:
            return rx.toast.error(getattr(exc, "message", "No such admin."))
        self._load_rows(actor)
        return rx.toast.success(f"{email} was removed from contract {self.contract}.")
