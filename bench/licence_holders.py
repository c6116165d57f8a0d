"""Benchmark of licences and people (issue 9): ``python -m bench.licence_holders``.

With 100,000 members holding a licence of one product: server time of the holders list's first page
and of page 2,000 (keyset), OFFSET beside it for comparison, a holders search and the member search
of the assign box; the CSV import of 10,000 rows; and, in the browser, a keystroke in "Find people"
to the results rendered (timed inside the page).

Options: ``--members N``, ``--skip-browser``, ``--skip-postgres``.
"""

from __future__ import annotations

import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import insert, select, text

from bench import cli
from bench.browser import app_in_chromium, signed_in_page
from bench.demo import FLEXIS_ADMIN, flexis_admin, flexis_id
from bench.timing import ms, timed
from billing_center.db import build_engine, session_scope
from billing_center.domain.clock import at
from billing_center.models import LicenceAssignment, Person, Product, Subscription
from billing_center.services import licences, members
from tests.support import database, seeded_engine

FIRST = ["Ann", "Bram", "Chloé", "Daan", "Eva", "Finn", "Greet", "Hugo", "Ines", "Joris", "Kato", "Lars"]
LAST = ["Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens", "Wouters", "De Smet"]


def load_bulk(url: str, count: int) -> int:
    """Migrate, load the demo and give Flexis ``count`` more members, each holding a licence of a
    product bought for all of them. Returns the product's id."""
    engine = seeded_engine(url)
    with session_scope(engine) as session:
        org_id = flexis_id(session)
        admin_id = session.exec(select(Person.id).where(Person.email == FLEXIS_ADMIN)).one()[0]
        product = Product(code="BENCH-SEAT", name="Bench Suite", unit_price_minor=5400, currency="EUR")
        session.add(product)
        session.flush()
        today = date.today()
        sub = Subscription(organisation_id=org_id, product_id=product.id, quantity=count + 10, unit_price_minor=5400,
                           currency="EUR", start_date=today, renews_on=today + timedelta(days=365))
        session.add(sub)
        session.flush()
        product_id, sub_id = product.id, sub.id
    when = at(date.today())
    with engine.begin() as conn:
        for start in range(0, count, 10_000):
            people = [dict(organisation_id=org_id, email=f"bench{i:06d}@flexis.com", role="member", locale="nl",
                           full_name=f"{FIRST[i % len(FIRST)]} {LAST[(i // 12) % len(LAST)]} {i:06d}",
                           is_primary_contact=False, is_billing_contact=False, has_billing_access=False,
                           created_at=when) for i in range(start, min(start + 10_000, count))]
            conn.execute(insert(Person.__table__), people)
        ids = conn.execute(select(Person.id).where(Person.email.like("bench%"))).scalars().all()
        for start in range(0, len(ids), 10_000):
            conn.execute(insert(LicenceAssignment.__table__), [
                dict(organisation_id=org_id, subscription_id=sub_id, person_id=pid, assigned_by_id=admin_id,
                     assigned_at=when) for pid in ids[start:start + 10_000]])
        conn.execute(text("ANALYZE"))
    engine.dispose()
    return product_id


def bench_server(backend: str, count: int, runs: int = 30) -> None:
    with tempfile.TemporaryDirectory() as tmp, database(backend, Path(tmp)) as url:
        t0 = time.perf_counter()
        product_id = load_bulk(url, count)
        engine = build_engine(url)
        with session_scope(engine) as session:
            actor = flexis_admin(session)
            deep_row = session.exec(
                select(Person.full_name, Person.id).join(LicenceAssignment, LicenceAssignment.person_id == Person.id)
                .join(Subscription, Subscription.id == LicenceAssignment.subscription_id)
                .where(Subscription.product_id == product_id).order_by(Person.full_name, Person.id)
                .offset(1999 * 25 - 1).limit(1)).one()
        cursor = licences._cursor(deep_row[0], deep_row[1])
        print(f"\n[{backend}] {count:,} licence holders of one product (loaded in {time.perf_counter() - t0:.1f} s)")

        def run(fn) -> list[float]:
            def once():
                with session_scope(engine) as session:
                    fn(session)
            return timed(once, runs, warm=3)

        first = run(lambda s: licences.list_holders(session=s, actor=actor, product_id=product_id))
        deep = run(lambda s: licences.list_holders(session=s, actor=actor, product_id=product_id, cursor=cursor))
        offset = run(lambda s: s.exec(
            select(Person.id).join(LicenceAssignment, LicenceAssignment.person_id == Person.id)
            .join(Subscription, Subscription.id == LicenceAssignment.subscription_id)
            .where(Subscription.product_id == product_id, LicenceAssignment.revoked_at.is_(None))
            .order_by(Person.full_name, Person.id).offset(1999 * 25).limit(26)).all())
        searched = run(lambda s: licences.list_holders(session=s, actor=actor, product_id=product_id,
                                                       query="kato"))
        finding = run(lambda s: licences.search_people(session=s, actor=actor, product_id=product_id, query="zz"))
        print(f"  holders page 1      (keyset, with count)  {ms(first)}")
        print(f"  holders page 2,000  (keyset, with count)  {ms(deep)}")
        print(f"  page 2,000 by OFFSET (rows only, comparison) {ms(offset)}")
        print(f"  holders search 'kato' (1 in 12 match)   {ms(searched)}")
        print(f"  find people, no match (worst case)       {ms(finding)}")

        data = ("name,email\n" + "\n".join(f"Import Person {i:05d},import{i:05d}@flexis.com"
                                           for i in range(10_000))).encode()
        t = time.perf_counter()
        with session_scope(engine) as session:
            report = members.import_members(session=session, actor=actor, data=data)
        print(f"  CSV import of 10,000 rows: {time.perf_counter() - t:.2f} s ({report.new:,} added)")
        engine.dispose()


# --- a keystroke in "Find people" to the results rendered -----------------------------------------
TYPE_JS = """
async (letter) => {
  const input = document.getElementById('find_people');
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
  const results = () => document.querySelector('[aria-label="Search results"]');
  const before = results() ? results().innerText : '';
  return await new Promise(resolve => {
    const observer = new MutationObserver(() => {
      const now = results();
      if (now && now.innerText !== before) { observer.disconnect(); resolve(performance.now() - t0); }
    });
    observer.observe(document.body, {childList: true, subtree: true, characterData: true});
    const t0 = performance.now();
    setter.call(input, letter);
    input.dispatchEvent(new Event('input', {bubbles: true}));
  });
}
"""


def bench_browser(count: int, keys: int = 20) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        product_id = load_bulk(url, count)
        engine = build_engine(url)
        with engine.begin() as conn:  # people without the product, for the search to find
            conn.execute(text("UPDATE licenceassignment SET revoked_at = assigned_at WHERE id IN "
                              "(SELECT id FROM licenceassignment ORDER BY id DESC LIMIT 5000)"))
        engine.dispose()
        with app_in_chromium(Path(tmp), url) as (browser, base):
            page = signed_in_page(browser, base)
            page.goto(f"{base}/licences/{product_id}")
            page.get_by_role("heading", name="Bench Suite").wait_for()
            words = ["ann", "bram", "eva", "finn", "hugo", "ines", "kato", "lars", "daan", "greet"]
            times = [page.evaluate(TYPE_JS, words[i % len(words)]) / 1000 for i in range(keys)]
            print(f"\n[browser] 'Find people' with {count:,} members: keystroke -> results rendered "
                  f"(timed in the page, 250 ms debounce included): {ms(times)} over {keys} searches")


def main() -> None:
    args = cli.options("bench.licence_holders", {"members": 100_000}, browser=True)
    cli.run(args, lambda backend: bench_server(backend, args.members), lambda: bench_browser(args.members))


if __name__ == "__main__":
    main()
