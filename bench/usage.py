"""Benchmark of usage ingestion and exact monthly uniques (R-MAU-1, R-MAU-2): ``python -m bench.usage``.

Side by side in one run, on SQLite and PostgreSQL (issue 10, "Performance"):
- **HTTP ingestion**: ``POST /api/usage/events`` served by granian with one worker per core, batches of
  1,000 sent by 4 concurrent clients: events/s, p50/p99 batch latency, events/s per core (over the
  cores of the machine, and per CPU-second the server really used, as the machine is shared); then
  the same batches re-sent (each event id counts once: nothing is stored twice);
- the same work through the service alone (``usage.record_events``, one transaction per batch,
  without HTTP), over the 12 months of a period;
- the floor: a raw bulk insert of the same rows into the events table, in the same run;
- the exact billed count of a period from the kept (month, person) pairs, against COUNT(DISTINCT) per
  month over the events (the peer in the same database) and against DuckDB's scan of the same events
  (DuckDB belongs to the benchmark only: the ``bench`` extra); all three must give the same counts;
- the Usage page's data (``usage.usage_summary``, what the page loads) after all those events.

Options: ``--events N`` (100,000 per path; 10 million is the issue's size), ``--people N`` (20,000),
``--clients N`` (4), ``--skip-sqlite``, ``--skip-postgres``, ``--skip-http``, ``--skip-service``. The floor
inserts at most the first million stored rows again.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import delete, func, insert
from sqlmodel import select

from bench.timing import ms, timed
from billing_center.db import build_engine, session_scope
from billing_center.domain import clock
from billing_center.models import Organisation, Person, Product, Subscription, UsageApiKey, UsageEvent, UsageMonth
from billing_center.services import usage, usage_keys
from billing_center.services.actors import Actor
from tests.support import database, migrate

TZ = "Europe/Brussels"
START = datetime(2025, 1, 1, tzinfo=UTC)
NOW = datetime(2025, 12, 31, 12, tzinfo=UTC)
SECRET = usage_keys.KEY_PREFIX + "bench-usage-key-0123456789abcdef"
ROOT = Path(__file__).resolve().parent.parent


def setup(url: str, people: int) -> tuple[object, int, int, int]:
    migrate(url)
    engine = build_engine(url)
    with session_scope(engine) as session:
        org = Organisation(name="Bench", slug="bench-usage", status="active", timezone=TZ)
        session.add(org)
        session.flush()
        product = Product(code="BENCH-MAU", name="MAU", billing_model="mau", unit_price_minor=400, currency="USD",
                          price_period="month")
        session.add(product)
        session.flush()
        plan = Subscription(organisation_id=org.id, product_id=product.id, unit_price_minor=4800, currency="USD",
                            start_date=date(2025, 1, 1), renews_on=date(2026, 1, 1), mau_period_start=date(2025, 1, 1))
        session.add(plan)
        session.flush()
        session.execute(insert(Person), [
            {"organisation_id": org.id, "email": f"p{n}@bench.example", "full_name": f"P {n}", "role": "member",
             "locale": "en", "is_primary_contact": False, "is_billing_contact": False, "has_billing_access": False,
             "created_at": NOW} for n in range(people)])
        admin = session.exec(select(Person.id).where(Person.organisation_id == org.id)).first()
        session.add(UsageApiKey(organisation_id=org.id, name="bench", prefix=SECRET[:10],
                                key_hash=usage_keys.digest(SECRET), created_by_id=admin))
        org_id, plan_id = org.id, plan.id
    return engine, org_id, plan_id, admin


def batches(count: int, people: int, start: datetime, end: datetime, prefix: str, seed: int = 7):
    """The events in batches of 1,000, made one batch at a time (10 million events never sit in memory
    as dicts at once); the same arguments give the same events."""
    rng = random.Random(seed)
    span = max(1, int((end - start).total_seconds()) - 60)
    for first in range(0, count, 1000):
        yield [{"event_id": f"{prefix}-{i}", "person": f"p{rng.randrange(people)}@bench.example", "kind": "course",
                "occurred_at": (start + timedelta(seconds=rng.randrange(span))).isoformat()}
               for i in range(first, min(count, first + 1000))]


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:10,.0f} events/s"


def latency(values: list[float]) -> str:
    values = sorted(values)
    p99 = values[min(len(values) - 1, int(len(values) * 0.99))]
    return f"p50 {statistics.median(values) * 1000:8.1f} ms  p99 {p99 * 1000:8.1f} ms"


# --- through HTTP ----------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(url: str, workers: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url}
    server = subprocess.Popen(
        [sys.executable, "-m", "granian", "--interface", "asgi", "--host", "127.0.0.1", "--port", str(port),
         "--workers", str(workers), "--log-level", "warning", "--no-access-log", "billing_center.api.routes:api"],
        cwd=ROOT, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/api/health", timeout=2).status_code == 200:
                return server, base
        except httpx.HTTPError:
            time.sleep(0.3)
    stop(server)
    raise SystemExit("the API server did not start")


def stop(server: subprocess.Popen) -> None:
    from tests.support import stop_process_group

    stop_process_group(server)


def cpu_seconds(server: subprocess.Popen) -> float:
    """User + system CPU seconds of the server's process group so far (its workers included)."""
    tick, total = os.sysconf("SC_CLK_TCK"), 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == server.pid:  # the process group (started in its own session)
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def send_all(base: str, work: list[bytes], clients: int) -> tuple[float, list[float], dict]:
    """Send every body with ``clients`` threads; the wall time, each batch's latency, the summed answers."""
    latencies: list[float] = []
    totals = {"accepted": 0, "duplicates": 0, "rejected": 0}
    lock = threading.Lock()
    queue = iter(range(len(work)))

    def client():
        with httpx.Client(base_url=base, timeout=120, headers={
                "Authorization": f"Bearer {SECRET}", "Content-Type": "application/json"}) as http:
            while True:
                with lock:
                    index = next(queue, None)
                if index is None:
                    return
                start = time.perf_counter()
                answer = http.post("/api/usage/events", content=work[index])
                took = time.perf_counter() - start
                answer.raise_for_status()
                body = answer.json()
                with lock:
                    latencies.append(took)
                    totals["accepted"] += body["accepted"]
                    totals["duplicates"] += body["duplicates"]
                    totals["rejected"] += len(body["rejected"])

    threads = [threading.Thread(target=client) for _ in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start, latencies, totals


def http_ingestion(name: str, url: str, count: int, people: int, clients: int) -> None:
    cores = os.cpu_count() or 1
    # Real time on the server: the events fall in the organisation's current month (still open).
    now = clock.now()
    local = now.astimezone(ZoneInfo(TZ))
    month_start = datetime(local.year, local.month, 1, tzinfo=ZoneInfo(TZ)).astimezone(UTC)
    work = [json.dumps({"events": b}).encode() for b in batches(count, people, month_start, now, "http")]
    server, base = serve(url, cores)
    try:
        for label in ("send", "re-send"):
            cpu = cpu_seconds(server)
            wall, latencies, totals = send_all(base, work, clients)
            cpu = cpu_seconds(server) - cpu
            print(f"  HTTP {label:7s} {rate(count, wall)}  batch {latency(latencies)}  "
                  f"per core {count / wall / cores:9,.0f} ev/s ({cores} cores)  per server CPU-second "
                  f"{count / max(cpu, 1e-9):9,.0f}  answers: {totals['accepted']:,} accepted, "
                  f"{totals['duplicates']:,} duplicates, {totals['rejected']:,} rejected")
    finally:
        stop(server)


# --- through the service ---------------------------------------------------------------------------
def service_ingestion(engine, org_id: int, count: int, people: int) -> None:
    def ingest() -> tuple[float, float, list[float]]:
        times, cpus = [], []
        for batch in batches(count, people, START, NOW, "ev"):  # made outside the timed part
            start, cpu = time.perf_counter(), time.process_time()
            with session_scope(engine) as session:
                usage.record_events(session=session, organisation_id=org_id, events=batch, now=NOW)
            times.append(time.perf_counter() - start)
            cpus.append(time.process_time() - cpu)
        return sum(times), sum(cpus), times

    # A year of events is sent at once here: every month is kept open (the window is not what is measured).
    usage_accepts = usage.accepts_until
    usage.accepts_until = lambda month, tz: NOW + timedelta(days=365)
    try:
        for label in ("record", "re-send"):
            wall, cpu, times = ingest()
            print(f"  service {label:7s} {rate(count, wall)}  batch {latency(times)}  per CPU-second of this "
                  f"process {count / max(cpu, 1e-9):9,.0f}  (one client, no HTTP)")
    finally:
        usage.accepts_until = usage_accepts


FLOOR_ROWS = 1_000_000


def floor(engine) -> None:
    """The same rows (up to FLOOR_ROWS of them) inserted raw, in one transaction: through SQLAlchemy Core
    (executemany) and through the driver alone (sqlite3 ``executemany``, psycopg2 ``execute_values``),
    1,000 rows a statement."""
    table = UsageEvent.__tablename__
    columns = "organisation_id, subscription_id, person_id, kind, occurred_at, event_id"
    with engine.connect() as conn:
        raw_rows = [tuple(r) for r in conn.exec_driver_sql(
            f"SELECT organisation_id, subscription_id, person_id, kind, occurred_at, 'raw-' || event_id FROM {table} "
            f"LIMIT {FLOOR_ROWS}")]
        rows = [dict(zip(columns.split(", "), r, strict=True)) for r in conn.execute(
            select(UsageEvent.organisation_id, UsageEvent.subscription_id, UsageEvent.person_id, UsageEvent.kind,
                   UsageEvent.occurred_at, ("core-" + UsageEvent.event_id)).limit(FLOOR_ROWS))]

    def core():
        with engine.begin() as conn:
            for i in range(0, len(rows), 1000):
                conn.execute(insert(UsageEvent.__table__), rows[i:i + 1000])

    def driver():
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            if engine.dialect.name == "sqlite":
                cursor.execute("BEGIN")
                for i in range(0, len(raw_rows), 1000):
                    cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES (?, ?, ?, ?, ?, ?)",
                                       raw_rows[i:i + 1000])
                cursor.execute("COMMIT")
            else:
                from psycopg2.extras import execute_values

                for i in range(0, len(raw_rows), 1000):
                    execute_values(cursor, f"INSERT INTO {table} ({columns}) VALUES %s", raw_rows[i:i + 1000],
                                   page_size=1000)
                raw.commit()
        finally:
            raw.close()

    for label, insert_all in (("SQLAlchemy Core executemany", core), ("driver alone", driver)):
        wall, cpu = time.perf_counter(), time.process_time()
        insert_all()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(f"  floor, raw insert of the same {len(rows):,} rows, {label + ':':28s} {rate(len(rows), wall)}"
              f"  per CPU-second of this process {len(rows) / max(cpu, 1e-9):9,.0f}")
    with engine.begin() as conn:
        conn.execute(delete(UsageEvent.__table__).where(
            UsageEvent.event_id.like("raw-%") | UsageEvent.event_id.like("core-%")))


# --- exact monthly uniques -------------------------------------------------------------------------
def uniques(name: str, engine, org_id: int, plan_id: int, tmp: Path) -> None:
    period = (date(2025, 1, 1), date(2026, 1, 1))

    def kept_pairs() -> dict[date, int]:
        with session_scope(engine) as session:
            return usage.monthly_uniques(session, plan_id, *period)

    def distinct_scan() -> dict[date, int]:
        with session_scope(engine) as session:
            if name == "sqlite":  # months in the organisation's zone, as SQLite has no time zones: in Python
                tz = ZoneInfo(TZ)
                pairs = {(usage.month_of(at.replace(tzinfo=UTC), tz), pid) for pid, at in session.exec(
                    select(UsageEvent.person_id, UsageEvent.occurred_at).where(UsageEvent.organisation_id == org_id))}
                counts: dict[date, int] = {}
                for month, _ in pairs:
                    counts[month] = counts.get(month, 0) + 1
                return {m: c for m, c in counts.items() if period[0] <= m < period[1]}
            month = func.date_trunc("month", func.timezone(TZ, UsageEvent.occurred_at))
            rows = session.exec(select(month, func.count(func.distinct(UsageEvent.person_id)))
                                .where(UsageEvent.organisation_id == org_id).group_by(month)).all()
            return {m.date(): c for m, c in rows if period[0] <= m.date() < period[1]}

    duck = duckdb_peer(engine, org_id, tmp)
    counts = {"kept pairs": kept_pairs(), "COUNT(DISTINCT) on events": distinct_scan(), "DuckDB scan": duck()}
    same = len({tuple(sorted(c.items())) for c in counts.values()}) == 1
    print(f"  billed users of the period: {sum(counts['kept pairs'].values()):,} "
          f"({'the same' if same else 'DIFFERENT'} from all three; pairs kept: {_count(engine, UsageMonth):,})")
    print(f"  exact period count, kept pairs:            {ms(timed(kept_pairs, 5, warm=1))}")
    print(f"  peer, COUNT(DISTINCT) per month on events: {ms(timed(distinct_scan, 3, warm=1))}")
    print(f"  peer, DuckDB scan of the same events:      {ms(timed(duck, 5, warm=1))}")


def duckdb_peer(engine, org_id: int, tmp: Path):
    """DuckDB over the same events (exported once, loaded into its own in-memory table)."""
    import duckdb

    path = tmp / "events.csv"
    with engine.connect() as conn, path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["person_id", "occurred_at"])
        for pid, at in conn.execute(select(UsageEvent.person_id, UsageEvent.occurred_at)
                                    .where(UsageEvent.organisation_id == org_id)):
            writer.writerow([pid, at.replace(tzinfo=UTC).isoformat() if at.tzinfo is None else at.isoformat()])
    duck = duckdb.connect()
    duck.execute("SET TimeZone = 'UTC'")
    duck.execute(f"CREATE TABLE e AS SELECT person_id::INTEGER AS person_id, occurred_at::TIMESTAMPTZ AS occurred_at "
                 f"FROM read_csv('{path}', header = true, all_varchar = true)")

    def scan() -> dict[date, int]:
        rows = duck.execute(
            f"SELECT date_trunc('month', timezone('{TZ}', occurred_at)) AS m, count(DISTINCT person_id) FROM e "
            "WHERE occurred_at >= TIMESTAMPTZ '2024-12-31 00:00:00+00' GROUP BY m").fetchall()
        return {m.date(): c for m, c in rows if date(2025, 1, 1) <= m.date() < date(2026, 1, 1)}
    return scan


def page_data(engine, org_id: int, admin: int) -> None:
    actor = Actor(person_id=admin, organisation_id=org_id, email="p0@bench.example", full_name="P 0",
                  role="billing_admin")

    def load():
        with session_scope(engine) as session:
            return usage.usage_summary(session=session, actor=actor, period="2025-01", now=NOW)
    print(f"  Usage page data (usage_summary) after all events: {ms(timed(load, 5, warm=1))}")


def _count(engine, model) -> int:
    with session_scope(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def run(name: str, url: str, args, tmp: Path) -> None:
    engine, org_id, plan_id, admin = setup(url, args.people)
    print(f"[{name}] {args.events:,} events per path from {args.people:,} people, batches of 1,000")
    if not args.skip_http:
        http_ingestion(name, url, args.events, args.people, args.clients)
    if not args.skip_service:
        service_ingestion(engine, org_id, args.events, args.people)
    print(f"  stored events: {_count(engine, UsageEvent):,} (each event id once)")
    floor(engine)
    uniques(name, engine, org_id, plan_id, tmp)
    page_data(engine, org_id, admin)
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--skip-service", action="store_true")
    args = parser.parse_args()
    backends = [b for b, skip in (("sqlite", args.skip_sqlite), ("postgresql", args.skip_postgres)) if not skip]
    for backend in backends:
        with tempfile.TemporaryDirectory() as tmp, database(backend, Path(tmp)) as url:
            run(backend, url, args, Path(tmp))


if __name__ == "__main__":
    main()
