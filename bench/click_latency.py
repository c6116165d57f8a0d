"""Click round trip against the framework floor, first load and sign-in: ``python -m bench.click_latency``.

Issue 13, items 1, 3 and 4. In one run: a minimal Reflex app (one button that updates a text, same
Reflex version, production build) is served beside Billing Center, whose Flexis organisation holds
100,000 invoices and 100,000 audit events, on SQLite and then on PostgreSQL. In Chromium, each action
is clicked ``--clicks`` times and timed inside the page (``bench/browser.py``): the floor (the minimal
app's button), Transactions' Next page, a status filter, a sort change, the wallet's set-default and
the licence-holder search (a product's holders page). Then the first load of the sign-in page
and of Overview against the minimal app (gzip bytes of JS and CSS, requests, load event) and the time
from "Sign in" to Overview's figures.

Options: ``--invoices N`` (and as many audit events), ``--clicks N``, ``--skip-postgres``, ``--skip-sqlite``.
"""

from __future__ import annotations

import re
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert

from bench import cli
from bench.browser import (
    WIRES,
    Wire,
    app_in_chromium,
    arm,
    figures,
    first_load,
    floor_clicks,
    p50_p95,
    start_minimal_app,
    took,
)
from bench.demo import flexis_admin
from bench.invoice_list import load_bulk
from billing_center.db import build_engine, session_scope
from billing_center.domain import clock
from billing_center.models import AuditEvent
from tests.e2e.actions import sign_in
from tests.support import database

EVERYTHING = "/transactions?period=custom&from=2000-01-01&to=2100-01-01"
ROWS = "main table tbody"


def add_audit_events(url: str, count: int) -> None:
    """``count`` audit events of Flexis's billing admin, one a minute back from now."""
    engine = build_engine(url)
    with session_scope(engine) as session:
        admin = flexis_admin(session)
    actions = ["sign_in", "sign_out", "order_completed", "seats_changed", "admin_invited", "sign_in_failed"]
    now = clock.now()
    with engine.begin() as conn:
        for start in range(0, count, 10_000):
            conn.execute(insert(AuditEvent), [
                dict(organisation_id=admin.organisation_id, actor_id=admin.person_id, actor_email=admin.email,
                     action=actions[i % len(actions)], target_type="", target_id="", detail=f"bench {i}",
                     ip="10.0.0.1", at=now - timedelta(minutes=i))
                for i in range(start, min(count, start + 10_000))])
    engine.dispose()


def overview_ready(page) -> None:
    page.get_by_role("group", name="Licences assigned").filter(has_text=re.compile(r"\d+ of \d+")).wait_for()


def select_clicks(page, label: str, options: list[str], clicks: int) -> list[float]:
    """Open the select (not timed), then time the click on the option until the rows change."""
    times = []
    for n in range(clicks):
        page.get_by_role("combobox", name=label).click()
        option = page.get_by_role("option", name=options[n % len(options)], exact=True)
        option.wait_for()
        arm(page, ROWS)
        option.click()
        times.append(took(page))
    return times


def open_transactions(page, base: str) -> None:
    page.goto(base + EVERYTHING)
    page.locator(ROWS + " a").first.wait_for()


def next_clicks(page, base: str, clicks: int) -> list[float]:
    open_transactions(page, base)
    button = page.get_by_role("button", name="Next", exact=True)
    times = []
    for _ in range(clicks):
        arm(page, ROWS)
        button.click()
        times.append(took(page))
    return times


def set_default_clicks(page, base: str, clicks: int) -> list[float]:
    page.goto(f"{base}/payment-methods")
    # The demo's Visa cards take turns (its Mastercard has expired: it cannot be the default).
    buttons = page.get_by_role("button", name=re.compile(r"^Set Visa.* as default$"))
    buttons.first.wait_for()
    times = []
    for _ in range(clicks):
        arm(page, ROWS)
        buttons.first.click()
        times.append(took(page))
        page.wait_for_timeout(50)  # let the toast's own mutations settle before the next arm
    return times


def licence_search_clicks(page, base: str, clicks: int) -> list[float]:
    """The holder search of the first product of the Licences page (issue 9): two holders' e-mail
    addresses taking turns in "Search holders", timed from the click on Search until the rows change."""
    page.goto(f"{base}/licences")
    page.get_by_role("table", name="Licences per product").get_by_role("link").first.click()
    holders = page.get_by_role("table", name="People with a licence")
    holders.locator("tbody tr").nth(1).wait_for()
    terms = [holders.locator("tbody tr").nth(n).locator("td", has_text="@").inner_text().strip() for n in (0, 1)]
    box, button = page.get_by_label("Search holders"), page.get_by_role("button", name="Search", exact=True)
    times = []
    for n in range(clicks):
        box.fill(terms[n % len(terms)])
        arm(page, ROWS)
        button.click()
        times.append(took(page))
    return times


def bench_actions(browser, base: str, minimal_url: str, clicks: int):
    context = browser.new_context()
    page = context.new_page()
    wire = WIRES[page] = Wire(page)
    results: dict[str, list[float]] = {"floor (minimal app button)": floor_clicks(page, minimal_url, clicks)}
    server: dict[str, list[float]] = {"floor (minimal app button)": wire.spans[:]}
    sizes: dict[str, list[int]] = {"floor (minimal app button)": wire.sizes[:]}
    sign_in(page, base)
    overview_ready(page)
    actions = {
        "Transactions: next page": lambda: next_clicks(page, base, clicks),
        "Transactions: status filter": lambda: (open_transactions(page, base),
                                                select_clicks(page, "Status", ["Paid", "Overdue"], clicks))[1],
        "Transactions: sort change": lambda: select_clicks(page, "Sort by", ["Oldest first", "Newest first"], clicks),
        "Payment methods: set default": lambda: set_default_clicks(page, base, clicks),
        "Licences: holder search": lambda: licence_search_clicks(page, base, clicks),
    }
    for name, action in actions.items():
        already = len(wire.spans)
        try:
            results[name] = action()
            server[name], sizes[name] = wire.spans[already:], wire.sizes[already:]
        except Exception as exc:  # one broken action is reported, the others still run
            print(f"  ! {name}: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
            results[name] = []
    already = len(wire.spans)
    results["floor again (after the actions)"] = floor_clicks(page, minimal_url, clicks)
    server["floor again (after the actions)"] = wire.spans[already:]
    del WIRES[page]
    context.close()
    return results, server, sizes


def print_actions(backend: str, results: dict[str, list[float]], server: dict[str, list[float]],
                  sizes: dict[str, list[int]]) -> None:
    floor_values = results["floor (minimal app button)"] + results["floor again (after the actions)"]
    floor = p50_p95(floor_values)
    print(f"\n[{backend}] click round trip, timed in the page (target: p50 <= 3x, p95 <= 5x the floor)")
    print(f"  {'floor, both runs':34s} {figures(floor_values)}")
    print(f"  {'':34s} of which websocket (first frame sent to last received): "
          f"{figures(server['floor (minimal app button)'] + server['floor again (after the actions)'])}"
          f"  {median_bytes(sizes['floor (minimal app button)'])}")
    for name, values in results.items():
        if name.startswith("floor"):
            continue
        print(f"  {name:34s} {figures(values, floor)}")
        if server.get(name):
            print(f"  {'':34s} of which websocket: {figures(server[name])}  {median_bytes(sizes[name])}")


def median_bytes(values: list[int]) -> str:
    return f"{sorted(values)[len(values) // 2]:,} bytes received per click (median)" if values else ""


def bench_sign_in(browser, base: str, runs: int) -> list[float]:
    """Milliseconds from the click on "Sign in" to Overview's figures (a new document, so timed with
    Playwright's waits: a few ms of polling included)."""
    times = []
    for _ in range(runs):
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{base}/sign-in")
        page.get_by_label("Work e-mail").fill("aleroy@flexis.com")
        page.get_by_label("Password").fill("flexis-demo")
        start = time.perf_counter()
        page.get_by_role("button", name="Sign in").click()
        overview_ready(page)
        times.append((time.perf_counter() - start) * 1000)
        context.close()
    return times


def bench_first_load(browser, base: str, minimal_url: str) -> None:
    signed = browser.new_context()
    page = signed.new_page()
    sign_in(page, base)
    overview_ready(page)
    storage = signed.storage_state()
    signed.close()
    minimal = first_load(browser, minimal_url, lambda p: p.get_by_role("button", name="Add one").wait_for())
    sign_in_page = first_load(browser, f"{base}/sign-in",
                              lambda p: p.get_by_role("button", name="Sign in").wait_for())
    overview = first_load(browser, f"{base}/", overview_ready, storage=storage)
    print("\n[first load] production build, empty cache, bytes on the wire (target: JS <= 1.3x the minimal app's)")
    for name, load in (("minimal app", minimal), ("sign-in page", sign_in_page), ("Overview", overview)):
        ratio = f"   JS {load.js / minimal.js:4.2f}x the minimal app" if load is not minimal else ""
        print(f"  {name:13s} {load.line()}{ratio}")
    for name, load in (("minimal app", minimal), ("sign-in page", sign_in_page), ("Overview", overview)):
        print(f"  largest scripts of {name}: " + ", ".join(f"{n} {s / 1024:.1f} KiB" for n, s in load.biggest))


def run_backend(backend: str, args, minimal_url: str, first: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp, database(backend, Path(tmp)) as url:
        t = time.perf_counter()
        load_bulk(url, args.invoices)
        add_audit_events(url, args.invoices)
        print(f"\n[{backend}] Flexis with {args.invoices:,} invoices and {args.invoices:,} audit events "
              f"(loaded in {time.perf_counter() - t:.0f} s); building and serving the app")
        with app_in_chromium(Path(tmp), url) as (browser, base):
            print_actions(backend, *bench_actions(browser, base, minimal_url, args.clicks))
            sign_in_times = bench_sign_in(browser, base, args.sign_ins)
            p50, p95 = p50_p95(sign_in_times)
            print(f"  sign-in to Overview's figures ({args.sign_ins} runs): p50 {p50:.0f} ms  p95 {p95:.0f} ms")
            if first:
                bench_first_load(browser, base, minimal_url)


def main() -> None:
    args = cli.options("bench.click_latency", {"invoices": 100_000, "clicks": 50, "sign-ins": 5}, skip_sqlite=True)
    with tempfile.TemporaryDirectory() as tmp:
        minimal = start_minimal_app(Path(tmp))
        try:
            for i, backend in enumerate(cli.databases(args)):  # the first load is measured once
                run_backend(backend, args, minimal.url, first=i == 0)
        finally:
            minimal.stop()


if __name__ == "__main__":
    main()
