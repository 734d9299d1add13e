"""Dates for people from seconds since 1970 that a server sent: an odd value shows as "-", it never raises."""

from __future__ import annotations

import time

UNKNOWN = "-"


def local_time(seconds: object, pattern: str = "%Y-%m-%d %H:%M:%S") -> str:
    """``seconds`` as local time in ``pattern``; "-" for what no clock can show (inf, NaN, 1e400, 10**30, < 0)."""
    try:
        value = float(seconds)  # type: ignore[arg-type]
        # Windows refuses dates before 1970 (OSError); inf and huge values overflow; NaN fails the test.
        return time.strftime(pattern, time.localtime(value)) if value >= 0 else UNKNOWN
    except (TypeError, ValueError, OverflowError, OSError):
        return UNKNOWN
