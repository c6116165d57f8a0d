"""The support agents' queue of change requests (R-CON-3)."""

from __future__ import annotations

import reflex as rx

from billing_center.db import session_scope
from billing_center.domain.errors import Forbidden, ServiceError
from billing_center.formatting import format_moment
from billing_center.services import contract_billing
from billing_center.states.session import SessionState


class SupportState(SessionState):
    queue: list[dict[str, str]] = []
    page_error: str = ""
    action_error: str = ""

    def _refresh(self, actor) -> None:
        with session_scope() as session:
            rows = contract_billing.support_queue(session=session, actor=actor)
        self.queue = [
            {"id": str(r.id), "organisation": r.organisation, "contract": r.contract_number, "kind": r.kind,
             "change": f"{r.current} → {r.requested}", "requested_by": r.requested_by,
             "date": format_moment(r.created_at, "en"), "note": r.note or "—"}
            for r in rows
        ]

    @rx.event
    def load(self):
        actor = self._actor()
        if actor is None:
            return self._to_sign_in()
        self._show_actor(actor)
        self.page_error = self.action_error = ""
        try:
            self._refresh(actor)
        except Forbidden as exc:
            self.queue = []
            self.page_error = exc.message

    @rx.event
    def complete(self, request_id: str):
        actor = self._actor()
        if actor is None:
            return self._to_sign_in()
        self.action_error = ""
        try:
            with session_scope() as session:
                req = contract_billing.complete_request(session=session, actor=actor, request_id=int(request_id))
                req_id = req.id
        except ServiceError as exc:
            self.action_error = exc.message
            return
        self._refresh(actor)
        return rx.toast.success(f"Change request {req_id} is completed; the requester was e-mailed.")
