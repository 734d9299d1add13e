"""Dates for people from seconds since 1970 that a server sent: an odd value shows as "-", it never raises."""

from __future__ import annotations

import time

from core.i18n import tr

UNKNOWN = "-"


def local_time(seconds: object, pattern: str = "%Y-%m-%d %H:%M:%S") -> str:
    """``seconds`` as local time in ``pattern``; "-" for what no clock can show (inf, NaN, 1e400, 10**30, < 0)."""
    try:
        value = float(seconds)  # type: ignore[arg-type]
        # Windows refuses dates before 1970 (OSError); inf and huge values overflow; NaN fails the test.
        return time.strftime(pattern, time.localtime(value)) if value >= 0 else UNKNOWN
    except (TypeError, ValueError, OverflowError, OSError):
        return UNKNOWN


def duration_text(seconds: float) -> str:
    """A rough length of time in words: "about 40 seconds", "about 12 minutes", "about 3.5 hours"."""
    if seconds < 90:
        return tr("about {n} seconds").format(n=max(1, round(seconds)))
    if seconds < 90 * 60:
        return tr("about {n} minutes").format(n=round(seconds / 60))
    return tr("about {n} hours").format(n=f"{seconds / 3600:.1f}")
