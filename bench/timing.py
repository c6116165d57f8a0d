"""How the benchmarks time and print: the median and 95th percentile of repeated runs."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def ms(values: list[float]) -> str:
    """``median  12.34 ms  p95  15.67 ms`` for timings in seconds."""
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
    return f"median {statistics.median(values) * 1000:8.2f} ms  p95 {p95 * 1000:8.2f} ms"


def timed(fn: Callable[[], object], repeat: int, *, warm: int = 0) -> list[float]:
    """The seconds each of ``repeat`` calls of ``fn`` took, after ``warm`` calls left out."""
    times = []
    for _ in range(warm + repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times[warm:]
