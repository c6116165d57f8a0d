"""The audit trail: who did what, when, from where."""

from __future__ import annotations

from sqlmodel import Session

from billing_center.models import AuditEvent
from billing_center.services.actors import Actor


def record(
    *,
    session: Session,
    action: str,
    actor: Actor | None = None,
    organisation_id: int | None = None,
    actor_email: str = "",
    target_type: str = "",
    target_id: str | int = "",
    detail: str = "",
    ip: str = "",
) -> AuditEvent:
    event = AuditEvent(
        organisation_id=actor.organisation_id if actor else organisation_id,
        actor_id=actor.person_id if actor else None,
        actor_email=actor.email if actor else actor_email,
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        detail=detail[:1000],
        ip=ip[:64],
    )
    session.add(event)
    return event
