"""Benchmarks (``make bench``): figures printed, never asserted.

1. Transactions list with 100,000 invoices: server time of page 1 vs page 1,000 (keyset), on SQLite
   and PostgreSQL, with OFFSET for comparison; and click-to-rendered-page in the browser.
2. PDF invoices per second: the real one-page invoice with fpdf2 in one and two processes, beside a
   reportlab rendering of the same content and font, and fpdf2 with a built-in font for scale.

Options: ``--skip-browser``, ``--skip-postgres``, ``--invoices N``, ``--pdfs N``.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import tempfile
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import insert, select, text

from billing_center.db import build_engine, session_scope
from billing_center.documents import builders, pdf
from billing_center.models import Invoice, Organisation, Person
from billing_center.seed import load_demo
from billing_center.services import transactions as tx
from billing_center.services.auth import _actor
from tests.support import database, migrate

EVERYTHING = tx.InvoiceFilter(period="custom", date_from=date(2000, 1, 1), date_to=date(2100, 1, 1))


def _ms(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
    return f"median {statistics.median(values) * 1000:7.2f} ms  p95 {p95 * 1000:7.2f} ms"


# --- 1. keyset pagination ------------------------------------------------------------------------
def load_bulk(url: str, count: int) -> None:
    """Migrate, load the demo and add ``count`` invoices to Flexis over ~3 years."""
    migrate(url)
    engine = build_engine(url)
    with session_scope(engine) as session:
        load_demo(session)
        org_id = session.exec(select(Organisation.id).where(Organisation.slug == "flexis")).one()[0]
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
            person = session.exec(select(Person).where(Person.email == "aleroy@flexis.com")).scalar_one()
            actor = _actor(person)
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
            return times[3:]

        first = timed(lambda s: tx.list_invoices(session=s, actor=actor, flt=EVERYTHING))
        deep = timed(lambda s: tx.list_invoices(session=s, actor=actor, flt=EVERYTHING, cursor=cursor))
        rows = None
        with session_scope(engine) as session:
            rows = tx.list_invoices(session=session, actor=actor, flt=EVERYTHING, cursor=cursor).rows
        offset = timed(lambda s: s.exec(
            select(Invoice.id).where(Invoice.organisation_id == actor.organisation_id)
            .order_by(Invoice.issue_date.desc(), Invoice.id.desc()).offset(999 * 25).limit(26)).all())
        counting = timed(lambda s: tx.count_invoices(session=s, actor=actor, flt=EVERYTHING))
        print(f"  page 1     (keyset)  {_ms(first)}")
        print(f"  page 1,000 (keyset)  {_ms(deep)}   ratio {statistics.median(deep) / statistics.median(first):.2f}x"
              f"   first row {rows[0].number if rows else '-'}")
        print(f"  page 1,000 (OFFSET)  {_ms(offset)}   (for comparison only; the app never uses OFFSET)")
        print(f"  count of the filter  {_ms(counting)}   (shown once per filter change)")
        engine.dispose()


# --- 1b. click to rendered page in the browser ------------------------------------------------
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
    from playwright.sync_api import sync_playwright

    from tests.e2e.server import CHROMIUM, CHROMIUM_ARGS, start_app

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        load_bulk(url, count)
        server = start_app(Path(tmp), url)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page()
                page.goto(f"{server.url}/sign-in")
                page.get_by_label("Work e-mail").fill("aleroy@flexis.com")
                page.get_by_label("Password").fill("flexis-demo")
                page.get_by_role("button", name="Sign in").click()
                page.get_by_role("heading", name="Overview").wait_for()
                t = time.perf_counter()
                page.goto(f"{server.url}/transactions?period=custom&from=2000-01-01&to=2100-01-01")
                page.get_by_role("link", name="BENCH", exact=False).first.wait_for()
                load = time.perf_counter() - t
                times = [page.evaluate(CLICK_JS) / 1000 for _ in range(clicks)]
                print(f"\n[browser] transactions page with {count:,} invoices: first load {load * 1000:.0f} ms "
                      f"(Playwright wait included)")
                print(f"  click Next -> rows rendered (timed in the page): {_ms(times)} over {clicks} clicks")
                browser.close()
        finally:
            server.stop()


# --- 2. PDF rendering ---------------------------------------------------------------------------------
def real_invoice_document():
    """The newest demo invoice of Flexis (nl, reverse charge), as the app prints it."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'pdf.db'}"
        migrate(url)
        engine = build_engine(url)
        with session_scope(engine) as session:
            load_demo(session)
            person = session.exec(select(Person).where(Person.email == "aleroy@flexis.com")).scalar_one()
            actor = _actor(person)
            row = tx.list_invoices(session=session, actor=actor, flt=tx.InvoiceFilter()).rows[0]
            detail = tx.get_invoice(session=session, actor=actor, number=row.number)
        engine.dispose()
    return builders.invoice_document(detail)


def variants(doc, n: int):
    """``n`` invoices differing in number and amounts, like a month's run."""
    out = []
    for i in range(n):
        amount = f"USD {100 + i % 900},{i % 100:02d}"
        out.append(replace(doc, number=f"INV{200000 + i}",
                           lines=[replace(ln, amount=amount, quantity=str(1 + i % 60)) for ln in doc.lines],
                           totals=[replace(t, value=amount) for t in doc.totals]))
    return out


def _latin1(value: str) -> str:
    return value.replace("–", "-").replace("\u202f", " ").encode("latin-1", "replace").decode("latin-1")


def plain_builtin(doc) -> bytes:
    from fpdf import FPDF

    p = FPDF()
    p.add_page()
    p.set_font("helvetica", "B", 20)
    p.cell(0, 10, "Invoice " + doc.number, new_x="LMARGIN", new_y="NEXT")
    p.set_font("helvetica", "", 9)
    for line in [*doc.seller_lines, *doc.buyer_lines]:
        p.cell(0, 5, _latin1(line), new_x="LMARGIN", new_y="NEXT")
    for label, value in doc.meta:
        p.cell(50, 5, _latin1(label))
        p.cell(0, 5, _latin1(value), new_x="LMARGIN", new_y="NEXT")
    for ln in doc.lines:
        for value, w in zip((ln.product, ln.quantity, ln.unit_price, ln.vat_rate, ln.amount), pdf.COLS, strict=True):
            p.cell(w, 6, _latin1(value))
        p.ln(6)
    for t in doc.totals:
        p.cell(120, 5, _latin1(t.label))
        p.cell(0, 5, _latin1(t.value), new_x="LMARGIN", new_y="NEXT")
    return bytes(p.output())




def _renderer(name: str):
    if name == "fpdf2":
        return pdf.render
    if name == "reportlab":
        from tests.bench.reportlab_render import render

        return render
    return plain_builtin


def _worker(args) -> float:
    name, docs = args
    render = _renderer(name)
    render(docs[0])  # warm: fonts parsed once per process
    t = time.perf_counter()
    for d in docs:
        render(d)
    return time.perf_counter() - t


def rate_one(name: str, docs) -> float:
    return len(docs) / _worker((name, docs))


def bench_pdf(n: int, rounds: int = 5) -> None:
    """Renderers are measured in alternating rounds, so that load from other processes on the
    machine falls on all of them alike; the median round is reported."""
    doc = real_invoice_document()
    docs = variants(doc, n)
    size_fpdf = len(pdf.render(docs[0]))
    from tests.bench.reportlab_render import render as rl_render

    size_rl = len(rl_render(docs[0]))
    print(f"\n[pdf] the real one-page invoice ({doc.number}, {doc.locale}, DejaVu Sans embedded), {n} documents "
          f"per process, median of {rounds} alternating rounds; sizes fpdf2 {size_fpdf / 1024:.0f} KiB, "
          f"reportlab {size_rl / 1024:.0f} KiB")
    names = ("fpdf2", "reportlab", "builtin")
    one: dict[str, list[float]] = {name: [] for name in names}
    two: dict[str, list[float]] = {name: [] for name in names}
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(2) as pool:
        for name in names:  # start and warm both workers for every renderer
            pool.map(_worker, [(name, docs[:3]), (name, docs[:3])])
        for _ in range(rounds):
            for name in names:
                one[name].append(rate_one(name, docs))
                t = time.perf_counter()
                pool.map(_worker, [(name, docs), (name, docs)])
                two[name].append(2 * len(docs) / (time.perf_counter() - t))
    labels = {"fpdf2": "fpdf2 (app)", "reportlab": "reportlab, same content and font",
              "builtin": "fpdf2, built-in Helvetica (scale)"}
    for name in names:
        a, b = statistics.median(one[name]), statistics.median(two[name])
        print(f"  {labels[name]:36s} 1 process {a:7.1f}/s   2 processes {b:7.1f}/s   ({b / a:.2f}x)")
    ratios = [f / r for f, r in zip(one["fpdf2"], one["reportlab"], strict=True)]
    print(f"  fpdf2 / reportlab per round, one process: " + ", ".join(f"{r:.2f}x" for r in ratios))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.bench")
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--pdfs", type=int, default=150)
    parser.add_argument("--skip-browser", action="store_true")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--only", choices=["keyset", "browser", "pdf"], default=None)
    args = parser.parse_args()
    print(f"Billing Center benchmarks ({multiprocessing.cpu_count()} cores)")
    if args.only in (None, "pdf"):
        bench_pdf(args.pdfs)
    if args.only in (None, "keyset"):
        bench_keyset("sqlite", args.invoices)
        if not args.skip_postgres:
            bench_keyset("postgresql", args.invoices)
    if args.only in (None, "browser") and not args.skip_browser:
        bench_browser(args.invoices)


if __name__ == "__main__":
    main()
