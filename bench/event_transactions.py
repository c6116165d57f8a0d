"""What one console event costs in transactions, before and after read-only events (issue 13):
``python -m bench.event_transactions``.

A state handler is run the way Reflex runs it (``states/session.py``'s decorator, a real session
resolved from its digest) on SQLite with 100,000 invoices, twice in the same run: as every handler ran
before (``@signed_in``: one ``BEGIN IMMEDIATE`` transaction, reads included) and as the list's handlers
run now (``@signed_in(read_only=True)``: a plain ``BEGIN``, no write lock). The handler reads the
transactions list's next page, as Transactions' Next does. Printed: the statements each event sends,
its time alone and while another connection writes (a 20 ms write transaction every 25 ms), the two
kinds of event taking turns, and how many events four threads get through in a few seconds beside that
writer (and how often the writer got its turn meanwhile).
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import reflex as rx
from sqlalchemy import event, select, text
from sqlmodel import Session

from bench.invoice_list import EVERYTHING, load_bulk
from bench.timing import ms
from billing_center import db as db_module
from billing_center.db import build_engine
from billing_center.models import Person
from billing_center.services import auth
from billing_center.services import transactions as tx
from billing_center.services.actors import Actor
from billing_center.states import session as session_module
from billing_center.states.session import SessionState, signed_in

DIGEST: dict[str, str] = {}


class BenchEventState(SessionState):
    shown: int = 0

    def _session_digest(self) -> str | None:
        return DIGEST.get("digest")

    def _page(self, actor: Actor, db: Session) -> None:
        page = tx.list_invoices(session=db, actor=actor, flt=EVERYTHING)
        page = tx.list_invoices(session=db, actor=actor, flt=EVERYTHING, cursor=page.next_cursor)
        self.shown = len(page.rows)

    @rx.event
    @signed_in
    def next_page_with_write_lock(self, actor: Actor, db: Session):
        """How every handler ran before: one BEGIN IMMEDIATE transaction."""
        self._page(actor, db)

    @rx.event
    @signed_in(read_only=True)
    def next_page_read_only(self, actor: Actor, db: Session):
        """How the list's handlers run now."""
        self._page(actor, db)


def statements_of(engine, call) -> Counter:
    seen: Counter = Counter()

    def count(conn, cursor, statement, *args):
        word = statement.strip().split()[0].upper()
        seen["BEGIN IMMEDIATE" if statement.strip().upper() == "BEGIN IMMEDIATE" else word] += 1

    event.listen(engine, "before_cursor_execute", count)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return seen


class Writer:
    """Another connection that writes: a 20 ms write transaction every 25 ms, until stopped."""

    def __init__(self, engine) -> None:
        self.engine, self.stop, self.count = engine, threading.Event(), 0
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        while not self.stop.is_set():
            with self.engine.begin() as conn:  # BEGIN IMMEDIATE (db.py)
                conn.execute(text("UPDATE organisation SET name = name WHERE id = -1"))
                time.sleep(0.020)
            self.count += 1
            time.sleep(0.005)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.event_transactions")
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=4.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        load_bulk(url, args.invoices)
        engine = build_engine(url)
        session_module.session_scope = lambda: db_module.session_scope(engine)
        with db_module.session_scope(engine) as db:
            person = db.exec(select(Person).where(Person.email == "aleroy@flexis.com")).scalar_one()
            ticket = auth.issue_ticket(session=db, actor=auth.actor_of(person))
        with db_module.session_scope(engine) as db:
            signed = auth.exchange_ticket(session=db, ticket=ticket.ticket)
        DIGEST["digest"] = auth.token_digest(signed.token)
        root = rx.State(_reflex_internal_init=True)
        state = root.get_substate(BenchEventState.get_full_name().split(".")[1:])
        handlers = {"before: @signed_in (write lock)": state.next_page_with_write_lock,
                    "after:  @signed_in(read_only=True)": state.next_page_read_only}
        print(f"\n[sqlite] one Next-page event on {args.invoices:,} invoices, through the decorator")
        for name, handler in handlers.items():
            handler()
            assert state.shown > 0, "the handler read no rows"
            kinds = statements_of(engine, handler)
            print(f"  {name}  statements per event: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
        alone = interleaved(handlers, args.events)
        with Writer(engine):
            beside = interleaved(handlers, args.events)
        for name in handlers:
            print(f"  {name}  alone {ms(alone[name])}   beside a writer {ms(beside[name])}")
        for name, handler in handlers.items():
            with Writer(engine) as writer:
                done = throughput(handler, threads=4, seconds=args.seconds)
            print(f"  {name}  4 threads beside a writer: {done / args.seconds:6.0f} events/s "
                  f"(the writer committed {writer.count / args.seconds:.0f}/s)")
        engine.dispose()


def interleaved(handlers: dict, count: int) -> dict[str, list[float]]:
    """Seconds of each handler's events, taking turns (so both see the same moments of a shared machine)."""
    times: dict[str, list[float]] = {name: [] for name in handlers}
    for _ in range(count):
        for name, handler in handlers.items():
            start = time.perf_counter()
            handler()
            times[name].append(time.perf_counter() - start)
    return times


def throughput(handler, *, threads: int, seconds: float) -> int:
    deadline = time.monotonic() + seconds

    def loop() -> int:
        n = 0
        while time.monotonic() < deadline:
            handler()
            n += 1
        return n

    with ThreadPoolExecutor(threads) as pool:
        return sum(pool.map(lambda _: loop(), range(threads)))


if __name__ == "__main__":
    main()
