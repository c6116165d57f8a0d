"""The audit log page and its CSV export: who did what and when, for billing admins (R-SEC-1).

Always scoped to the actor's organisation; filters by action and by date range (UTC days);
pagination happens in the database (page of 25), the export streams in chunks.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, or_
from sqlmodel import Session, select

from billing_center.domain import clock
from billing_center.domain.errors import ValidationFailed
from billing_center.i18n import N_
from billing_center.models import AuditEvent
from billing_center.services import policy
from billing_center.services.actors import Actor

PAGE_SIZE = 25

# Readable names; an action recorded by a later feature and missing here is shown humanised.
ACTION_LABELS = {
    "sign_in": N_("Signed in"),
    "sign_in_failed": N_("Failed sign-in"),
    "sign_out": N_("Signed out"),
    "access_denied": N_("Access denied"),
    "access_requested": N_("Billing access requested"),
    "access_verification_failed": N_("Failed access verification"),
    "account_created": N_("Account created"),
    "access_activated": N_("Billing access activated"),
    "admin_invited": N_("Admin invited"),
    "admin_invitation_resent": N_("Invitation resent"),
    "admin_invitation_accepted": N_("Invitation accepted"),
    "admin_removed": N_("Admin removed"),
    "audit_exported": N_("Audit log exported"),
    "order_completed": N_("Order completed"),
    "seats_changed": N_("Seats changed"),
    "licences_assigned": N_("Licences assigned"),
    "licences_revoked": N_("Licences revoked"),
    "subscription_cancelled": N_("Subscription cancelled"),
    "payment_method_added": N_("Payment method added"),
    "payment_method_updated": N_("Payment method changed"),
    "payment_method_deleted": N_("Payment method deleted"),
    "payment_method_replaced": N_("Payment method replaced"),
    "payment_method_default": N_("Default payment method set"),
    "contract_payment_method_changed": N_("Contract payment method changed"),
    "order_payment_method_changed": N_("Order payment method changed"),
    "billing_profile_payment_method": N_("Billing profile payment method changed"),
    "change_request_created": N_("Change request created"),
    "change_request_completed": N_("Change request completed"),
    "credit_note_issued": N_("Credit note issued"),
    "billing_details_changed": N_("Billing details changed"),
    # subscriptions (issue 8)
    "licences_changed": N_("Licences changed"),
    "licence_decrease_scheduled": N_("Licence decrease scheduled"),
    "scheduled_change_undone": N_("Scheduled change undone"),
    "auto_renew_on": N_("Auto-renew turned on"),
    "auto_renew_off": N_("Auto-renew turned off"),
    "po_number_changed": N_("PO number changed"),
    "subscription_payment_method": N_("Subscription payment method changed"),
    "subscription_renewed": N_("Subscription renewed"),
    "renewal_declined": N_("Renewal payment declined"),
    "renewal_paid": N_("Renewal paid"),
    "subscription_suspended": N_("Subscription suspended"),
    "subscription_reactivated": N_("Subscription reactivated"),
    "subscription_ended": N_("Subscription ended"),
    "activation_key_used": N_("Activation key used"),
    "activation_key_issued": N_("Activation key issued"),
    "account_deactivated": N_("Account deactivated"),
    "account_reactivated": N_("Account reactivated"),
    "account_inactive": N_("Account became inactive"),
}


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action) or action.replace("_", " ").capitalize()


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None


def parse_filter(*, action: str = "", date_from: str = "", date_to: str = "") -> AuditFilter:
    """Query-string values -> a filter; a bad date is named, a reversed range refused."""
    def day(value: str, field: str) -> date | None:
        value = (value or "").strip()
        if not value:
            return None
        try:
            parsed = date.fromisoformat(value)
        except ValueError:
            raise ValidationFailed(field, "Enter a date as YYYY-MM-DD.") from None
        if not date(2000, 1, 1) <= parsed <= date(2100, 1, 1):
            raise ValidationFailed(field, "Enter a date between 2000 and 2100.")
        return parsed

    start, end = day(date_from, "date_from"), day(date_to, "date_to")
    if start and end and end < start:
        raise ValidationFailed("date_to", "The end date is before the start date.")
    action = (action or "").strip()
    if action and not action.replace("_", "").isalnum():
        raise ValidationFailed("action", "Choose an action from the list.")
    return AuditFilter(action=action[:60], date_from=start, date_to=end)


def _query(actor: Actor, flt: AuditFilter, *columns):
    query = select(*(columns or (AuditEvent,))).where(AuditEvent.organisation_id == actor.organisation_id)
    if flt.action:
        query = query.where(AuditEvent.action == flt.action)
    if flt.date_from:
        query = query.where(AuditEvent.at >= clock.at(flt.date_from, 0))
    if flt.date_to:
        query = query.where(AuditEvent.at < clock.at(flt.date_to + timedelta(days=1), 0))
    return query


@dataclass(frozen=True)
class AuditPage:
    events: list[AuditEvent]
    total: int
    page: int
    pages: int


@policy.allowed(*policy.BILLING_ADMIN)
def list_events(*, session: Session, actor: Actor, flt: AuditFilter, page: int = 1,
                page_size: int = PAGE_SIZE) -> AuditPage:
    query = _query(actor, flt)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    pages = max(1, -(-total // page_size))
    page = min(max(1, int(page)), pages)
    events = session.exec(
        query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).offset((page - 1) * page_size).limit(page_size)
    ).all()
    return AuditPage(events=list(events), total=total, page=page, pages=pages)


@policy.allowed(*policy.BILLING_ADMIN)
def actions_in_use(*, session: Session, actor: Actor) -> list[str]:
    used = session.exec(
        select(AuditEvent.action).where(AuditEvent.organisation_id == actor.organisation_id).distinct()
    ).all()
    return sorted(set(used) | set(ACTION_LABELS), key=action_label)


CSV_HEADER = ["When (UTC)", "Who", "Action", "Action code", "Target", "Detail", "IP address"]


def _safe_cell(value: str) -> str:
    """No spreadsheet formulas from user-controlled text (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@policy.allowed(*policy.BILLING_ADMIN)
def export_csv(*, session: Session, actor: Actor, flt: AuditFilter, chunk: int = 1000) -> Iterator[str]:
    """The filtered log as CSV text chunks, newest first, read in keyset batches (no OFFSET: every
    batch costs the same however deep the export is)."""
    # Plain columns, not ORM objects: the export reads every row of the filter.
    base = _query(actor, flt, AuditEvent.at, AuditEvent.id, AuditEvent.actor_email, AuditEvent.action,
                  AuditEvent.target_type, AuditEvent.target_id, AuditEvent.detail, AuditEvent.ip)
    labels: dict[str, str] = {}
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    last: tuple[datetime, int] | None = None
    while True:
        query = base
        if last is not None:
            query = query.where(or_(AuditEvent.at < last[0], and_(AuditEvent.at == last[0], AuditEvent.id < last[1])))
        events = session.exec(query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(chunk)).all()
        for at, _id, who, action, target_type, target_id, detail, ip in events:
            label = labels.get(action) or labels.setdefault(action, action_label(action))
            writer.writerow([_safe_cell(v) for v in (
                at.strftime("%Y-%m-%d %H:%M:%S"), who, label, action, f"{target_type} {target_id}".strip(),
                detail, ip)])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        if len(events) < chunk:
            return
        last = (events[-1][0], events[-1][1])


def when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


__all__ = ["ACTION_LABELS", "AuditFilter", "AuditPage", "PAGE_SIZE", "action_label", "actions_in_use",
           "export_csv", "list_events", "parse_filter"]
