"""The members directory: the people of the organisation who can hold licences (issue 9).

Billing admins list members (name, e-mail, role, licences held; searched and paginated on the
server with a keyset on (name, id)), add one (a valid address that nobody uses yet), import many from
a CSV file (``member_csv``: every bad row reported by line number, the good rows added in the one
transaction of the use case, a second import of the same file adds nobody twice) and remove one:
their licences are released at once, their sign-in sessions end, and the rows stay for the audit trail.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import delete, func, insert, update
from sqlmodel import Session, select

from billing_center.domain import clock
from billing_center.domain.enums import Role
from billing_center.domain.errors import NotFound, ValidationFailed
from billing_center.models import LicenceAssignment, Person, Subscription, UserSession
from billing_center.services import audit, policy
from billing_center.services.actors import Actor
from billing_center.services.licences import (
    LIVE,
    PAGE_SIZE,
    live_assignment,
    next_cursor_of,
    page_after,
    person_matches,
)
from billing_center.services.mail import is_email_address
from billing_center.services.member_csv import CsvRow, RowProblem, parse_members_csv

LOOKUP_CHUNK = 500
INSERT_CHUNK = 1000


@dataclass(frozen=True)
class MemberRow:
    id: int
    name: str
    email: str
    role: str
    team: str
    licences: int
    is_you: bool


@dataclass(frozen=True)
class MemberPage:
    rows: list[MemberRow]
    total: int
    next_cursor: str | None


@dataclass(frozen=True)
class ImportReport:
    """What an import does (preview) or did: new members, rows already in the directory, bad rows."""

    rows: int
    new: int
    existing: int
    problems: list[RowProblem] = field(default_factory=list)


@dataclass(frozen=True)
class Removal:
    email: str
    released: int


def check_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationFailed("name", "Enter the person's name.")
    if len(name) > 200:
        raise ValidationFailed("name", "A name has at most 200 characters.")
    return name


def check_email(email: str) -> str:
    email = (email or "").strip().lower()
    if not is_email_address(email):
        if not email:
            raise ValidationFailed("email", "An empty address is not an e-mail address.")
        raise ValidationFailed("email", "{email} is not an e-mail address.", email=email)
    return email


def _held_counts(session: Session, org_id: int, person_ids: list[int]) -> dict[int, int]:
    if not person_ids:
        return {}
    return dict(session.exec(
        select(LicenceAssignment.person_id, func.count())
        .join(Subscription, Subscription.id == LicenceAssignment.subscription_id)
        .where(live_assignment(org_id), Subscription.status.in_(LIVE), LicenceAssignment.person_id.in_(person_ids))
        .group_by(LicenceAssignment.person_id)
    ).all())


@policy.allowed(*policy.BILLING_ADMIN)
def list_members(*, session: Session, actor: Actor, query: str = "", cursor: str | None = None,
                 limit: int = PAGE_SIZE) -> MemberPage:
    limit = max(1, min(int(limit), 200))
    conditions = [Person.organisation_id == actor.organisation_id, Person.removed_at.is_(None),
                  Person.role != Role.SUPPORT_AGENT]
    if query.strip():
        conditions.append(person_matches(query))
    base = select(Person.id, Person.full_name, Person.email, Person.role, Person.team).where(*conditions)
    found = session.exec(page_after(base, cursor, False, limit)).all()
    page = found[:limit]
    held = _held_counts(session, actor.organisation_id, [r[0] for r in page])
    total = session.exec(select(func.count()).select_from(Person).where(*conditions)).one()
    rows = [MemberRow(r[0], r[1], r[2], r[3], r[4] or "", int(held.get(r[0], 0)), r[0] == actor.person_id)
            for r in page]
    return MemberPage(rows, int(total), next_cursor_of(found, limit, lambda r: r[1], lambda r: r[0]))


@policy.allowed(*policy.BILLING_ADMIN)
def add_member(*, session: Session, actor: Actor, name: str, email: str, ip: str = "") -> Person:
    name, email = check_name(name), check_email(email)
    existing = session.exec(select(Person).where(Person.email == email)).first()
    if existing is not None and not (existing.organisation_id == actor.organisation_id and existing.removed_at):
        raise ValidationFailed("email", "{email} is already in use: each person is added once.", email=email)
    if existing is not None:  # a member removed earlier comes back
        existing.removed_at, existing.full_name = None, name
        person = existing
    else:
        person = Person(organisation_id=actor.organisation_id, email=email, full_name=name, role=Role.MEMBER,
                        locale=actor.locale)
    session.add(person)
    session.flush()
    audit.record(session=session, action="member_added", actor=actor, target_type="person",
                 target_id=person.id, detail=email, ip=ip)
    return person


def _member(session: Session, actor: Actor, person_id: int) -> Person:
    person = session.get(Person, person_id)
    if person is None or person.organisation_id != actor.organisation_id or person.removed_at is not None \
            or person.role == Role.SUPPORT_AGENT:
        raise NotFound("member")
    return person


@policy.allowed(*policy.BILLING_ADMIN)
def remove_member(*, session: Session, actor: Actor, person_id: int, ip: str = "") -> Removal:
    """Remove a member: their licences are released, their sessions end; nobody removes themselves."""
    person = _member(session, actor, person_id)
    if person.id == actor.person_id:
        raise ValidationFailed("member", "You cannot remove yourself.")
    now = clock.now()
    released = session.exec(
        update(LicenceAssignment)
        .where(live_assignment(actor.organisation_id), LicenceAssignment.person_id == person.id)
        .values(revoked_at=now)
    ).rowcount
    session.exec(delete(UserSession).where(UserSession.person_id == person.id))
    person.removed_at, person.password_hash = now, None
    session.add(person)
    audit.record(session=session, action="member_removed", actor=actor, target_type="person", target_id=person.id,
                 detail=f"{person.email}; {released} licence(s) released", ip=ip)
    session.flush()
    return Removal(person.email, int(released or 0))


# --- CSV import ----------------------------------------------------------------------------------
def _sort_rows(session: Session, actor: Actor, rows: list[CsvRow]) -> tuple[list[CsvRow], list[CsvRow],
                                                                             list[RowProblem]]:
    """(new, already members, problems): an address of another organisation is a problem."""
    known: dict[str, tuple[int, bool]] = {}
    emails = [r.email for r in rows]
    for start in range(0, len(emails), LOOKUP_CHUNK):
        chunk = emails[start:start + LOOKUP_CHUNK]
        for email, org_id, removed in session.exec(
                select(Person.email, Person.organisation_id, Person.removed_at).where(Person.email.in_(chunk))):
            known[email] = (org_id, removed is not None)
    new, existing, problems = [], [], []
    for row in rows:
        owner = known.get(row.email)
        if owner is None or (owner[0] == actor.organisation_id and owner[1]):
            new.append(row)
        elif owner[0] == actor.organisation_id:
            existing.append(row)
        else:
            problems.append(RowProblem(row.line, f"{row.email} is already in use and cannot be added."))
    return new, existing, problems


def _report(session: Session, actor: Actor, data: bytes):
    parsed = parse_members_csv(data)
    new, existing, problems = _sort_rows(session, actor, parsed.rows)
    problems = sorted([*parsed.problems, *problems], key=lambda p: p.line)
    report = ImportReport(rows=parsed.count, new=len(new), existing=len(existing), problems=problems)
    return report, new


@policy.allowed(*policy.BILLING_ADMIN)
def preview_import(*, session: Session, actor: Actor, data: bytes) -> ImportReport:
    """What importing ``data`` would do, changing nothing."""
    return _report(session, actor, data)[0]


@dataclass(frozen=True)
class ImportStep:
    """Progress of an import: ``done`` of ``total`` new members written; ``report`` on the last step."""

    done: int
    total: int
    report: ImportReport | None = None


@policy.allowed(*policy.BILLING_ADMIN)
def import_in_steps(*, session: Session, actor: Actor, data: bytes, ip: str = "") -> Iterator[ImportStep]:
    """Add the good new rows of ``data`` in the caller's one transaction, a chunk at a time (a page shows
    the progress between chunks); bad rows are reported, not added. The last step holds the report."""
    report, new = _report(session, actor, data)
    now = clock.now()
    returning = [r.email for r in new]
    # Removed members whose address comes back are restored rather than added twice.
    for start in range(0, len(returning), LOOKUP_CHUNK):
        session.exec(update(Person).where(Person.organisation_id == actor.organisation_id,
                                          Person.email.in_(returning[start:start + LOOKUP_CHUNK]),
                                          Person.removed_at.is_not(None)).values(removed_at=None))
    restored = _existing_emails(session, actor, returning)
    values = [{"organisation_id": actor.organisation_id, "email": r.email, "full_name": r.name,
               "role": Role.MEMBER.value, "locale": actor.locale, "is_primary_contact": False,
               "is_billing_contact": False, "has_billing_access": False, "created_at": now}
              for r in new if r.email not in restored]
    yield ImportStep(0, len(values))
    for start in range(0, len(values), INSERT_CHUNK):
        session.execute(insert(Person), values[start:start + INSERT_CHUNK])
        yield ImportStep(min(start + INSERT_CHUNK, len(values)), len(values))
    audit.record(session=session, action="members_imported", actor=actor, target_type="person", ip=ip,
                 detail=f"{report.new} added, {report.existing} already members, {len(report.problems)} bad rows")
    session.flush()
    yield ImportStep(len(values), len(values), report)


@policy.allowed(*policy.BILLING_ADMIN)
def import_members(*, session: Session, actor: Actor, data: bytes, ip: str = "",
                   progress: Callable[[int, int], None] | None = None) -> ImportReport:
    """The whole import at once (``import_in_steps`` without a page in between)."""
    for step in import_in_steps(session=session, actor=actor, data=data, ip=ip):
        if step.report is not None:
            return step.report
        if progress and step.done:
            progress(step.done, step.total)
    raise AssertionError("an import always ends with its report")  # pragma: no cover


def _existing_emails(session: Session, actor: Actor, emails: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(emails), LOOKUP_CHUNK):
        found.update(session.exec(select(Person.email).where(
            Person.organisation_id == actor.organisation_id, Person.email.in_(emails[start:start + LOOKUP_CHUNK]))))
    return found
