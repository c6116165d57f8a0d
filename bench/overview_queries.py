"""The queries behind signing in to Overview and changing a Transactions filter, with and without issue
13's invoice indexes: ``python -m bench.overview_queries``.

On 100,000 invoices of one organisation (a fifth of them open), on SQLite and PostgreSQL: Overview's
figures (``get_overview``, ``invoiced_per_month``) and the counts a filter change shows (the whole
period, overdue only), first with ``ix_invoice_org_status_due`` and ``ix_invoice_org_issue_status``
dropped (as before issue 13), then with them (as the migration leaves them), in the same run.

Options: ``--invoices N``, ``--runs N``, ``--skip-postgres``.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from sqlalchemy import select, text

from bench.invoice_list import load_bulk
from bench.timing import ms, timed
from billing_center.db import build_engine, session_scope
from billing_center.models import Person
from billing_center.services import overview
from billing_center.services import transactions as tx
from billing_center.services.auth import actor_of
from tests.support import database

INDEXES = {
    "ix_invoice_org_status_due": "invoice (organisation_id, status, due_date)",
    "ix_invoice_org_issue_status": "invoice (organisation_id, issue_date, status, due_date)",
}
PERIOD = {"period": "custom", "from": "2000-01-01", "to": "2100-01-01"}


def bench(backend: str, invoices: int, runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp, database(backend, Path(tmp)) as url:
        load_bulk(url, invoices)
        engine = build_engine(url)
        with session_scope(engine) as session:
            admin = actor_of(session.exec(select(Person).where(Person.email == "aleroy@flexis.com")).scalar_one())

        def use_case(fn):
            def run():
                with session_scope(engine) as session:
                    fn(session)
            return run

        cases = {
            "Overview's figures (get_overview)": lambda s: overview.get_overview(session=s, actor=admin),
            "Overview's chart (invoiced_per_month)": lambda s: overview.invoiced_per_month(session=s, actor=admin),
            "count of the whole period": lambda s: tx.count_invoices(session=s, actor=admin,
                                                                     flt=tx.parse_filter(PERIOD)),
            "count of overdue invoices": lambda s: tx.count_invoices(
                session=s, actor=admin, flt=tx.parse_filter({**PERIOD, "status": "overdue"})),
            "first page of overdue invoices": lambda s: tx.list_invoices(
                session=s, actor=admin, flt=tx.parse_filter({**PERIOD, "status": "overdue"})),
        }
        results: dict[str, dict[str, list[float]]] = {}
        for phase in ("without", "with"):
            with engine.begin() as conn:
                for name, columns in INDEXES.items():
                    conn.execute(text(f"DROP INDEX IF EXISTS {name}"))
                    if phase == "with":
                        conn.execute(text(f"CREATE INDEX {name} ON {columns}"))
                conn.execute(text("ANALYZE"))
            results[phase] = {name: timed(use_case(fn), runs, warm=2) for name, fn in cases.items()}
        print(f"\n[{backend}] {invoices:,} invoices: without issue 13's indexes -> with them")
        for name in cases:
            print(f"  {name:38s} before {ms(results['without'][name])}")
            print(f"  {'':38s} after  {ms(results['with'][name])}")
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.overview_queries")
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    bench("sqlite", args.invoices, args.runs)
    if not args.skip_postgres:
        bench("postgresql", args.invoices, args.runs)


if __name__ == "__main__":
    main()
