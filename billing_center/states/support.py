"""The support agents' queue of change requests (R-CON-3)."""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import reflex as rx
from sqlmodel import Session

from billing_center.formatting import format_moment
from billing_center.i18n import _
from billing_center.services import contract_billing
from billing_center.services.actors import Actor
from billing_center.states.session import FieldErrors, SessionState, event_id, signed_in


@dataclasses.dataclass
class QueueRow:
    """One open change request of a customer."""

    id: str
    organisation: str
    contract: str
    kind: str
    change: str
    requested_by: str
    date: str
    note: str


def queue_row(request: contract_billing.RequestView) -> QueueRow:
    return QueueRow(id=str(request.id), organisation=request.organisation, contract=request.contract_number,
                    kind=request.kind, change=f"{request.current} → {request.requested}",
                    requested_by=request.requested_by, date=format_moment(request.created_at, "en"),
                    note=request.note or "—")


class SupportState(FieldErrors, SessionState):
    queue: list[QueueRow] = []

    # ``errors`` keys: page (why the queue is not this person's) and action (a refused completion)
    field_errors: ClassVar[dict[str, str]] = {"*": "action"}

    def _refresh(self, actor: Actor, db: Session) -> None:
        self.queue = [queue_row(r) for r in contract_billing.support_queue(session=db, actor=actor)]

    @rx.event
    @signed_in(page=True, errors={"*": "page"})
    def load(self, actor: Actor, db: Session):
        """Anyone but a support agent sees why the queue is not theirs."""
        self._clear_errors("page", "action")
        self.queue = []
        self._refresh(actor, db)

    @rx.event
    @signed_in
    def complete(self, actor: Actor, db: Session, request_id: str):
        self._clear_errors("action")
        request = contract_billing.complete_request(session=db, actor=actor,
                                                    request_id=event_id(request_id, "change request"))
        self._refresh(actor, db)
        return rx.toast.success(_("Change request {number} is completed; the requester was e-mailed.").format(
            number=request.id))
