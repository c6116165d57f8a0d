from datetime import UTC, date, datetime

import time_machine

from billing_center.domain import clock


def test_add_months_clamps_to_month_end():
    assert clock.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert clock.add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert clock.add_months(date(2023, 4, 11), 12) == date(2024, 4, 11)
    assert clock.add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


def test_clock_is_utc_and_movable():
    with time_machine.travel(datetime(2030, 5, 1, 12, 0, tzinfo=UTC), tick=False):
        assert clock.now() == datetime(2030, 5, 1, 12, 0, tzinfo=UTC)
        assert clock.today() == date(2030, 5, 1)
