"""Usage and the MAU plan (R-MAU-1..3): recording activity, exact monthly uniques, periods and their invoice.

Counting (R-MAU-1): a person counts once in a calendar month in which they were active (R-MAU-2),
whatever the number of events; a period is the 12 months from the month the plan was activated (then
from that month + 12, ...), and its billed count is the sum of its monthly uniques. Months follow the
organisation's time zone (an event at 23:30 UTC on 31 March counts in April for Europe/Brussels).

The distinct (month, person) pairs are kept in ``UsageMonth`` as events are recorded, so a period's
count reads one primary-key range. Each event id counts once (a unique constraint, not a cache): a
re-sent event is a duplicate and changes nothing.

Late events: a month accepts events until ``LATE_DAYS`` days after it ends (in the organisation's time
zone); events more than ``FUTURE_LIMIT`` ahead of now are refused. A period is closed (and invoiced at
the plan's price, one line per month) only after its last month stopped accepting events, exactly once
even when two workers run the scheduler at the same moment (the unique key of ``MauPeriod``).
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from billing_center import scheduler
from billing_center.domain import clock
from billing_center.domain.enums import MauMonthState, UsageKind
from billing_center.domain.errors import ValidationFailed
from billing_center.domain.money import Money, line_amount
from billing_center.models import (
    Invoice,
    MauPeriod,
    Organisation,
    Person,
    Product,
    Subscription,
    UsageEvent,
    UsageMonth,
)
from billing_center.services import policy
from billing_center.services.actors import Actor
from billing_center.services.contracts import payment_method_label, payment_methods
from billing_center.services.invoicing import LineInput, issue_invoice
from billing_center.settings import get_settings

PERIOD_MONTHS = 12
LATE_DAYS = 3
FUTURE_LIMIT = timedelta(hours=24)
MAX_BATCH = 1000
PAYMENT_DAYS = 30
KINDS = frozenset(k.value for k in UsageKind)


# --- months and periods -------------------------------------------------------------------------
def zone(organisation: Organisation) -> ZoneInfo:
    try:
        return ZoneInfo(organisation.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def month_of(moment: datetime, tz: ZoneInfo) -> date:
    """The first day of the calendar month of ``moment`` in the time zone ``tz``."""
    local = moment.astimezone(tz)
    return date(local.year, local.month, 1)


def first_of(day: date) -> date:
    return date(day.year, day.month, 1)


def months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


def month_range(start: date, count: int) -> list[date]:
    return [clock.add_months(start, n) for n in range(count)]


def period_start_for(activation: date, month: date) -> date:
    """The first month of the period holding ``month`` (periods of 12 months from ``activation``)."""
    activation = first_of(activation)
    offset = max(0, months_between(activation, month))
    return clock.add_months(activation, offset - offset % PERIOD_MONTHS)


def accepts_until(month: date, tz: ZoneInfo) -> datetime:
    """The moment (UTC) after which ``month`` takes no more events: ``LATE_DAYS`` days after it ends."""
    end = clock.add_months(month, 1) + timedelta(days=LATE_DAYS)
    return datetime(end.year, end.month, end.day, tzinfo=tz).astimezone(UTC)


# --- the plan -----------------------------------------------------------------------------------
def mau_plan(session: Session, organisation_id: int) -> Subscription | None:
    """The organisation's MAU plan: its newest subscription of an MAU product with an activation month."""
    return session.exec(
        select(Subscription).join(Product, Product.id == Subscription.product_id)
        .where(Subscription.organisation_id == organisation_id, Product.billing_model == "mau",
               Subscription.mau_period_start.is_not(None))
        .order_by(Subscription.mau_period_start.desc(), Subscription.id.desc())
    ).first()


def monthly_uniques(session: Session, subscription_id: int, start: date, end: date) -> dict[date, int]:
    """Unique active people per month, for the months ``start`` <= month < ``end`` that had any."""
    rows = session.exec(
        select(UsageMonth.month, func.count()).where(
            UsageMonth.subscription_id == subscription_id, UsageMonth.month >= start, UsageMonth.month < end)
        .group_by(UsageMonth.month)
    ).all()
    return {month: int(count) for month, count in rows}


def price_per_user(session: Session, plan: Subscription) -> Money:
    """What one monthly active user costs: the MAU product's price per user per month."""
    product = session.get(Product, plan.product_id)
    return Money(product.unit_price_minor, plan.currency)


# --- recording events ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Rejection:
    index: int
    reason: str


@dataclass
class RecordResult:
    accepted: int = 0
    duplicates: int = 0
    rejected: list[Rejection] = field(default_factory=list)


# Columns the recording path writes, in the order of its driver-level statements.
_EVENT_COLUMNS = ("organisation_id", "subscription_id", "event_id", "person_id", "kind", "occurred_at")
_MONTH_COLUMNS = ("subscription_id", "month", "person_id", "organisation_id")
_ROWS_PER_STATEMENT = 1000  # 6,000 parameters: within SQLite's limit of 32,766


def _insert_sql(table: str, columns: tuple[str, ...], rows: int, mark: str, tail: str) -> str:
    one = "(" + ", ".join([mark] * len(columns)) + ")"
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([one] * rows)} {tail}"


def _sqlite_stamp(moment: datetime) -> str:
    """A moment as SQLAlchemy stores a DateTime on SQLite: UTC, no offset, microseconds."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return (f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d} "
            f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}.{moment.microsecond:06d}")


def _moment(value) -> datetime:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise ValueError("timestamp is not an ISO 8601 date and time") from None
    else:
        raise ValueError("timestamp must be a string")
    if moment.tzinfo is None:
        raise ValueError("timestamp needs a UTC offset (for example 2026-03-31T23:30:00+00:00)")
    return moment.astimezone(UTC)


def _people(session: Session, organisation_id: int, events: list) -> dict[str, int]:
    """Person references of a batch (member id or e-mail) -> person id, within the organisation only.
    One query per kind of reference in the batch (ids, e-mails), each on an index, sent through the
    driver (SQLAlchemy's expanding IN cost more than the lookup); e-mail addresses are stored
    normalised (``auth.normalise_email``), so a reference matches whatever its case."""
    ids, emails = set(), set()
    for event in events:
        ref = event.get("person") if isinstance(event, Mapping) else None
        if isinstance(ref, int) and not isinstance(ref, bool):
            ids.add(ref)
        elif isinstance(ref, str) and (ref := ref.strip()):
            (ids.add(int(ref)) if ref.isdigit() else emails.add(ref.lower()))
    found: dict[str, int] = {}
    connection = session.connection()
    on_sqlite = connection.dialect.name == "sqlite"

    def among(values: set) -> tuple[str, tuple]:  # "IN (?, ...)" on SQLite, "= ANY(array)" on PostgreSQL
        if on_sqlite:
            return f"IN ({', '.join('?' * len(values))})", (organisation_id, *sorted(values))
        return "= ANY(%s)", (organisation_id, sorted(values))
    mark = "?" if on_sqlite else "%s"
    if ids:
        clause, params = among(ids)
        for (pid,) in connection.exec_driver_sql(
                f"SELECT id FROM person WHERE organisation_id = {mark} AND id {clause}", params):
            found[str(pid)] = pid
    if emails:  # answered from ix_person_org_email alone
        clause, params = among(emails)
        for pid, email in connection.exec_driver_sql(
                f"SELECT id, email FROM person WHERE organisation_id = {mark} AND email {clause}", params):
            found[email] = pid
    return found


@dataclass
class CheckedBatch:
    """A batch checked against the organisation's plan and people, ready to store (``store_events``)."""

    result: RecordResult
    subscription_id: int | None = None
    rows: list[dict] = field(default_factory=list)


def check_events(*, session: Session, organisation_id: int, events: list, now: datetime | None = None) -> CheckedBatch:
    """Check a batch (reads only): the organisation's plan, its people, each event's fields and month
    window. Bad events become rejections with their index; an id sent twice in the batch counts as a
    duplicate. The ingestion API runs this in a read transaction, so several batches are checked at
    once beside the one writer, and keeps the write transaction for ``store_events``."""
    if not isinstance(events, list):
        raise ValidationFailed("events", "Send a list of events.")
    if len(events) > MAX_BATCH:
        raise ValidationFailed("events", "A batch holds at most {count} events; split it.",
                               count=MAX_BATCH)
    now = now or clock.now()
    organisation = session.get(Organisation, organisation_id)
    plan = mau_plan(session, organisation_id)
    result = RecordResult()
    if organisation is None or plan is None:
        result.rejected = [Rejection(i, "the organisation has no MAU plan") for i in range(len(events))]
        return CheckedBatch(result)
    check = _Checker(_people(session, organisation_id, events), zone(organisation), first_of(plan.mau_period_start),
                     now)
    good: dict[str, dict] = {}
    for index, event in enumerate(events):
        try:
            row = check(event)
        except ValueError as exc:
            result.rejected.append(Rejection(index, str(exc)))
            continue
        if row["event_id"] in good:
            result.duplicates += 1
            continue
        good[row["event_id"]] = row
    return CheckedBatch(result, plan.id, list(good.values()))


def store_checked(*, session: Session, organisation_id: int, batch: CheckedBatch) -> RecordResult:
    """Store what ``check_events`` kept; the answer counts an id stored before as a duplicate."""
    result = batch.result
    if batch.rows:
        accepted = store_events(session=session, organisation_id=organisation_id,
                                subscription_id=batch.subscription_id, events=batch.rows)
        result.accepted = accepted
        result.duplicates += len(batch.rows) - accepted
    return result


def record_events(*, session: Session, organisation_id: int, events: list, now: datetime | None = None) -> RecordResult:
    """Record a batch of activity events (each ``{"event_id", "person", "kind", "occurred_at"}``) for
    the organisation's MAU plan, in the caller's transaction: ``check_events`` then ``store_events``.
    Bad events are rejected one by one with their index and reason; the good ones of the batch are kept.
    The organisation is the caller's (the API key's), never one the events name."""
    batch = check_events(session=session, organisation_id=organisation_id, events=events, now=now)
    return store_checked(session=session, organisation_id=organisation_id, batch=batch)


def store_events(*, session: Session, organisation_id: int, subscription_id: int, events: list[dict]) -> int:
    """Insert checked events (``event_id``, ``person_id``, ``kind``, ``occurred_at``, ``month``) and their
    (month, person) pairs; an event id already stored is skipped. Returns how many were new.

    ``INSERT ... ON CONFLICT DO NOTHING`` sent through the driver: only the events the database took
    (``RETURNING``) add their pairs, so a re-sent id (even with other content) counts nothing. The values
    are what SQLAlchemy itself would store, without its per-row processing, which cost more than the
    database's own work: on SQLite, multi-row statements of 1,000 rows; on PostgreSQL, one ``COPY`` into
    a temporary table and one statement that inserts the events and their new pairs from it.

    On PostgreSQL, where batches are stored side by side, rows go in key order (event ids, then (month,
    person)): two batches that share pairs (or re-send the same ids) wait for each other instead of
    deadlocking. SQLite stores one batch at a time (its write lock)."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return _store_events_postgres(connection, organisation_id, subscription_id, events)
    inserted: set[str] = set()
    for first in range(0, len(events), _ROWS_PER_STATEMENT):
        chunk = events[first:first + _ROWS_PER_STATEMENT]
        params: list = []
        for e in chunk:
            params += (organisation_id, subscription_id, e["event_id"], e["person_id"], e["kind"],
                       _sqlite_stamp(e["occurred_at"]))
        sql = _insert_sql(UsageEvent.__tablename__, _EVENT_COLUMNS, len(chunk), "?",
                          "ON CONFLICT (organisation_id, event_id) DO NOTHING RETURNING event_id")
        inserted.update(row[0] for row in connection.exec_driver_sql(sql, tuple(params)))
    if not inserted:
        return 0
    pairs = sorted({(e["month"], e["person_id"]) for e in events if e["event_id"] in inserted})
    for first in range(0, len(pairs), _ROWS_PER_STATEMENT):
        chunk = pairs[first:first + _ROWS_PER_STATEMENT]
        params = []
        for month, pid in chunk:
            params += (subscription_id, month.isoformat(), pid, organisation_id)
        connection.exec_driver_sql(_insert_sql(UsageMonth.__tablename__, _MONTH_COLUMNS, len(chunk), "?",
                                               "ON CONFLICT DO NOTHING"), tuple(params))
    return len(inserted)


# COPY's text format: a backslash, tab, newline or carriage return in a value is written escaped.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_PG_BATCH = "usage_batch"  # a temporary table of each connection, emptied at every commit


def _store_events_postgres(connection, organisation_id: int, subscription_id: int, events: list[dict]) -> int:
    if not events:
        return 0
    text = "".join(f"{e['event_id'].translate(_COPY_ESCAPES)}\t{e['person_id']}\t{e['kind']}\t"
                   f"{e['occurred_at'].isoformat()}\t{e['month'].isoformat()}\n" for e in events)
    connection.exec_driver_sql(
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {_PG_BATCH} (event_id text, person_id integer, kind text, "
        "occurred_at timestamptz, month date) ON COMMIT DELETE ROWS")
    cursor = connection.connection.dbapi_connection.cursor()
    try:
        cursor.execute(f"TRUNCATE {_PG_BATCH}")  # a batch stored twice in one transaction starts empty
        cursor.copy_expert(f"COPY {_PG_BATCH} FROM STDIN", io.StringIO(text))
        cursor.execute(
            f"WITH new AS (INSERT INTO {UsageEvent.__tablename__} ({', '.join(_EVENT_COLUMNS)}) "
            f"SELECT %(org)s, %(sub)s, event_id, person_id, kind, occurred_at FROM {_PG_BATCH} ORDER BY event_id "
            "ON CONFLICT (organisation_id, event_id) DO NOTHING RETURNING event_id), "
            f"pairs AS (INSERT INTO {UsageMonth.__tablename__} ({', '.join(_MONTH_COLUMNS)}) "
            f"SELECT DISTINCT %(sub)s, b.month, b.person_id, %(org)s FROM {_PG_BATCH} b JOIN new USING (event_id) "
            "ORDER BY 2, 3 ON CONFLICT DO NOTHING) SELECT count(*) FROM new",
            {"org": organisation_id, "sub": subscription_id})
        return cursor.fetchone()[0]
    finally:
        cursor.close()


class _Checker:
    """Checks one event of a batch; what depends only on the month (its window) is worked out once."""

    def __init__(self, people: dict[str, int], tz: ZoneInfo, activation: date, now: datetime):
        self.people, self.tz, self.activation, self.now = people, tz, activation, now
        self.latest = now + FUTURE_LIMIT
        self.closed: dict[date, bool] = {}

    def __call__(self, event) -> dict:
        if not isinstance(event, Mapping):
            raise ValueError("an event is an object with event_id, person, kind and occurred_at")
        event_id = event.get("event_id")
        if not isinstance(event_id, str) or not (event_id := event_id.strip()) or len(event_id) > 100 \
                or not event_id.isprintable():
            raise ValueError("event_id must be a text of 1 to 100 printable characters")
        ref = event.get("person")
        key = (str(ref).strip().lower() if isinstance(ref, str | int) and not isinstance(ref, bool) else "")
        person_id = self.people.get(key) if key else None
        if person_id is None:
            raise ValueError("person is not a member of this organisation")
        kind = event.get("kind")
        if kind not in KINDS:
            raise ValueError(f"kind must be one of: {', '.join(sorted(KINDS))}")
        moment = _moment(event.get("occurred_at"))
        if moment > self.latest:
            raise ValueError("occurred_at is more than 24 hours in the future")
        local = moment.astimezone(self.tz)
        month = date(local.year, local.month, 1)
        if month < self.activation:
            raise ValueError("occurred_at is before the MAU plan started")
        closed = self.closed.get(month)
        if closed is None:
            closed = self.closed[month] = self.now >= accepts_until(month, self.tz)
        if closed:
            raise ValueError(f"{month:%B %Y} no longer accepts events (late events are taken for {LATE_DAYS} days)")
        return {"event_id": event_id, "person_id": person_id, "kind": kind, "occurred_at": moment, "month": month}


# --- the Usage page (R-MAU-3) -------------------------------------------------------------------
@dataclass(frozen=True)
class MonthUsage:
    month: date
    users: int
    state: MauMonthState


@dataclass(frozen=True)
class UsageSummary:
    product: str
    timezone: str
    activation: date
    periods: list[date]  # the first month of every period so far, newest first
    period_start: date
    period_end: date  # the first month after the period
    months: list[MonthUsage]
    billed_users: int
    active_this_month: int
    not_enrolled: int
    price_per_user: Money
    amount: Money
    invoice_number: str | None  # the invoice of a closed period


def _month_state(month: date, current: date, now: datetime, tz: ZoneInfo) -> MauMonthState:
    if month > current:
        return MauMonthState.FUTURE
    if month == current:
        return MauMonthState.CURRENT
    return MauMonthState.OPEN if now < accepts_until(month, tz) else MauMonthState.CLOSED


@policy.allowed(*policy.BILLING_ADMIN)
def usage_summary(*, session: Session, actor: Actor, period: str | date | None = None,
                  now: datetime | None = None) -> UsageSummary | None:
    """Overall usage, the monthly uniques and the billed count of one period (the current one unless
    ``period``, its first month as ``YYYY-MM``, names a past one). None without an MAU plan."""
    plan = mau_plan(session, actor.organisation_id)
    if plan is None:
        return None
    organisation = session.get(Organisation, actor.organisation_id)
    tz, now = zone(organisation), now or clock.now()
    current = month_of(now, tz)
    activation = first_of(plan.mau_period_start)
    latest = period_start_for(activation, current)
    periods = [clock.add_months(latest, -PERIOD_MONTHS * k)
               for k in range(months_between(activation, latest) // PERIOD_MONTHS + 1)]
    start = _chosen_period(period, periods)
    end = clock.add_months(start, PERIOD_MONTHS)
    counts = monthly_uniques(session, plan.id, start, end)
    months = [MonthUsage(m, counts.get(m, 0), _month_state(m, current, now, tz))
              for m in month_range(start, PERIOD_MONTHS)]
    billed = sum(counts.values())
    this_month = monthly_uniques(session, plan.id, current, clock.add_months(current, 1)).get(current, 0)
    members = session.exec(select(func.count()).select_from(Person)
                           .where(Person.organisation_id == actor.organisation_id)).one()
    enrolled = session.exec(select(func.count(func.distinct(UsageMonth.person_id)))
                            .where(UsageMonth.subscription_id == plan.id)).one()
    price = price_per_user(session, plan)
    closed = session.exec(select(Invoice.number).join(MauPeriod, MauPeriod.invoice_id == Invoice.id).where(
        MauPeriod.subscription_id == plan.id, MauPeriod.start_month == start,
        Invoice.organisation_id == actor.organisation_id)).first()
    return UsageSummary(
        product=session.get(Product, plan.product_id).name, timezone=str(tz.key), activation=activation,
        periods=periods, period_start=start, period_end=end, months=months, billed_users=billed,
        active_this_month=this_month, not_enrolled=max(0, int(members) - int(enrolled)), price_per_user=price,
        amount=line_amount(price, billed), invoice_number=closed)


def _chosen_period(period: str | date | None, periods: list[date]) -> date:
    if period in (None, ""):
        return periods[0]
    if isinstance(period, str):
        try:
            year, month = (int(p) for p in period.strip().split("-"))
            period = date(year, month, 1)
        except ValueError:
            raise ValidationFailed("period", "Choose a period from the list.") from None
    if period not in periods:
        raise ValidationFailed("period", "There is no such period of your MAU plan.")
    return period


# --- the detailed report (R-MAU-3) --------------------------------------------------------------
@dataclass(frozen=True)
class ReportScope:
    subscription_id: int
    months: list[date]
    people: int  # how many people were active in those months


@policy.allowed(*policy.BILLING_ADMIN)
def report_scope(*, session: Session, actor: Actor, year: int, months: Iterable[int]) -> ReportScope:
    """Check a report's year and months (1-12) and say how many people it will list."""
    plan = mau_plan(session, actor.organisation_id)
    if plan is None:
        raise ValidationFailed("report", "Your organisation has no MAU plan to report on.")
    if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2100:
        raise ValidationFailed("year", "Choose a year between 2000 and 2100.")
    chosen = sorted(set(months))
    if not chosen:
        raise ValidationFailed("months", "Choose at least one month.")
    if any(not isinstance(m, int) or isinstance(m, bool) or not 1 <= m <= 12 for m in chosen):
        raise ValidationFailed("months", "Months are numbered 1 to 12.")
    wanted = [date(year, m, 1) for m in chosen]
    people = session.exec(select(func.count(func.distinct(UsageMonth.person_id))).where(
        UsageMonth.subscription_id == plan.id, UsageMonth.month.in_(wanted))).one()
    return ReportScope(plan.id, wanted, int(people))


@policy.allowed(*policy.BILLING_ADMIN)
def report_months(*, session: Session, actor: Actor, scope: ReportScope) -> list[tuple[date, int]]:
    """The monthly uniques of a report's months."""
    _own_plan(session, actor, scope)
    counts = monthly_uniques(session, scope.subscription_id, scope.months[0], clock.add_months(scope.months[-1], 1))
    return [(m, counts.get(m, 0)) for m in scope.months]


@dataclass(frozen=True)
class ReportPerson:
    person_id: int
    name: str
    email: str
    months: list[date]


@policy.allowed(*policy.BILLING_ADMIN)
def report_people(*, session: Session, actor: Actor, scope: ReportScope, after: int = 0,
                  limit: int = 1000) -> list[ReportPerson]:
    """The next ``limit`` people (by id, after ``after``) active in the report's months, with those months.
    A report reads them chunk by chunk, so it is never held whole in memory."""
    _own_plan(session, actor, scope)
    in_scope = (UsageMonth.subscription_id == scope.subscription_id, UsageMonth.month.in_(scope.months))
    ids = session.exec(select(UsageMonth.person_id).where(*in_scope, UsageMonth.person_id > after)
                       .group_by(UsageMonth.person_id).order_by(UsageMonth.person_id).limit(limit)).all()
    if not ids:
        return []
    rows = session.exec(
        select(Person.id, Person.full_name, Person.email, UsageMonth.month)
        .join(Person, Person.id == UsageMonth.person_id)
        .where(*in_scope, UsageMonth.person_id.in_(ids), Person.organisation_id == actor.organisation_id)
        .order_by(Person.id, UsageMonth.month)
    ).all()
    return [ReportPerson(pid, name, email, [r[3] for r in group])
            for (pid, name, email), group in itertools.groupby(rows, key=lambda r: (r[0], r[1], r[2]))]


def _own_plan(session: Session, actor: Actor, scope: ReportScope) -> None:
    plan = mau_plan(session, actor.organisation_id)
    if plan is None or plan.id != scope.subscription_id:
        raise ValidationFailed("report", "This report is not of your organisation's MAU plan.")


# --- closing periods (R-MAU-1, scheduler) -------------------------------------------------------
def due_periods(plan: Subscription, tz: ZoneInfo, now: datetime) -> list[date]:
    """The periods of ``plan`` whose last month no longer takes events at ``now``, oldest first."""
    activation = first_of(plan.mau_period_start)
    due, start = [], activation
    while now >= accepts_until(clock.add_months(start, PERIOD_MONTHS - 1), tz):
        due.append(start)
        start = clock.add_months(start, PERIOD_MONTHS)
    return due


@scheduler.job("close due MAU periods")
def close_due_periods(*, session: Session, now: datetime) -> int:
    """Close and invoice every MAU period that has ended; returns how many this run closed. Safe when two
    workers run it at once: each period is claimed by inserting its ``MauPeriod`` row (unique key)."""
    plans = session.exec(
        select(Subscription, Organisation).join(Product, Product.id == Subscription.product_id)
        .join(Organisation, Organisation.id == Subscription.organisation_id)
        .where(Product.billing_model == "mau", Subscription.mau_period_start.is_not(None))
        .order_by(Subscription.id)
    ).all()
    closed = 0
    for plan, organisation in plans:
        tz = zone(organisation)
        done = set(session.exec(select(MauPeriod.start_month).where(MauPeriod.subscription_id == plan.id)).all())
        for start in due_periods(plan, tz, now):
            if start not in done and _close(session, plan, organisation, start, now):
                closed += 1
    return closed


def _close(session: Session, plan: Subscription, organisation: Organisation, start: date, now: datetime) -> bool:
    end = clock.add_months(start, PERIOD_MONTHS)
    period = MauPeriod(organisation_id=organisation.id, subscription_id=plan.id, start_month=start, end_month=end)
    try:
        with session.begin_nested():
            session.add(period)
            session.flush()
    except IntegrityError:
        return False  # another worker closed it first
    counts = monthly_uniques(session, plan.id, start, end)
    period.billed_users = sum(counts.values())
    lines = [LineInput(session.get(Product, plan.product_id).name, users, price_per_user(session, plan),
                       f"Monthly active users, {month:%B %Y}") for month, users in sorted(counts.items()) if users]
    if lines:
        issued = now.astimezone(zone(organisation)).date()
        invoice = issue_invoice(
            session=session, organisation=organisation, lines=lines, currency=plan.currency,
            issue_date=issued, due_date=issued + timedelta(days=PAYMENT_DAYS),
            seller_country=get_settings().seller_country, period_start=start,
            period_end=end - timedelta(days=1), contract_id=plan.contract_id, subscription_id=plan.id,
            billing_profile_id=plan.billing_profile_id, payment_kind=plan.payment_kind,
            payment_method_id=plan.payment_method_id, payment_method_label=_payment_label(session, plan))
        period.invoice_id = invoice.id
    session.add(period)
    session.flush()
    return True


def _payment_label(session: Session, plan: Subscription) -> str:
    methods = payment_methods(session, plan.organisation_id, {plan.payment_method_id})
    return payment_method_label(plan.payment_kind, methods.get(plan.payment_method_id))
