"""Benchmark of subscriptions (issue 8): ``python -m bench.subscriptions``.

1. The subscriptions list with ``--listed`` (10,000) subscriptions in one organisation: server time of
   the first page and of the last page (server-side paging), with the count query alone as the floor.
2. The scheduler tick over ``--due`` (100,000) subscriptions due the same day (paid by invoice, so no
   processor round trip is measured): renewals per second, on SQLite and PostgreSQL; then two ticks
   started at the same moment over a fresh set, and whether any subscription was renewed twice.

Options: ``--listed N``, ``--due N``, ``--skip-postgres``.
"""

from __future__ import annotations

import tempfile
import threading
import time
from datetime import date
from pathlib import Path

from sqlalchemy import func, insert, select, text

from bench import cli
from bench.demo import flexis_admin, flexis_id
from bench.timing import ms, timed
from billing_center import scheduler
from billing_center.db import session_scope
from billing_center.domain import clock
from billing_center.models import Invoice, Product, Subscription
from billing_center.services import subscriptions as subs
from tests.support import database, seeded_engine


def load(url: str, count: int, renews_on: date) -> tuple:
    """Migrate, load the demo and give Flexis ``count`` more subscriptions renewing on ``renews_on``."""
    engine = seeded_engine(url)
    with session_scope(engine) as session:
        org_id = flexis_id(session)
        product_id = session.exec(select(Product.id).where(Product.code == "EXO-P1")).one()[0]
    start = clock.add_months(renews_on, -12)
    rows = [dict(organisation_id=org_id, product_id=product_id, status="active", quantity=1 + i % 50,
                 unit_price_minor=5400, currency="EUR", term_months=12, start_date=start, renews_on=renews_on,
                 auto_renew=True, billing_frequency="annual_prepaid", payment_kind="invoice", is_self_service=False,
                 dunning_attempts=0, created_at=clock.at(start)) for i in range(count)]
    with engine.begin() as conn:
        # Only the benchmark's subscriptions renew: the demo's would charge cards (no processor here).
        conn.execute(text("UPDATE subscription SET auto_renew = false"))
        for i in range(0, len(rows), 10_000):
            conn.execute(insert(Subscription.__table__), rows[i:i + 10_000])
        conn.execute(text("ANALYZE"))
    return engine, org_id


def bench_list(backend: str, count: int) -> None:
    with tempfile.TemporaryDirectory() as tmp, database(backend, Path(tmp)) as url:
        engine, _ = load(url, count, date(2030, 1, 1))
        with session_scope(engine) as session:
            actor = flexis_admin(session)
            pages = subs.list_subscriptions(session=session, actor=actor).pages

            def page(n):
                return lambda: subs.list_subscriptions(session=session, actor=actor, page=n)

            def count_only():
                session.exec(select(func.count()).select_from(Subscription)
                             .where(Subscription.organisation_id == actor.organisation_id)).one()

            print(f"  {backend:10s} list of {count:,} subscriptions ({pages:,} pages of {subs.PAGE_SIZE})")
            print(f"  {backend:10s}   count only (floor)  {ms(timed(count_only, 20, warm=2))}")
            print(f"  {backend:10s}   first page          {ms(timed(page(1), 20, warm=2))}")
            print(f"  {backend:10s}   last page ({pages:,})   {ms(timed(page(pages), 20, warm=2))}")
        engine.dispose()


def _renewed_twice(engine, org_id: int) -> tuple[int, int]:
    with session_scope(engine) as session:
        per_sub = select(Invoice.subscription_id, func.count().label("n")).where(
            Invoice.organisation_id == org_id, Invoice.subscription_id.is_not(None),
            Invoice.period_start == date(2030, 1, 1)).group_by(Invoice.subscription_id).subquery()
        renewed = session.exec(select(func.count()).select_from(per_sub)).one()[0]
        twice = session.exec(select(func.count()).select_from(per_sub).where(per_sub.c.n > 1)).one()[0]
    return renewed, twice


def bench_tick(backend: str, count: int) -> None:
    day = date(2030, 1, 1)
    now = clock.at(day, 2)
    with tempfile.TemporaryDirectory() as tmp, database(backend, Path(tmp)) as url:
        engine, org_id = load(url, count, day)
        start = time.perf_counter()
        ticks = 0
        while True:
            outcomes = {o.name: o for o in scheduler.tick(now, engine=engine)}
            ticks += 1
            handled = outcomes["subscriptions: renew the ones due"]
            if handled.error:
                raise SystemExit(handled.error)
            if handled.handled == 0:
                break
        seconds = time.perf_counter() - start
        renewed, twice = _renewed_twice(engine, org_id)
        print(f"  {backend:10s} tick over {count:,} due: {renewed:,} renewed in {seconds:.1f} s over {ticks} ticks "
              f"= {renewed / seconds:,.0f} renewals/s; renewed twice: {twice}")
        engine.dispose()
    with tempfile.TemporaryDirectory() as tmp, database(backend, Path(tmp)) as url:
        small = min(count, 5_000)
        engine, org_id = load(url, small, day)
        barrier = threading.Barrier(2)
        errors: list[str] = []

        def tick():
            barrier.wait()
            for _ in range(small // scheduler_batch() + 2):
                errors.extend(o.error for o in scheduler.tick(now, engine=engine) if o.error)

        threads = [threading.Thread(target=tick) for _ in range(2)]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        seconds = time.perf_counter() - start
        renewed, twice = _renewed_twice(engine, org_id)
        print(f"  {backend:10s} two concurrent tickers over {small:,} due: {renewed:,} renewed in {seconds:.1f} s, "
              f"renewed twice: {twice}, errors: {len(errors)} {errors[:2]}")
        engine.dispose()


def scheduler_batch() -> int:
    from billing_center.services.renewals import BATCH

    return BATCH


def main() -> None:
    args = cli.options("bench.subscriptions", {"listed": 10_000, "due": 100_000})
    backends = cli.databases(args)
    print("Subscriptions list (server time of one page)")
    for backend in backends:
        bench_list(backend, args.listed)
    print("Renewals by the scheduler tick")
    for backend in backends:
        bench_tick(backend, args.due)


if __name__ == "__main__":
    main()
