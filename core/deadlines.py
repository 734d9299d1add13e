"""OpenAI's shutdown dates in days left: when each base model (and every model fine-tuned from it) stops
answering, and when self-serve job creation ends. Dates come from resources/pricing.json (a newer date a
server announces in /models wins where the caller has one); "today" comes from ``today``, which tests set."""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable

from core.dataset.estimate import price_table
from core.i18n import tr
from core.paths import resource_path
from core.profile import Profile
from core.providers.registry import spec_for

today: Callable[[], dt.date] = dt.date.today  # the clock every count below uses; tests replace it


def set_clock(clock: Callable[[], dt.date]) -> Callable[[], dt.date]:
    """Use ``clock`` as today from now on; returns the one it replaces (to put back)."""
    global today
    previous, today = today, clock
    return previous


def shows_deadlines(profile: Profile) -> bool:
    """True for the profiles these dates concern: OpenAI's, and the Sandbox that imitates it."""
    return spec_for(profile.kind).closing


@functools.cache
def job_creation_ends() -> str:
    """The last day new OpenAI fine-tuning jobs can be created (YYYY-MM-DD), "" if unknown."""
    data = json.loads(resource_path("pricing.json").read_text(encoding="utf-8"))
    return str(data.get("fine_tuning_creation_ends") or "")


def shutdown_date(model: str, announced: str | None = None) -> str | None:
    """When ``model`` (a base model, or ft:… built on one) shuts down; ``announced`` (from /models) wins."""
    return announced or price_table().shutdown(model)


def days_left(day: str) -> int | None:
    """Days from today until ``day`` (YYYY-MM-DD): 0 on the day, negative after it; None if unreadable."""
    try:
        return (dt.date.fromisoformat(day[:10]) - today()).days
    except (TypeError, ValueError):
        return None


def long_date(day: str) -> str:
    """``day`` as "6 January 2027"."""
    try:
        value = dt.date.fromisoformat(day[:10])
    except (TypeError, ValueError):
        return day
    months = (tr("January"), tr("February"), tr("March"), tr("April"), tr("May"), tr("June"), tr("July"),
              tr("August"), tr("September"), tr("October"), tr("November"), tr("December"))
    # The order of day, month and year is the language's: "6 January 2027", "2027年1月6日".
    return tr("{day} {month} {year}").format(day=value.day, month=months[value.month - 1], year=value.year)


def shutdown_text(day: str | None) -> str:
    """ "in N days", "today", "shut down" or "" (no known date)."""
    left = days_left(day) if day else None
    if left is None:
        return ""
    if left < 0:
        return tr("shut down")
    if left == 0:
        return tr("today")
    return tr("in {n} days").format(n=left) if left != 1 else tr("tomorrow")


def job_creation_text() -> str:
    """The job-creation deadline for an OpenAI profile's banner ("" when unknown or past)."""
    day = job_creation_ends()
    left = days_left(day) if day else None
    if left is None:
        return ""
    if left < 0:
        return tr("OpenAI stopped creating new fine-tuning jobs on {date}.").format(date=long_date(day))
    return tr("New fine-tuning jobs can be created until {date} ({n} days).").format(date=long_date(day), n=left)
