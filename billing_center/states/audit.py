"""Audit log (issue 4): filters live in the URL (?action=&from=&to=&page=), one page in state."""

from __future__ import annotations

from urllib.parse import urlencode

import reflex as rx

from billing_center.db import session_scope
from billing_center.domain.errors import Forbidden, ValidationFailed
from billing_center.services import audit_log
from billing_center.states.session import SessionState

ALL = "all"


class AuditState(SessionState):
    allowed: bool = True
    rows: list[dict[str, str]] = []
    action_options: list[list[str]] = []  # [code, label]
    action: str = ALL
    date_from: str = ""
    date_to: str = ""
    page: int = 1
    pages: int = 1
    total: int = 0
    filter_error: str = ""

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

    @rx.var
    def page_label(self) -> str:
        return f"Page {self.page} of {self.pages} · {self.total} event{'s' if self.total != 1 else ''}"

    @rx.event
    def load(self):
        actor = self._actor()
        if actor is None:
            return self._to_sign_in()
        self._show_actor(actor)
        params = self.router.url.query_parameters
        self.action = str(params.get("action", "") or "") or ALL
        self.date_from = str(params.get("from", "") or "")
        self.date_to = str(params.get("to", "") or "")
        try:
            page = int(str(params.get("page", "1") or "1"))
        except ValueError:
            page = 1
        self.filter_error = ""
        try:
            flt = audit_log.parse_filter(action="" if self.action == ALL else self.action,
                                         date_from=self.date_from, date_to=self.date_to)
        except ValidationFailed as exc:
            self.filter_error, flt = exc.message, audit_log.AuditFilter()
        try:
            with session_scope() as session:
                result = audit_log.list_events(session=session, actor=actor, flt=flt, page=page)
                actions = audit_log.actions_in_use(session=session, actor=actor)
        except Forbidden:
            self.allowed, self.rows = False, []
            return
        self.allowed = True
        self.action_options = [[ALL, "All actions"]] + [[a, audit_log.action_label(a)] for a in actions]
        self.page, self.pages, self.total = result.page, result.pages, result.total
        self.rows = [
            {"when": audit_log.when(e.at), "who": e.actor_email or "-", "action": audit_log.action_label(e.action),
             "target": f"{e.target_type} {e.target_id}".strip() or "-", "detail": e.detail or "-",
             "ip": e.ip or "-",
             "tone": "red" if e.action in ("sign_in_failed", "access_denied", "access_verification_failed")
             else "gray"}
            for e in result.events
        ]

    @rx.event
    def set_action(self, value: str):
        self.action = value

    @rx.event
    def set_date_from(self, value: str):
        self.date_from = value

    @rx.event
    def set_date_to(self, value: str):
        self.date_to = value

    @rx.event
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
