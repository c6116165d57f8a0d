"""Benchmark of the transactions list (R-INV-1, R-INV-2): ``python -m bench.invoice_list``.

With 100,000 invoices: server time of page 1 vs page 1,000 (keyset), on SQLite and PostgreSQL, with
OFFSET for comparison; and click-to-rendered-page in the browser (timed inside the page).

Options: ``--invoices N``, ``--skip-browser``, ``--skip-postgres``.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import insert, select, text

from bench import cli
from bench.browser import app_in_chromium, signed_in_page
from bench.demo import flexis_admin, flexis_id
from bench.timing import ms
from billing_center.db import build_engine, session_scope
from billing_center.models import Invoice
from billing_center.services import transactions as tx
from tests.support import database, seeded_engine

EVERYTHING = tx.InvoiceFilter(period="custom", date_from=date(2000, 1, 1), date_to=date(2100, 1, 1))


# --- keyset pagination ---------------------------------------------------------------------------
def load_bulk(url: str, count: int) -> None:
    """Migrate, load the demo and add ``count`` invoices to Flexis over ~3 years."""
    engine = seeded_engine(url)
    with session_scope(engine) as session:
        org_id = flexis_id(session)
    start = date(2023, 1, 1)
    batch = []
    with engine.begin() as conn:
        for i in range(count):
            day = start + timedelta(days=i % 1100)
            batch.append(dict(organisation_id=org_id, number=f"BENCH{i:06d}", series="BENCH", sequence=i + 1,
                              status="paid" if i % 5 else "open", issue_date=day, due_date=day + timedelta(days=30),
                              currency="EUR", previous_balance_minor=0, subtotal_minor=5400 * (1 + i % 7),
                              tax_minor=0, total_minor=5400 * (1 + i % 7), payment_kind="card",
                              payment_method_label="Visa - 4392", locale="nl", buyer_name="Flexis",
                              buyer_address="Kunstlaan 24, 1000 Brussel, BE", reverse_charge=True,
                              created_at=day_at(day)))
            if len(batch) == 10_000:
                conn.execute(insert(Invoice.__table__), batch)
                batch = []
        if batch:
            conn.execute(insert(Invoice.__table__), batch)
        conn.execute(text("ANALYZE"))
    engine.dispose()


def day_at(day: date):
    from billing_center.domain.clock import at

    return at(day)


def bench_keyset(backend: str, count: int, runs: int = 30) -> None:
    with tempfile.TemporaryDirectory() as tmp, database(backend, Path(tmp)) as url:
        t0 = time.perf_counter()
        load_bulk(url, count)
        engine = build_engine(url)
        with session_scope(engine) as session:
            actor = flexis_admin(session)
            total = tx.count_invoices(session=session, actor=actor, flt=EVERYTHING)
            # The cursor of page 1,000 (25 rows a page): the last row of page 999.
            last_of_999 = session.exec(
                select(Invoice.issue_date, Invoice.id).where(Invoice.organisation_id == actor.organisation_id)
                .order_by(Invoice.issue_date.desc(), Invoice.id.desc()).offset(999 * 25 - 1).limit(1)
            ).one()
        cursor = tx._cursor(last_of_999[0], last_of_999[1])
        print(f"\n[{backend}] {total:,} invoices in the list (loaded in {time.perf_counter() - t0:.1f} s)")

        def timed(make) -> list[float]:
            times = []
            for _ in range(runs + 3):
                with session_scope(engine) as session:
                    t = time.perf_counter()
                    make(session)
                    times.append(time.perf_counter() - t)
            return times[3:]  # the first runs warm the caches

        first = timed(lambda s: tx.list_invoices(session=s, actor=actor, flt=EVERYTHING))
        deep = timed(lambda s: tx.list_invoices(session=s, actor=actor, flt=EVERYTHING, cursor=cursor))
        rows = None
        with session_scope(engine) as session:
            rows = tx.list_invoices(session=session, actor=actor, flt=EVERYTHING, cursor=cursor).rows
        offset = timed(lambda s: s.exec(
            select(Invoice.id).where(Invoice.organisation_id == actor.organisation_id)
            .order_by(Invoice.issue_date.desc(), Invoice.id.desc()).offset(999 * 25).limit(26)).all())
        counting = timed(lambda s: tx.count_invoices(session=s, actor=actor, flt=EVERYTHING))
        print(f"  page 1     (keyset)  {ms(first)}")
        print(f"  page 1,000 (keyset)  {ms(deep)}   ratio {statistics.median(deep) / statistics.median(first):.2f}x"
              f"   first row {rows[0].number if rows else '-'}")
        print(f"  page 1,000 (OFFSET)  {ms(offset)}   (for comparison only; the app never uses OFFSET)")
        print(f"  count of the filter  {ms(counting)}   (shown once per filter change)")
        engine.dispose()


# --- click to rendered page in the browser ------------------------------------------------
CLICK_JS = """
async () => {
  const body = document.querySelector('table tbody');
  const before = body.innerText;
  const next = [...document.querySelectorAll('button')].find(b => b.textContent.trim() === 'Next');
  return await new Promise(resolve => {
    const observer = new MutationObserver(() => {
      if (body.innerText !== before) { observer.disconnect(); resolve(performance.now() - t0); }
    });
    observer.observe(body, {childList: true, subtree: true, characterData: true});
    const t0 = performance.now();
    next.click();
  });
}
"""


def bench_browser(count: int, clicks: int = 30) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        load_bulk(url, count)
        with app_in_chromium(Path(tmp), url) as (browser, base):
            page = signed_in_page(browser, base)
            t = time.perf_counter()
            page.goto(f"{base}/transactions?period=custom&from=2000-01-01&to=2100-01-01")
            page.get_by_role("link", name="BENCH", exact=False).first.wait_for()
            load = time.perf_counter() - t
            times = [page.evaluate(CLICK_JS) / 1000 for _ in range(clicks)]
            print(f"\n[browser] transactions page with {count:,} invoices: first load {load * 1000:.0f} ms "
                  f"(Playwright wait included)")
            print(f"  click Next -> rows rendered (timed in the page): {ms(times)} over {clicks} clicks")


def main() -> None:
    args = cli.options("bench.invoice_list", {"invoices": 100_000}, browser=True)
    cli.run(args, lambda backend: bench_keyset(backend, args.invoices), lambda: bench_browser(args.invoices))


if __name__ == "__main__":
    main()
