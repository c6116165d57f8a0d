"""The scheduler's tick (billing_center/scheduler.py): every job in a transaction of its own."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from billing_center import scheduler
from billing_center.domain import clock
from billing_center.models import Person, UserSession


@pytest.fixture
def extra_jobs():
    """Jobs registered by a test are removed afterwards."""
    before = dict(scheduler._JOBS)
    yield
    scheduler._JOBS.clear()
    scheduler._JOBS.update(before)


def sessions(engine) -> list[str]:
    with Session(engine) as db:
        return sorted(row.token_hash for row in db.exec(select(UserSession)).all())


def test_a_failing_job_is_rolled_back_and_the_others_still_run(own_engine, extra_jobs):
    now = clock.now()
    with Session(own_engine) as db:
        person = db.exec(select(Person)).first()
        db.add(UserSession(person_id=person.id, token_hash="a" * 64, expires_at=now - timedelta(minutes=1)))
        db.add(UserSession(person_id=person.id, token_hash="b" * 64, expires_at=now + timedelta(hours=1)))
        db.commit()
        person_id = person.id

    @scheduler.job("test: writes, then fails")
    def broken(*, session, now):
        session.add(UserSession(person_id=person_id, token_hash="c" * 64, expires_at=now + timedelta(hours=1)))
        session.flush()
        raise RuntimeError("the mail server said no")

    outcomes = {o.name: o for o in scheduler.tick(now, engine=own_engine)}

    assert outcomes["test: writes, then fails"].error == "RuntimeError: the mail server said no"
    assert outcomes["purge expired sessions"] == scheduler.Outcome("purge expired sessions", handled=1)
    assert sessions(own_engine) == ["b" * 64]  # the expired one purged, the broken job's row rolled back


def test_jobs_run_in_the_order_they_were_registered(own_engine, extra_jobs):
    seen = []
    for name in ("first", "second"):
        scheduler.job(f"test: {name}")(lambda *, session, now, name=name: seen.append(name) or 2)
    outcomes = scheduler.tick(engine=own_engine)
    assert seen == ["first", "second"]
    assert [o.handled for o in outcomes if o.name.startswith("test:")] == [2, 2]
