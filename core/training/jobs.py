"""Watching a fine-tuning job on any provider: polls politely, honours retry-after and rides out lost
connections instead of failing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.errors import APIStatusError, NetworkError, TimeoutError_
from core.providers.records import Job, JobEvent

if TYPE_CHECKING:
    from core.providers.base import Provider

WATCH_SECONDS, MAX_WATCH_SECONDS = 3.0, 60.0


@dataclass(frozen=True)
class JobUpdate:
    """One look at a watched job: its state, events since the last look, and whether the link is down."""

    job: Job | None
    events: tuple[JobEvent, ...] = ()
    reconnecting: bool = False
    message: str = ""


async def _look(provider: Provider, job_id: str, seen: set[str]) -> JobUpdate:
    job = await provider.get_job(job_id)
    events = await provider.events(job_id) if provider.capabilities.supports_events else []
    new = tuple(e for e in events if e.id not in seen)
    seen.update(e.id for e in new)
    return JobUpdate(job, new)


async def watch(provider: Provider, job_id: str, interval: float | None = None) -> AsyncIterator[JobUpdate]:
    """Updates until the job ends, yielding "reconnecting" updates while the provider cannot be reached."""
    seen: set[str] = set()
    interval = interval or WATCH_SECONDS
    wait = interval
    while True:
        try:
            update = await _look(provider, job_id, seen)
        except (NetworkError, TimeoutError_) as error:
            yield JobUpdate(None, reconnecting=True, message=error.user_message)
            wait = min(wait * 2, MAX_WATCH_SECONDS)
            await asyncio.sleep(wait)
            continue
        except APIStatusError as error:
            if error.status not in (429, 500, 502, 503, 504):
                raise
            yield JobUpdate(None, reconnecting=True, message=error.user_message)
            wait = min(max(wait * 2, error.retry_after or 0.0), MAX_WATCH_SECONDS)
            await asyncio.sleep(wait)
            continue
        wait = interval
        yield update
        if update.job is not None and update.job.finished:
            return
        await asyncio.sleep(wait)
