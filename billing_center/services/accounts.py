"""The account's status and its deactivation (R-ACC-1, R-ACC-2, issue 8).

Deactivating (a billing admin, Actions > Deactivate account) cancels every paid subscription from
the next billing period (status Cancellation started, auto-renew off; trials are not orders and are
left alone) and puts the account in the 30-day "Activation required" state. The owner (the primary
contact, else the first billing admin) gets three reminder e-mails, on days 7, 21 and 28 after the
deactivation (``REMINDER_DAYS``, sent by the scheduler job below, once each even with several
workers: a reminder is sent only if its e-mail is not in the outbox yet, under the organisation's row
lock). On day 30 without reactivation the account becomes Inactive: from then on only its billing
admins can sign in, checked at sign-in and on every event (``services/auth.py``). Reactivating
restores the account and the subscriptions the deactivation cancelled (those whose term has not
ended yet).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from billing_center import scheduler
from billing_center.domain import clock
from billing_center.domain.enums import AccountStatus, Role, SubscriptionStatus
from billing_center.domain.errors import Conflict
from billing_center.i18n import N_
from billing_center.models import Organisation, OutgoingEmail, Person, Subscription
from billing_center.services import audit, policy
from billing_center.services.actors import Actor
from billing_center.services.mail import send_email

GRACE_DAYS = 30
REMINDER_DAYS = (7, 21, 28)
DEACTIVATED = "account_deactivated"  # the cancel reason of subscriptions the deactivation ended

EXPLANATIONS = {
    # English msgids (marked for the catalogs): the console translates them at the edge.
    AccountStatus.TRIAL: N_("Trial: everyone in your organisation can sign in; nothing is charged until you order."),
    AccountStatus.ACTIVE: N_("Active: your orders are paid; everyone in your organisation can sign in."),
    AccountStatus.ACTIVATION_REQUIRED: N_("Activation required: the account was deactivated. People keep access "
                                          "until the end of the last paid period; reactivate before the deadline."),
    AccountStatus.INACTIVE: N_("Inactive: only billing admins can sign in. Reactivate the account to give everyone "
                               "access again."),
}


@dataclass(frozen=True)
class AccountView:
    status: str
    explanation: str
    days_left: int | None  # of the trial or of the 30 days to reactivate
    can_deactivate: bool
    can_reactivate: bool


@policy.allowed(*policy.CUSTOMERS)
def account_status(*, session: Session, actor: Actor) -> AccountView:
    org = session.get(Organisation, actor.organisation_id)
    status = org.status
    days_left = (org.trial_ends_on - clock.today()).days if org.trial_ends_on else None
    admin = actor.role == Role.BILLING_ADMIN
    return AccountView(status=status, explanation=EXPLANATIONS.get(status, ""),
                       days_left=max(days_left, 0) if days_left is not None else None,
                       can_deactivate=admin and status in (AccountStatus.ACTIVE, AccountStatus.TRIAL),
                       can_reactivate=admin and status in (AccountStatus.ACTIVATION_REQUIRED, AccountStatus.INACTIVE))


def _locked_org(session: Session, org_id: int) -> Organisation:
    return session.exec(select(Organisation).where(Organisation.id == org_id).with_for_update()
                        .execution_options(populate_existing=True)).one()


@policy.allowed(*policy.BILLING_ADMIN)
def deactivate_account(*, session: Session, actor: Actor) -> int:
    """R-ACC-2: every live subscription ends with its current period; the 30 days start. Returns how many
    subscriptions were cancelled."""
    org = _locked_org(session, actor.organisation_id)
    if org.status not in (AccountStatus.ACTIVE, AccountStatus.TRIAL):
        raise Conflict("The account is already deactivated.", code="already_deactivated")
    subs = session.exec(select(Subscription).where(
        Subscription.organisation_id == org.id,
        Subscription.status.in_((SubscriptionStatus.ACTIVE, SubscriptionStatus.SUSPENDED)))).all()
    for sub in subs:
        sub.status, sub.auto_renew, sub.scheduled_quantity = SubscriptionStatus.CANCELLATION_STARTED, False, None
        sub.cancel_reason, sub.cancelled_at = DEACTIVATED, clock.now()
        session.add(sub)
        audit.record(session=session, action="subscription_cancelled", actor=actor, target_type="subscription",
                     target_id=sub.id, detail=f"account deactivated; ends {sub.renews_on.isoformat()}")
    org.status = AccountStatus.ACTIVATION_REQUIRED
    org.deactivated_at = clock.now()
    org.trial_ends_on = clock.today() + timedelta(days=GRACE_DAYS)
    session.add(org)
    audit.record(session=session, action="account_deactivated", actor=actor, target_type="organisation",
                 target_id=org.id, detail=f"{len(subs)} subscription(s) end with their period; reactivate by "
                                          f"{org.trial_ends_on.isoformat()}")
    session.flush()
    return len(subs)


@policy.allowed(*policy.BILLING_ADMIN)
def reactivate_account(*, session: Session, actor: Actor) -> int:
    """Undo a deactivation: the account is active again, and so are the subscriptions it cancelled."""
    org = _locked_org(session, actor.organisation_id)
    if org.status not in (AccountStatus.ACTIVATION_REQUIRED, AccountStatus.INACTIVE):
        raise Conflict("The account is not deactivated.", code="not_deactivated")
    subs = session.exec(select(Subscription).where(
        Subscription.organisation_id == org.id, Subscription.cancel_reason == DEACTIVATED,
        Subscription.status == SubscriptionStatus.CANCELLATION_STARTED,
        Subscription.renews_on > clock.today())).all()
    for sub in subs:
        sub.status, sub.auto_renew, sub.cancel_reason, sub.cancelled_at = SubscriptionStatus.ACTIVE, True, None, None
        session.add(sub)
    org.status, org.deactivated_at, org.trial_ends_on = AccountStatus.ACTIVE, None, None
    session.add(org)
    audit.record(session=session, action="account_reactivated", actor=actor, target_type="organisation",
                 target_id=org.id, detail=f"{len(subs)} subscription(s) restored")
    session.flush()
    return len(subs)


def owner_of(session: Session, org_id: int) -> Person | None:
    return session.exec(select(Person).where(Person.organisation_id == org_id, Person.role == Role.BILLING_ADMIN)
                        .order_by(Person.is_primary_contact.desc(), Person.id)).first()


@scheduler.job("accounts: reactivation reminders and the end of the 30 days")
def remind_and_expire(*, session: Session, now: datetime) -> int:
    today = now.date()
    org_ids = session.exec(select(Organisation.id).where(
        Organisation.status == AccountStatus.ACTIVATION_REQUIRED, Organisation.deactivated_at.is_not(None))).all()
    handled = 0
    for org_id in org_ids:
        org = _locked_org(session, org_id)
        if org.status != AccountStatus.ACTIVATION_REQUIRED or org.deactivated_at is None:
            continue  # another worker got here first
        day = (today - org.deactivated_at.date()).days
        owner = owner_of(session, org.id)
        for n, due in enumerate(REMINDER_DAYS, start=1):
            template = f"reactivation_reminder_{n}"
            sent = session.exec(select(func.count()).select_from(OutgoingEmail).where(
                OutgoingEmail.organisation_id == org.id, OutgoingEmail.template == template,
                OutgoingEmail.created_at >= org.deactivated_at)).one()
            if day >= due and not sent and owner is not None:
                send_email(session=session, organisation_id=org.id, to=owner.email, template=template,
                           subject=f"Reminder {n} of 3: reactivate {org.name} before "
                                   f"{org.trial_ends_on.isoformat() if org.trial_ends_on else 'the deadline'}",
                           body=f"Hello {owner.full_name},\n\nYour Billing Center account was deactivated on "
                                f"{org.deactivated_at.date().isoformat()}. Reactivate it on the Subscriptions page; "
                                f"after {GRACE_DAYS} days only billing admins can sign in.\n\nBilling Center")
                handled += 1
        if day >= GRACE_DAYS:
            org.status = AccountStatus.INACTIVE
            session.add(org)
            audit.record(session=session, action="account_inactive", organisation_id=org.id,
                         actor_email="Billing Center (scheduler)", target_type="organisation", target_id=org.id,
                         detail=f"not reactivated within {GRACE_DAYS} days")
            handled += 1
    session.flush()
    return handled
