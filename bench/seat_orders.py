"""Benchmark of a card seat order (R-ORD-1..3) end to end at the service level (validation, lock, processor charge
over HTTP, order + subscription + paid invoice + receipt), on SQLite and PostgreSQL.
Run: ``python -m bench.seat_orders [N]``. Prints p50/p95 in milliseconds; asserts nothing."""

from __future__ import annotations

import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlmodel import select

from billing_center.db import session_scope
from billing_center.models import Person
from billing_center.payments import HttpGateway
from billing_center.services.auth import actor_of
from billing_center.services.seat_orders import place_card_order
from tests.processor import start_processor
from tests.support import database, seeded_engine


def run(backend: str, n: int, tmp: Path, processor) -> list[float]:
    gateway = HttpGateway(processor.url)
    with database(backend, tmp) as url:
        engine = seeded_engine(url)
        with session_scope(engine) as session:
            actor = actor_of(session.exec(select(Person).where(Person.email == "aleroy@flexis.com")).one())
        timings = []
        for _ in range(n):
            token = processor.token("4242424242424242")  # the browser's part, not timed
            start = time.perf_counter()
            with session_scope(engine) as session:
                place_card_order(session=session, actor=actor, gateway=gateway,
                                 idempotency_key=secrets.token_urlsafe(24), seats="12", country="US",
                                 contact_name="Alex Leroy", contact_email="aleroy@flexis.com", card_token=token)
            timings.append((time.perf_counter() - start) * 1000)
        engine.dispose()
    return timings


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    with tempfile.TemporaryDirectory() as tmp:
        processor = start_processor(Path(tmp) / "processor")
        try:
            for backend in ("sqlite", "postgresql"):
                t = sorted(run(backend, n, Path(tmp), processor))
                p95 = t[max(0, int(len(t) * 0.95) - 1)]
                print(f"{backend}: {n} card orders, p50 {statistics.median(t):.1f} ms, p95 {p95:.1f} ms")
        finally:
            processor.stop()


if __name__ == "__main__":
    main()
