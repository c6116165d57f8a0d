"""Benchmarks of the audit log and access billing (figures printed, never asserted): ``python -m bench.access``.

1. Audit log with 100,000 events of one organisation, on SQLite and PostgreSQL: server time of the
   first page, a deep page (page 2,000), a filtered page, and the CSV export of everything.
2. Access billing: a contact's request (token, welcome e-mail in the outbox, audit) and a refused
   proof (rate-limit count, attempt, audit), each one transaction.
3. E-mail over SMTP to a local aiosmtpd server: messages per second, sent after commit.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import delete, insert
from sqlmodel import select

from bench.timing import ms, timed
from billing_center.db import build_engine, session_scope
from billing_center.domain import clock
from billing_center.domain.errors import ValidationFailed
from billing_center.models import AccessAttempt, AccessToken, AuditEvent, OutgoingEmail, Person
from billing_center.seed import load_demo
from billing_center.services import activation, audit_log, mail
from billing_center.services.auth import actor_of
from billing_center.settings import get_settings
from tests.smtp_server import SmtpServer, running_smtp_server
from tests.support import database, migrate


def bench_audit(url: str, backend: str, events: int) -> None:
    migrate(url)
    engine = build_engine(url)
    with session_scope(engine) as session:
        load_demo(session)
        admin = actor_of(session.exec(select(Person).where(Person.email == "aleroy@flexis.com")).one())
    actions = ["sign_in", "sign_out", "order_completed", "seats_changed", "admin_invited", "sign_in_failed"]
    now = clock.now()
    with engine.begin() as conn:
        rows = [dict(organisation_id=admin.organisation_id, actor_id=admin.person_id, actor_email=admin.email,
                     action=actions[i % len(actions)], target_type="", target_id="", detail=f"bench {i}",
                     ip="10.0.0.1", at=now - timedelta(minutes=i)) for i in range(events)]
        for start in range(0, events, 10_000):
            conn.execute(insert(AuditEvent), rows[start:start + 10_000])
    everything = audit_log.AuditFilter()
    failed = audit_log.AuditFilter(action="sign_in_failed", date_from=(now - timedelta(days=30)).date())

    def page(n, flt=everything):
        with session_scope(engine) as session:
            audit_log.list_events(session=session, actor=admin, flt=flt, page=n)

    print(f"[{backend}] audit log, {events:,} events")
    print(f"  page 1              {ms(timed(lambda: page(1), 30))}")
    print(f"  page 2,000 (OFFSET) {ms(timed(lambda: page(2000), 30))}")
    print(f"  failed sign-ins, last 30 days, page 1 {ms(timed(lambda: page(1, failed), 30))}")
    start = time.perf_counter()
    with session_scope(engine) as session:
        size = sum(len(chunk) for chunk in audit_log.export_csv(session=session, actor=admin, flt=everything))
    took = time.perf_counter() - start
    print(f"  CSV export of all: {took:.2f} s, {events / took:,.0f} rows/s, {size / 1e6:.1f} MB")
    engine.dispose()


def bench_requests(url: str, backend: str, repeat: int) -> None:
    engine = build_engine(url)
    settings = get_settings()
    settings.smtp_host = None

    def contact():
        with session_scope(engine) as session:
            session.exec(delete(AccessToken).where(AccessToken.email == "pvermeulen@flexis.com"))
        with session_scope(engine) as session:
            activation.request_access(session=session, email="pvermeulen@flexis.com", ip="10.9.0.1")

    def refused():
        with session_scope(engine) as session:
            session.exec(delete(AccessAttempt).where(AccessAttempt.kind == "verification"))
        try:
            with session_scope(engine) as session:
                activation.request_access(session=session, email="mbakker@flexis.com", reference="FL123133-2",
                                          amount="1.00", ip="10.9.0.2")
        except ValidationFailed:
            pass

    print(f"[{backend}] access billing (one transaction each, after a cleanup transaction)")
    print(f"  contact's request, welcome e-mail queued {ms(timed(contact, repeat))}")
    print(f"  refused proof (counted, audited)         {ms(timed(refused, repeat))}")
    engine.dispose()


def bench_smtp(url: str, backend: str, count: int) -> None:
    with running_smtp_server() as server:
        _send_over_smtp(server, url, backend, count)


def _send_over_smtp(server: SmtpServer, url: str, backend: str, count: int) -> None:
    settings = get_settings()
    settings.smtp_host, settings.smtp_port = server.host, server.port
    engine = build_engine(url)
    try:
        start = time.perf_counter()
        for i in range(count):
            with session_scope(engine) as session:
                mail.send_email(session=session, to=f"bench{i}@example.com", subject="Bench", body="x" * 500,
                                template="bench")
        took = time.perf_counter() - start
        deadline = time.monotonic() + 30
        while len(server.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        with session_scope(engine) as session:
            sent = len(session.exec(select(OutgoingEmail).where(OutgoingEmail.template == "bench",
                                                                OutgoingEmail.status == "sent")).all())
        print(f"[{backend}] SMTP: {count} e-mails, one transaction and one SMTP connection each: "
              f"{count / took:,.0f}/s ({took / count * 1000:.1f} ms each); received {len(server.messages)}, "
              f"marked sent {sent}")
    finally:
        settings.smtp_host = None
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    backends = ["sqlite"] + ([] if args.skip_postgres else ["postgresql"])
    for backend in backends:
        with tempfile.TemporaryDirectory() as tmp, database(backend, Path(tmp)) as url:
            bench_audit(url, backend, args.events)
            bench_requests(url, backend, 30)
            bench_smtp(url, backend, 100)


if __name__ == "__main__":
    main()
