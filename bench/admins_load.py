"""Fifty admins at once: ``python -m bench.admins_load`` (issue 13, item 2).

On a throw-away PostgreSQL database, Billing Center is served with Reflex's Redis state manager and two
backend workers (``REDIS_URL``, ``GRANIAN_WORKERS=2``). Five organisations of ten billing admins each
(``--invoices`` invoices per organisation, numbered with the organisation's own prefix) sign in (the
sign-in use case, one session each) and each opens Transactions in a tab of its own: a websocket client
that speaks what the compiled page speaks (``bench/reflex_client.py``: its cookie, its tab token, the
page's hydrate and load events), without a browser, so that the two cores serve the app rather than
fifty Chromium renderers. Each admin clicks Next page once a second for ``--seconds``. Every click is
timed from its event sent to the last reply it caused, and every reply is checked: the rows the page
would now show must all carry the admin's organisation's prefix (and there must be rows), or the
click counts as a leak. First one admin alone (the single-admin figures), then all of them. Then the
same load on one worker without Redis. Printed: p50/p95 of the click, clicks done per second, errors,
leaks, and the CPU seconds of each worker, of Redis and of the database's backends.

Loopback only, bounded in count and time. Redis: the first empty database number from 9 down (never
one with keys in it), emptied again at the end. Options: ``--admins-per-org``, ``--seconds``,
``--invoices``, ``--skip-single-worker``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import redis
from sqlalchemy import insert, text

from bench.browser import figures
from bench.reflex_client import ReflexTab
from billing_center.db import build_engine, session_scope
from billing_center.domain.clock import at
from billing_center.models import Invoice, Organisation, Person
from billing_center.seed import load_demo
from billing_center.services import auth
from billing_center.services.auth import hash_password
from billing_center.states.transactions import TransactionsState
from tests.e2e.server import AppServer, start_app
from tests.support import migrate, postgres_database

ORGS = 5
PASSWORD = "load-demo-password"
EVERYTHING = "/transactions?period=custom&from=2000-01-01&to=2100-01-01"
TRANSACTIONS = TransactionsState.get_full_name()


@dataclass
class Admin:
    email: str
    organisation: str
    prefix: str


def load_organisations(url: str, admins_per_org: int, invoices: int) -> list[Admin]:
    migrate(url)
    engine = build_engine(url)
    admins: list[Admin] = []
    password_hash = hash_password(PASSWORD)
    with session_scope(engine) as session:
        load_demo(session)
        orgs = []
        for k in range(ORGS):
            org = Organisation(name=f"Load Org {k}", slug=f"load-org-{k}", status="active", locale="en",
                               currency="EUR", country="NL", address_line="Teststraat 1", postal_code="1000 AA",
                               city="Amsterdam")
            session.add(org)
            session.flush()
            orgs.append(org.id)
            for n in range(admins_per_org):
                email = f"admin{n}@load-org-{k}.example"
                session.add(Person(organisation_id=org.id, email=email, full_name=f"Admin {n} of Org {k}",
                                   password_hash=password_hash, role="billing_admin", has_billing_access=True))
                admins.append(Admin(email=email, organisation=f"Load Org {k}", prefix=f"L{k}-"))
    start = date(2023, 1, 1)
    with engine.begin() as conn:
        for k, org_id in enumerate(orgs):
            rows = []
            for i in range(invoices):
                day = start + timedelta(days=i % 1000)
                rows.append(dict(organisation_id=org_id, number=f"L{k}-{i:06d}", series=f"L{k}", sequence=i + 1,
                                 status="paid", issue_date=day, due_date=day + timedelta(days=30), currency="EUR",
                                 previous_balance_minor=0, subtotal_minor=5400, tax_minor=0, total_minor=5400,
                                 payment_kind="card", payment_method_label="Visa - 4242", locale="en",
                                 buyer_name=f"Load Org {k}", buyer_address="Teststraat 1, Amsterdam",
                                 reverse_charge=False, created_at=at(day)))
            conn.execute(insert(Invoice.__table__), rows)
        conn.execute(text("ANALYZE"))
    engine.dispose()
    return admins


@dataclass
class Tally:
    times: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    leaks: list[str] = field(default_factory=list)
    checked_rows: int = 0


async def sign_in_admin(base: str, url: str, admin: Admin, tally: Tally, gate: asyncio.Semaphore):
    """A tab of its own (``bench/reflex_client.py``), signed in and on Transactions; a few at a time (a
    burst of fifty argon2 checks and page loads is not what is measured). None when it failed."""
    async with gate:
        try:
            engine = build_engine(url)
            with session_scope(engine) as session:
                signed = auth.sign_in(session=session, email=admin.email, password=PASSWORD, ip="127.0.0.1",
                                      user_agent="bench.admins_load")
            engine.dispose()
            tab = ReflexTab(base, f"{auth.SESSION_COOKIE}={signed.token}")
            await tab.open(EVERYTHING, timeout=180)
            if not tab.var(TRANSACTIONS, "rows"):
                raise RuntimeError(f"no rows after opening Transactions (browser events: {tab.client_events})")
            return tab
        except Exception as exc:
            tally.errors.append(f"{admin.email}: signing in: {type(exc).__name__}: {str(exc).splitlines()[0][:160]}")
            return None


async def one_admin(tab: ReflexTab, admin: Admin, deadline_after_start: float, tally: Tally,
                    started: asyncio.Event) -> None:
    try:
        await started.wait()
        deadline = time.monotonic() + deadline_after_start
        await asyncio.sleep(random.random())  # spread the admins over the second
        while time.monotonic() < deadline:
            tick = time.monotonic()
            if not tab.var(TRANSACTIONS, "has_next"):
                await tab.open(EVERYTHING)  # the last page: back to the first, as a reload would
            try:
                tally.times.append(await tab.send(f"{TRANSACTIONS}.next_page", until=(TRANSACTIONS, "rows")))
            except TimeoutError:
                tally.errors.append(f"{admin.email}: no answer in 30 s")
            numbers = [row.get("number", "") for row in tab.var(TRANSACTIONS, "rows", [])]
            foreign = [n for n in numbers if not n.startswith(admin.prefix)]
            if not numbers or foreign:
                tally.leaks.append(f"{admin.email} ({admin.organisation}) saw {foreign[:3] or 'no rows'}")
            tally.checked_rows += len(numbers)
            await asyncio.sleep(max(0.0, 1.0 - (time.monotonic() - tick)))
    except Exception as exc:  # a stuck admin is an error of the run, not a crash of the bench
        tally.errors.append(f"{admin.email}: {type(exc).__name__}: {str(exc).splitlines()[0][:160]}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process (from /proc; 0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def session_processes(sid: int) -> list[int]:
    """The processes of a session (the app was started in a session of its own: reflex, its workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == sid:
                found.append(int(entry.name))
    return found


def process_name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ").strip()[:80]
    except OSError:
        return "?"


def redis_pid() -> int | None:
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and process_name(int(entry.name)).startswith("redis-server"):
            return int(entry.name)
    return None


def database_backends(url: str) -> list[int]:
    engine = build_engine(url)
    with engine.connect() as conn:
        pids = [row[0] for row in conn.execute(text(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"))]
    engine.dispose()
    return pids


class CpuMeter:
    """CPU seconds used during a phase by the app's processes, Redis and this database's backends."""

    def __init__(self, server: AppServer, url: str, with_redis: bool) -> None:
        self.server, self.url, self.with_redis = server, url, with_redis

    def sample(self) -> dict[str, float]:
        found = {f"app pid {p} ({process_name(p)[:40]})": cpu_seconds(p)
                 for p in session_processes(self.server.process.pid)}
        if self.with_redis and (pid := redis_pid()):
            found["redis-server (whole server, shared)"] = cpu_seconds(pid)
        for pid in database_backends(self.url):
            found[f"postgres backend {pid}"] = cpu_seconds(pid)
        return found

    def __enter__(self):
        self.before, self.start = self.sample(), time.monotonic()
        return self

    def __exit__(self, *exc) -> None:
        after, seconds = self.sample(), time.monotonic() - self.start
        used = {name: after[name] - self.before.get(name, 0.0) for name in after}
        backends = sum(v for k, v in used.items() if k.startswith("postgres backend"))
        print(f"  CPU over {seconds:.0f} s (seconds of CPU, 2 cores = {2 * seconds:.0f} available):")
        for name, value in sorted(used.items(), key=lambda kv: -kv[1]):
            if not name.startswith("postgres backend") and value >= 0.05:
                print(f"    {value:7.1f}  {name}")
        print(f"    {backends:7.1f}  PostgreSQL backends of this database ({len(used)} processes measured)")


async def run_load(base: str, url: str, admins: list[Admin], seconds: float) -> Tally:
    tally = Tally()
    started = asyncio.Event()
    gate = asyncio.Semaphore(3)
    tabs = await asyncio.gather(*[sign_in_admin(base, url, admin, tally, gate) for admin in admins])
    tasks = [asyncio.create_task(one_admin(tab, admin, seconds, tally, started))
             for admin, tab in zip(admins, tabs, strict=True) if tab]
    started.set()
    await asyncio.gather(*tasks)
    for tab in tabs:
        if tab:
            await tab.close()
    return tally


def report(name: str, tally: Tally, seconds: float, admins: int, single_p95: float | None = None) -> float | None:
    done = len(tally.times)
    print(f"  {name}: {figures(tally.times)}")
    print(f"    {done / seconds:5.1f} clicks/s done (asked: {admins}/s), {len(tally.errors)} errors, "
          f"{len(tally.leaks)} replies with another organisation's rows or none ({tally.checked_rows:,} rows checked)")
    for line in (tally.errors + tally.leaks)[:5]:
        print(f"    ! {line}")
    ok = sorted(tally.times)
    p95 = ok[min(len(ok) - 1, int(len(ok) * 0.95))] if ok else None
    if single_p95 and p95:
        print(f"    p95 under load = {p95 / single_p95:.1f}x the single-admin p95 (target <= 2x)")
    return p95


def pick_redis_db() -> int:
    for number in range(9, 0, -1):
        if redis.Redis(host="127.0.0.1", port=6379, db=number).dbsize() == 0:
            return number
    raise RuntimeError("no empty Redis database between 1 and 9")


def phase(server: AppServer, url: str, admins: list[Admin], seconds: float, single_seconds: float,
          with_redis: bool) -> None:
    single = asyncio.run(run_load(server.url, url, admins[:1], single_seconds))
    single_p95 = report("1 admin alone", single, single_seconds, 1)
    with CpuMeter(server, url, with_redis):
        many = asyncio.run(run_load(server.url, url, admins, seconds))
        report(f"{len(admins)} admins of {ORGS} organisations", many, seconds, len(admins), single_p95)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.admins_load")
    parser.add_argument("--admins-per-org", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--single-seconds", type=float, default=30)
    parser.add_argument("--invoices", type=int, default=5_000)
    parser.add_argument("--skip-single-worker", action="store_true")
    args = parser.parse_args()
    redis_db = pick_redis_db()
    redis_url = f"redis://127.0.0.1:6379/{redis_db}"
    with tempfile.TemporaryDirectory() as tmp, postgres_database("bc_i13_load") as url:
        t = time.perf_counter()
        admins = load_organisations(url, args.admins_per_org, args.invoices)
        print(f"\n[postgresql] {len(admins)} admins of {ORGS} organisations, {args.invoices:,} invoices each "
              f"(loaded in {time.perf_counter() - t:.0f} s)")
        runs = [("2 workers + Redis", {"REDIS_URL": redis_url, "GRANIAN_WORKERS": "2"}, True)]
        if not args.skip_single_worker:
            runs.append(("1 worker, no Redis", {"GRANIAN_WORKERS": "1"}, False))
        try:
            for name, env, with_redis in runs:
                server = start_app(Path(tmp) / name.replace(" ", "_").replace(",", ""), url, env)
                try:
                    print(f"\n[{name}] each admin clicks Next once a second")
                    phase(server, url, admins, args.seconds, args.single_seconds, with_redis)
                finally:
                    server.stop()
        finally:
            redis.Redis(host="127.0.0.1", port=6379, db=redis_db).flushdb()


if __name__ == "__main__":
    main()
