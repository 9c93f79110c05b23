"""Timing of repeated requests: percentiles and the queries each request ran."""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext


@dataclass(frozen=True)
class Timing:
    name: str
    runs: int
    p50_ms: float
    p95_ms: float
    max_ms: float
    queries: int  # the most any run made
    status: int  # the status of the last answer

    def as_dict(self) -> dict[str, Any]:
        return {
            "runs": self.runs,
            "p50_ms": round(self.p50_ms, 1),
            "p95_ms": round(self.p95_ms, 1),
            "max_ms": round(self.max_ms, 1),
            "queries": self.queries,
            "status": self.status,
        }


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values lie (nearest rank)."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1))
    return ordered[rank]


def measure(name: str, calls: list[Callable[[], Any]], *, warmup: int = 2) -> Timing:
    """Run each call once (after `warmup` untimed runs of the first) and time it."""
    for _ in range(warmup):
        calls[0]()
    times: list[float] = []
    queries = 0
    status = 0
    for call in calls:
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            answer = call()
            times.append((time.perf_counter() - started) * 1000)
        queries = max(queries, len(captured.captured_queries))
        status = getattr(answer, "status_code", 0)
    return Timing(
        name,
        len(times),
        statistics.median(times),
        percentile(times, 0.95),
        max(times),
        queries,
        status,
    )
