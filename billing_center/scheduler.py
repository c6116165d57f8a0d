"""Periodic jobs: one registry, one tick.

A job is a function ``fn(*, session, now) -> int`` (how many things it handled) registered with
:func:`job` in the service module it belongs to; that module is listed in :data:`JOB_MODULES`.
:func:`tick` runs every job in a transaction of its own, in the order they were registered: a job that
fails is rolled back and logged, and the others still run.

Every backend worker runs the tick every ``SCHEDULER_SECONDS`` (a Reflex lifespan task,
:func:`run_forever`), so with several workers a job may run twice at the same moment: each job must be
safe under that (claim its rows with a conditional update, or be idempotent). Operators can run one tick
from the command line: ``python -m billing_center.scheduler``.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine

from billing_center.db import session_scope
from billing_center.domain import clock

log = logging.getLogger(__name__)

JobFn = Callable[..., int]

# The service modules that register jobs (imported by :func:`load_jobs`).
JOB_MODULES: tuple[str, ...] = (
    "billing_center.services.auth",
    "billing_center.services.usage",
    "billing_center.services.recovery",
    "billing_center.services.renewals",
    "billing_center.services.accounts",
)


@dataclass(frozen=True, slots=True)
class Outcome:
    name: str
    handled: int = 0
    error: str = ""


_JOBS: dict[str, JobFn] = {}  # by name, in the order they were registered


def job(name: str) -> Callable[[JobFn], JobFn]:
    """Register ``fn(*, session, now) -> int`` as the periodic job ``name`` (registering again replaces)."""

    def register(fn: JobFn) -> JobFn:
        _JOBS[name] = fn
        return fn

    return register


def load_jobs() -> dict[str, JobFn]:
    """Every registered job, by name."""
    for module in JOB_MODULES:
        importlib.import_module(module)
    return dict(_JOBS)


def tick(now: datetime | None = None, *, engine: Engine | None = None) -> list[Outcome]:
    """Run every job once, each in its own transaction; what each handled, or why it failed."""
    now = now or clock.now()
    outcomes = []
    for name, fn in load_jobs().items():
        try:
            with session_scope(engine) as session:
                handled = fn(session=session, now=now)
        except Exception as exc:  # noqa: BLE001 - one job's failure must not stop the others
            log.exception("scheduled job %s failed", name)
            outcomes.append(Outcome(name, error=f"{type(exc).__name__}: {exc}"[:300]))
        else:
            outcomes.append(Outcome(name, handled=int(handled or 0)))
    return outcomes


async def run_forever(seconds: float | None = None) -> None:
    """The lifespan task of each backend worker: a tick now and then every ``seconds``."""
    from billing_center.settings import get_settings

    seconds = get_settings().scheduler_seconds if seconds is None else seconds
    if seconds <= 0:
        return
    while True:
        await asyncio.to_thread(tick)
        await asyncio.sleep(seconds)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    for outcome in tick():
        print(f"{outcome.name}: {outcome.error or outcome.handled}")
