"""The one clock of the application. Tests move it with time-machine; nothing else reads time.

All timestamps are timezone-aware UTC (SQLModel stores them as UTC on SQLite and PostgreSQL);
dates are calendar dates in UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def today() -> date:
    return now().date()


def add_months(day: date, months: int) -> date:
    """Same day-of-month ``months`` later, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    """A moment on a calendar day, in UTC."""
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)
