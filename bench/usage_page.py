"""The Usage page's load after 10 million events, timed in the page: ``python -m bench.usage_page``.

Issue 10, "Performance", third item. In one run, on SQLite and then on PostgreSQL: the production
build serves the demo, and in Chromium a signed-in billing admin on Overview clicks "Usage" in the
navigation; the time is ``performance.now()`` from the click's ``pointerdown`` to the first change of
the page after which the bar chart has its bars and the billed-users figure is the expected one (a
MutationObserver in the page; Playwright only clicks). Each run is a new browser context (a first
visit: nothing of an earlier visit on the page). Measured first with the demo's own usage (the peer,
5,640 billed users), then after ``--events`` more events (10 million) from ``--people`` more learners
(100,000) over the twelve months of the current period, stored through ``usage.store_events``: the
page reads the kept (month, person) pairs, never the events, so the two should be alike.

Options: ``--events N``, ``--people N``, ``--runs N`` (10), ``--skip-postgres``, ``--skip-sqlite``.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

from bench import cli
from bench.browser import app_in_chromium, figures
from billing_center.db import build_engine, session_scope
from billing_center.domain import clock
from billing_center.models import Organisation, Person
from billing_center.services import usage
from tests.e2e.actions import sign_in
from tests.support import database

# In the page: the click's time, then the first mutation after which the chart has bars and the
# billed-users figure reads ``expected`` (the digits only, whatever the locale's grouping).
ARM_JS = r"""(expected) => {
  const state = window.__usagePage = {start: -1, end: -1};
  const ready = () => {
    const chart = document.querySelector('[role="img"][aria-label^="Bar chart of unique active users"]');
    const figure = document.querySelector('[role="group"][aria-label="Billed users in this period"]');
    return chart && chart.querySelector('.recharts-bar-rectangle') && figure
      && figure.textContent.replace(/\D/g, '').includes(expected);
  };
  const observer = new MutationObserver(() => {
    if (state.start >= 0 && state.end < 0 && ready()) { state.end = performance.now(); observer.disconnect(); }
  });
  document.addEventListener('pointerdown', () => { state.start = performance.now(); }, {capture: true, once: true});
  observer.observe(document, {subtree: true, childList: true, characterData: true, attributes: true});
}"""


def billed_users(engine) -> int:
    with session_scope(engine) as session:
        org = session.exec(select(Organisation).where(Organisation.slug == "flexis")).scalar_one()
        plan = usage.mau_plan(session, org.id)
        month = usage.month_of(clock.now(), usage.zone(org))
        start = usage.period_start_for(plan.mau_period_start, month)
        return sum(usage.monthly_uniques(session, plan.id, start, clock.add_months(start, 12)).values())


def add_usage(url: str, events: int, people: int) -> None:
    """``people`` more Flexis learners and ``events`` events of theirs over the current period's months."""
    engine = build_engine(url)
    with session_scope(engine) as session:
        org = session.exec(select(Organisation).where(Organisation.slug == "flexis")).scalar_one()
        org_id, plan = org.id, usage.mau_plan(session, org.id)
        plan_id, tz = plan.id, usage.zone(org)
        month = usage.month_of(clock.now(), tz)
        start = usage.period_start_for(plan.mau_period_start, month)
    now = clock.now()
    with engine.begin() as conn:
        for first in range(0, people, 10_000):
            conn.execute(insert(Person), [
                {"organisation_id": org_id, "email": f"bench.learner{n}@learn.flexis.com", "full_name": f"Learner {n}",
                 "role": "member", "locale": "nl", "is_primary_contact": False, "is_billing_contact": False,
                 "has_billing_access": False, "created_at": now} for n in range(first, min(people, first + 10_000))])
    with session_scope(engine) as session:
        ids = list(session.exec(select(Person.id).where(Person.email.like("bench.learner%"))).scalars())
    begin = datetime(start.year, start.month, start.day, tzinfo=tz).astimezone(UTC)
    span = int((now - begin).total_seconds()) - 3600
    rng = random.Random(10)
    for first in range(0, events, 100_000):
        batch = []
        for n in range(first, min(events, first + 100_000)):
            at = begin + timedelta(seconds=rng.randrange(span))
            batch.append({"event_id": f"page-bench-{n}", "person_id": rng.choice(ids), "kind": "course",
                          "occurred_at": at, "month": usage.month_of(at, tz)})
        with session_scope(engine) as session:
            usage.store_events(session=session, organisation_id=org_id, subscription_id=plan_id, events=batch)
    engine.dispose()


def visits(browser, base: str, expected: int, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        context = browser.new_context()
        page = context.new_page()
        sign_in(page, base)
        page.get_by_role("heading", name="Overview").wait_for()
        page.evaluate(ARM_JS, str(expected))
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Usage", exact=True).click()
        page.wait_for_function("() => window.__usagePage.end >= 0", timeout=120_000)
        times.append(page.evaluate("window.__usagePage.end - window.__usagePage.start"))
        context.close()
    return times


def run_backend(backend: str, args) -> None:
    with (tempfile.TemporaryDirectory() as tmp, database(backend, Path(tmp)) as url,
          app_in_chromium(Path(tmp), url) as (browser, base)):
        engine = build_engine(url)
        try:
            demo = billed_users(engine)
            peer = visits(browser, base, demo, args.runs)
            t = time.perf_counter()
            add_usage(url, args.events, args.people)
            loaded = time.perf_counter() - t
            after = billed_users(engine)
            big = visits(browser, base, after, args.runs)
        finally:
            engine.dispose()
    print(f"\n[{backend}] click on Usage to the chart drawn, in the page, {args.runs} first visits each")
    print(f"  demo usage ({demo:,} billed users): {figures(peer)}")
    print(f"  after {args.events:,} more events from {args.people:,} learners (stored in {loaded:.0f} s; "
          f"{after:,} billed users): {figures(big)}; p50 {statistics.median(big) / statistics.median(peer):.2f}x "
          "the demo's")


def main() -> None:
    args = cli.options("bench.usage_page", {"events": 10_000_000, "people": 100_000, "runs": 10}, skip_sqlite=True)
    for backend in cli.databases(args):
        run_backend(backend, args)


if __name__ == "__main__":
    main()
