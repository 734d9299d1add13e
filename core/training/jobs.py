"""Fine-tuning jobs through the official SDK: create (never twice), list, read, control and watch."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from core.errors import APIStatusError, CoreError, NetworkError, TimeoutError_, from_exception
from core.i18n import tr
from core.training.records import (
    CLIENT_ID_KEY,
    Checkpoint,
    Job,
    JobEvent,
    JobRequest,
    checkpoint_from_sdk,
    event_from_sdk,
    job_from_sdk,
)

if TYPE_CHECKING:
    import openai

SUFFIX = re.compile(r"[A-Za-z0-9_-]{1,64}")
WATCH_SECONDS, MAX_WATCH_SECONDS = 3.0, 60.0


def check_suffix(suffix: str) -> str:
    """The suffix as the API accepts it; raises CoreError with what to change."""
    suffix = suffix.strip()
    if suffix and not SUFFIX.fullmatch(suffix):
        raise CoreError(tr("The suffix “{suffix}” cannot be used.").format(suffix=suffix),
                        tr("Use up to 64 letters, digits, “-” or “_”, without spaces."))
    return suffix


def model_name_preview(base: str, suffix: str) -> str:
    """What the fine-tuned model will be called (the organisation and id are filled in by the provider)."""
    base = base.removeprefix("ft:").split(":")[0]
    return f"ft:{base}:<org>:{suffix}:<id>"


def _refused(error: APIStatusError) -> bool:
    """The provider refuses fine-tuning itself (not something about this request)."""
    detail = error.detail.lower()
    return error.status == 403 or ("fine-tun" in detail and any(
        word in detail for word in ("not available", "no longer", "disabled", "not allowed", "deprecated")))


def _method(request: JobRequest) -> dict[str, Any]:
    values = {k: v for k, v in asdict(request.hyperparameters).items() if v is not None}
    if request.method != "dpo":
        values.pop("beta", None)
    return {"type": request.method, request.method: {"hyperparameters": values}}


@dataclass(frozen=True)
class JobUpdate:
    """One look at a watched job: its state, events since the last look, and whether the link is down."""

    job: Job | None
    events: tuple[JobEvent, ...] = ()
    reconnecting: bool = False
    message: str = ""


class Jobs:
    def __init__(self, client: openai.AsyncOpenAI) -> None:
        self.client = client

    async def _call(self, coroutine: Any) -> Any:
        try:
            return await coroutine
        except Exception as exc:
            raise from_exception(exc) from exc

    async def create(self, request: JobRequest) -> Job:
        """Create the job once. Creation is never retried blindly: after a network error the job is looked
        up by a client id in its metadata, so an answer lost on the way back does not lead to a second job."""
        client_id = uuid.uuid4().hex
        metadata = {**request.metadata, CLIENT_ID_KEY: client_id}
        options: dict[str, Any] = {"model": request.model, "training_file": request.training_file,
                                   "metadata": metadata, "method": _method(request)}
        for key in ("validation_file", "suffix", "seed"):
            if getattr(request, key) not in (None, ""):
                options[key] = getattr(request, key)
        try:
            job = await self.client.with_options(max_retries=0).fine_tuning.jobs.create(**options)
        except Exception as exc:
            error = from_exception(exc)
            if isinstance(error, APIStatusError) and _refused(error):
                raise CoreError(tr("This provider does not let this account start fine-tuning jobs."),
                                tr("OpenAI is winding down self-serve fine-tuning. Export your jobs and files "
                                   "(Training tab or `export`), then add a profile for Azure OpenAI or a "
                                   "compatible gateway in Settings and train there."), error.detail) from exc
            if not isinstance(error, NetworkError | TimeoutError_):
                raise error from exc
            found = await self.find_created(client_id)
            if found is None:
                raise CoreError(tr("The job could not be created: the connection failed."),
                                tr("No job was started, so nothing is billed. Check the connection and try "
                                   "again."), error.detail) from exc
            return found
        return job_from_sdk(job)

    async def find_created(self, client_id: str) -> Job | None:
        """The job created with ``client_id``, if the provider has it."""
        for _ in range(3):
            try:
                page = await self.client.fine_tuning.jobs.list(limit=20, metadata={CLIENT_ID_KEY: client_id})
            except Exception:
                await asyncio.sleep(1.0)
                continue
            return next((job_from_sdk(j) for j in page.data if (j.metadata or {}).get(CLIENT_ID_KEY) == client_id),
                        None)
        return None

    async def list(self, limit: int = 50, after: str | None = None) -> tuple[list[Job], bool]:
        """A page of jobs, newest first, and whether there are more."""
        options: dict[str, Any] = {"limit": limit}
        if after:
            options["after"] = after
        page = await self._call(self.client.fine_tuning.jobs.list(**options))
        return [job_from_sdk(j) for j in page.data], bool(getattr(page, "has_more", False))

    async def get(self, job_id: str) -> Job:
        return job_from_sdk(await self._call(self.client.fine_tuning.jobs.retrieve(job_id)))

    async def events(self, job_id: str) -> list[JobEvent]:
        """The job's latest 100 events, oldest first (the API lists them newest first)."""
        page = await self._call(self.client.fine_tuning.jobs.list_events(job_id, limit=100))
        return [event_from_sdk(e) for e in reversed(page.data)]

    async def all_events(self, job_id: str) -> list[JobEvent]:
        """Every event of the job, oldest first (page by page)."""
        found: list[Any] = []
        options: dict[str, Any] = {"limit": 100}
        while True:
            page = await self._call(self.client.fine_tuning.jobs.list_events(job_id, **options))
            found += page.data
            if not getattr(page, "has_more", False) or not page.data:
                return [event_from_sdk(e) for e in reversed(found)]
            options["after"] = page.data[-1].id

    async def checkpoints(self, job_id: str) -> list[Checkpoint]:
        page = await self._call(self.client.fine_tuning.jobs.checkpoints.list(job_id, limit=100))
        return sorted((checkpoint_from_sdk(c) for c in page.data), key=lambda c: c.step)

    async def control(self, job_id: str, action: str) -> Job:
        """``action``: cancel, pause or resume."""
        jobs = self.client.fine_tuning.jobs
        call = {"cancel": jobs.cancel, "pause": jobs.pause, "resume": jobs.resume}[action]
        return job_from_sdk(await self._call(call(job_id)))

    async def watch(self, job_id: str, interval: float | None = None) -> AsyncIterator[JobUpdate]:
        """Updates until the job ends. Polls politely, honours retry-after, and rides out lost connections
        (yielding reconnecting updates) instead of failing."""
        seen: set[str] = set()
        interval = interval or WATCH_SECONDS
        wait = interval
        while True:
            try:
                job = await self.get(job_id)
                events = [e for e in await self.events(job_id) if e.id not in seen]
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
            seen.update(e.id for e in events)
            wait = interval
            yield JobUpdate(job, tuple(events))
            if job.finished:
                return
            await asyncio.sleep(wait)
