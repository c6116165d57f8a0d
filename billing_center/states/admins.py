"""Admins per contract (R-CON-4): invite several at once, resend, remove. Contract in the URL."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import ClassVar

import reflex as rx
from sqlmodel import Session

from billing_center.components.forms import form_text
from billing_center.components.ui import status_color
from billing_center.domain.enums import AdminStatus
from billing_center.domain.errors import Forbidden, NotFound
from billing_center.formatting import format_day
from billing_center.i18n import _, ngettext
from billing_center.labels import status_label
from billing_center.services import admins, policy
from billing_center.services.actors import Actor
from billing_center.states.session import FieldErrors, SessionState, event_id, signed_in


@dataclasses.dataclass
class AdminRow:
    """One admin of the chosen contract as the table shows them."""

    id: str
    email: str
    name: str
    state: str
    color: str
    invited: str
    last_sent: str
    can_resend: bool
    can_remove: bool


def admin_row(admin: admins.AdminRow, locale: str) -> AdminRow:
    return AdminRow(
        id=str(admin.id), email=admin.email, name=admin.name or "-",
        state=status_label(admin.status), color=status_color(admin.status),
        invited=format_day(admin.invited_at.date(), locale), last_sent=format_day(admin.last_sent_at.date(), locale),
        can_resend=admin.status == AdminStatus.INVITED, can_remove=not admin.is_you,
    )


class AdminsState(FieldErrors, SessionState):
    allowed: bool = True
    contracts: list[str] = []
    contract: str = ""
    not_found: bool = False
    rows: list[AdminRow] = []
    _contract_ids: dict[str, int] = {}

    field_errors: ClassVar[dict[str, str]] = {"emails": "emails"}  # ``errors`` key: the invited addresses

    def _load_rows(self, actor: Actor, db: Session) -> None:
        contract_id = self._contract_ids.get(self.contract)
        found = [] if contract_id is None else admins.list_admins(session=db, actor=actor, contract_id=contract_id,
                                                                  ip=self._client_ip())
        self.rows = [admin_row(a, actor.locale) for a in found]

    @rx.event
    @signed_in(page=True)
    def load(self, actor: Actor, db: Session):
        self.not_found, self.rows = False, []
        self._clear_errors("emails")
        try:
            contracts = admins.contracts_for_admin_page(session=db, actor=actor)
        except Forbidden:
            self.allowed, self.contracts, self.contract = False, [], ""
            return
        self.allowed = True
        self._contract_ids = {c.number: c.id for c in contracts}
        self.contracts = list(self._contract_ids)
        wanted = str(self.router.url.query_parameters.get("contract", "") or "").strip()
        if wanted and wanted not in self._contract_ids:
            # Another organisation's contract, or one this admin does not manage: the same answer,
            # and an entry in the audit trail (the policy records it).
            self.not_found, self.contract = True, ""
            try:
                policy.visible_contract(db, actor, number=wanted, ip=self._client_ip())
            except NotFound:
                pass
            return
        self.contract = wanted or (self.contracts[0] if self.contracts else "")
        try:
            self._load_rows(actor, db)
        except NotFound:
            self.not_found = True

    @rx.event
    def choose_contract(self, number: str):
        return rx.redirect(f"/admins?contract={number}")

    @rx.event
    @signed_in
    def invite(self, actor: Actor, db: Session, form_data: dict):
        self._clear_errors("emails")
        contract_id = self._contract_ids.get(self.contract)
        if contract_id is None:
            return rx.toast.error(_("Choose a contract first."))
        invited = admins.invite_admins(session=db, actor=actor, contract_id=contract_id,
                                       emails=form_text(form_data, "emails"), ip=self._client_ip())
        self._load_rows(actor, db)
        sent = ngettext("Invitation sent to {who}.", "Invitations sent to {count} people.", len(invited))
        return [rx.set_value("emails", ""), rx.toast.success(sent.format(who=invited[0], count=len(invited)))]

    def _on_row(self, act: Callable[..., str], actor: Actor, db: Session, admin_id: str) -> str:
        """``act`` (a use case of ``services/admins.py``) on the admin of a row's button, then the rows
        again: the admin's e-mail address."""
        email = act(session=db, actor=actor, admin_id=event_id(admin_id, "admin"), ip=self._client_ip())
        self._load_rows(actor, db)
        return email

    @rx.event
    @signed_in
    def resend(self, actor: Actor, db: Session, admin_id: str):
        email = self._on_row(admins.resend_invitation, actor, db, admin_id)
        return rx.toast.success(_("Invitation sent again to {email}.").format(email=email))

    @rx.event
    @signed_in
    def remove(self, actor: Actor, db: Session, admin_id: str):
        email = self._on_row(admins.remove_admin, actor, db, admin_id)
        return rx.toast.success(_("{email} was removed from contract {contract}.").format(
            email=email, contract=self.contract))
