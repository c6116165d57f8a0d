"""Audit log (issue 4): filters live in the URL (?action=&from=&to=&page=), one page in state."""

from __future__ import annotations

import dataclasses
from urllib.parse import urlencode

import reflex as rx
from sqlmodel import Session

from billing_center.domain.errors import Forbidden, ValidationFailed
from billing_center.i18n import _, translate_error
from billing_center.models import AuditEvent
from billing_center.services import audit_log
from billing_center.services.actors import Actor
from billing_center.states.rows import Option
from billing_center.states.session import FieldErrors, SessionState, field_setter, signed_in

ALL = "all"
ALARMING = ("sign_in_failed", "access_denied", "access_verification_failed")


@dataclasses.dataclass
class EventRow:
    """One audit event as the table shows it."""

    when: str
    who: str
    action: str
    target: str
    detail: str
    ip: str
    tone: str


def event_row(event: AuditEvent) -> EventRow:
    return EventRow(when=audit_log.when(event.at), who=event.actor_email or "-",
                    action=_(audit_log.action_label(event.action)),
                    target=f"{event.target_type} {event.target_id}".strip() or "-", detail=event.detail or "-",
                    ip=event.ip or "-", tone="red" if event.action in ALARMING else "gray")


class AuditState(FieldErrors, SessionState):
    allowed: bool = True
    rows: list[EventRow] = []
    action_options: list[Option] = []
    action: str = ALL
    date_from: str = ""
    date_to: str = ""
    page: int = 1
    pages: int = 1
    total: int = 0

    def _query(self, **changes) -> str:
        values = {"action": "" if self.action == ALL else self.action, "from": self.date_from,
                  "to": self.date_to, "page": str(self.page)}
        values.update(changes)
        return urlencode({k: v for k, v in values.items() if v and not (k == "page" and v == "1")})

    @rx.var
    def export_href(self) -> str:
        query = urlencode({k: v for k, v in {"action": "" if self.action == ALL else self.action,
                                              "date_from": self.date_from, "date_to": self.date_to}.items() if v})
        return "/api/audit.csv" + (f"?{query}" if query else "")

    @rx.event
    @signed_in(page=True)
    def load(self, actor: Actor, db: Session):
        params = self.router.url.query_parameters
        self.action = str(params.get("action", "") or "") or ALL
        self.date_from = str(params.get("from", "") or "")
        self.date_to = str(params.get("to", "") or "")
        try:
            page = int(str(params.get("page", "1") or "1"))
        except ValueError:
            page = 1
        self._clear_errors("filter")
        try:
            flt = audit_log.parse_filter(action="" if self.action == ALL else self.action,
                                         date_from=self.date_from, date_to=self.date_to)
        except ValidationFailed as exc:
            self._show_error("filter", translate_error(exc))  # ``errors`` key: the filter in the address
            flt = audit_log.AuditFilter()
        try:
            result = audit_log.list_events(session=db, actor=actor, flt=flt, page=page)
            actions = audit_log.actions_in_use(session=db, actor=actor)
        except Forbidden:
            self.allowed, self.rows = False, []
            return
        self.allowed = True
        self.action_options = [Option(ALL, _("All actions")),
                               *[Option(a, _(audit_log.action_label(a))) for a in actions]]
        self.page, self.pages, self.total = result.page, result.pages, result.total
        self.rows = [event_row(e) for e in result.events]

    set_action = field_setter("action")
    set_date_from = field_setter("date_from")
    set_date_to = field_setter("date_to")

    @rx.event
    @signed_in
    def apply(self):
        query = self._query(page="1")
        return rx.redirect("/audit" + (f"?{query}" if query else ""))

    @rx.event
    def clear(self):
        return rx.redirect("/audit")

    @rx.event
    def previous_page(self):
        if self.page > 1:
            return rx.redirect("/audit?" + self._query(page=str(self.page - 1)))

    @rx.event
    def next_page(self):
        if self.page < self.pages:
            return rx.redirect("/audit?" + self._query(page=str(self.page + 1)))
