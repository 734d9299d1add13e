"""What every provider adapter offers, and what it cannot do (capabilities drive the GUI and the CLI).

Each adapter turns one provider's API into the same frozen records (Job, JobEvent, Checkpoint,
MetricPoint, ModelInfo), so nothing outside core/providers knows which provider it talks to.
"""

from __future__ import annotations

import asyncio
import logging
import re
import uuid
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from core.client import build_client
from core.errors import CoreError, NetworkError, TimeoutError_, file_error
from core.fileio import write_atomically
from core.i18n import tr
from core.paths import cache_dir
from core.providers.capabilities import EXPORT_FORMATS as EXPORT_FORMATS
from core.providers.capabilities import MIB as MIB
from core.providers.capabilities import Capabilities as Capabilities

if TYPE_CHECKING:
    import openai

    from core.models import ModelInfo
    from core.profile import Profile
    from core.providers.records import (
        BaseModel,
        Checkpoint,
        DownloadProgress,
        Job,
        JobEvent,
        JobRequest,
        MetricPoint,
        OfferedModel,
    )

Progress = Callable[[int, int], None]  # bytes sent, bytes in all
DOWNLOAD_SOURCES = ("modelscope", "huggingface")  # where base models come from: ModelScope is reachable in China
MAX_PAGES = 1000  # pages of one listing read at most (100,000 jobs or events at 100 a page)
T = TypeVar("T")
log = logging.getLogger(__name__)


class Access(StrEnum):
    """Whether this account may still create fine-tuning jobs, as the zero-cost probe read it."""

    OPEN = "open"
    CLOSED = "closed"
    UNKNOWN = "unknown"
    NEEDS_SETUP = "needs_setup"  # this computer lacks what training needs; the detail says how to add it


@dataclass(frozen=True)
class TrainingAccess:
    access: Access
    detail: str = ""  # what the server answered, as it said it


@dataclass(frozen=True)
class UploadedFile:
    id: str
    filename: str
    bytes: int
    reused: bool = False


@dataclass(frozen=True)
class FileInfo:
    id: str
    filename: str
    bytes: int
    created_at: int
    purpose: str = ""  # what it was uploaded for ("fine-tune"), as the provider says


@dataclass(frozen=True)
class Deployment:
    """A fine-tuned model made callable (billed while it exists on some providers)."""

    name: str  # what to send as the chat model
    model: str
    status: str  # ours: deploying, ready, failed, unknown
    raw_status: str = ""

    @property
    def ready(self) -> bool:
        return self.status == "ready"


def our_status(raw: object, table: dict[str, str]) -> str:
    """A provider's job status in our words; an unknown one is guessed from its wording, or "unknown"."""
    text = str(raw or "").strip()
    key = text.lower()
    if key in table:
        return table[key]
    for word, status in (("cancelling", "cancelling"), ("canceling", "cancelling"), ("cancel", "cancelled"),
                         ("fail", "failed"), ("error", "failed"), ("succe", "succeeded"), ("complet", "succeeded"),
                         ("run", "running"), ("train", "running"), ("queu", "queued"), ("pend", "queued"),
                         ("pause", "paused"), ("valid", "validating_files")):
        if word in key:
            return status
    return "unknown"


def suffix_rule_text(rule: str) -> str:
    return {"letters": tr("Use up to 64 letters, digits, “-” or “_”, without spaces."),
            "azure": tr("Use up to 18 letters, digits, “-” or “_”, without spaces or dots."),
            "short": tr("Use up to 40 letters, digits, “-” or “_”, without spaces or dots."),
            }.get(rule, rule)


def check_suffix(suffix: str, capabilities: Capabilities = Capabilities()) -> str:  # noqa: B008
    """The suffix as the provider accepts it; raises CoreError with what to change."""
    suffix = suffix.strip()
    if suffix and not re.fullmatch(capabilities.suffix_pattern, suffix):
        raise CoreError(tr("The suffix “{suffix}” cannot be used.").format(suffix=suffix),
                        suffix_rule_text(capabilities.suffix_rule))
    return suffix


def model_name_preview(base: str, suffix: str, capabilities: Capabilities = Capabilities()) -> str:  # noqa: B008
    """What the fine-tuned model will be called (the provider fills in the ids)."""
    base = base.removeprefix("ft:").split(":")[0]
    return capabilities.model_name.format(base=base, suffix=suffix or "")


def check_size(path: Path, capabilities: Capabilities) -> int:
    """The file's size; raises CoreError when the provider does not take files that large."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise file_error(exc) from exc
    if size > capabilities.max_file_bytes:
        raise CoreError(tr("{name} is {size} MB; this provider takes training files of at most {limit} MB.").format(
            name=path.name, size=f"{size / MIB:,.0f}", limit=f"{capabilities.max_file_bytes / MIB:,.0f}"),
            tr("Remove examples you do not need, or drop duplicates and empty examples with the Dataset tab’s "
               "fixes."))
    return size


def prepared_copy(path: Path, content: bytes, folder: str) -> Path:
    """``content`` saved in the cache folder under ``path``'s name, to upload instead of the user's own file
    (which stays as it is)."""
    copy = cache_dir() / folder / path.name
    write_atomically(copy, content, sync=False)
    return copy


async def all_pages(fetch: Callable[[str | None], Awaitable[tuple[list[T], bool]]], key: Callable[[T], str],
                    max_pages: int = MAX_PAGES) -> list[T]:
    """Every item of a paged listing, each once, in the server's order. ``fetch(cursor)`` gives a page and
    whether there is more; the cursor is the last item's key. Stops when the server says there is no more,
    when a page brings nothing new or ends where the last one did (a server repeating itself), or after
    ``max_pages``."""
    found: dict[str, T] = {}
    cursor: str | None = None
    for _ in range(max_pages):
        page, more = await fetch(cursor)
        fresh = {key(item): item for item in page if key(item) not in found}
        found.update(fresh)
        if not more or not fresh or key(page[-1]) == cursor:
            if more:
                log.warning("listing stopped: the server repeats itself after %d items", len(found))
            return list(found.values())
        cursor = key(page[-1])
    log.warning("listing stopped after %d pages (%d items)", max_pages, len(found))
    return list(found.values())


def not_offered(what: str) -> CoreError:
    return CoreError(tr("This provider does not offer {what}.").format(what=what),
                     tr("The button is disabled for this profile; use the provider's own console for it."))


class Provider(ABC):
    """One connected provider account. ``chat_client`` always speaks the OpenAI chat API."""

    capabilities = Capabilities()
    base_model_ids: tuple[str, ...] | None = None  # the models it fine-tunes; None: every one of pricing.json

    def __init__(self, chat_client: openai.AsyncOpenAI) -> None:
        self.chat_client = chat_client
        self.profile: Profile | None = None

    @classmethod
    def connect(cls, profile: Profile, api_key: str, base_url: str) -> Provider:
        """An adapter for ``profile`` at ``base_url``."""
        provider = cls(build_client(profile, api_key, base_url))
        provider.profile = profile
        return provider

    async def probe(self) -> str:
        """The provider's cheapest read call: a message saying the key works, or a CoreError."""
        jobs, _ = await self.list_jobs(limit=1)
        return tr("The key works: {count} jobs seen.").format(count=len(jobs))

    async def training_access(self) -> TrainingAccess | None:
        """Whether this account may still create jobs, read without costing anything; None where the
        provider does not close job creation (nothing to check)."""
        return None

    # -- files -----------------------------------------------------------------------------------------
    @abstractmethod
    async def upload(self, path: Path, on_progress: Progress | None = None) -> UploadedFile: ...

    @abstractmethod
    async def list_files(self) -> list[FileInfo]:
        """The account's training files, newest first."""

    @abstractmethod
    async def delete_file(self, file_id: str) -> None: ...

    @abstractmethod
    async def file_content(self, file_id: str) -> bytes: ...

    async def file_name(self, file_id: str) -> str:
        """The name a file was stored under ("" where the provider does not say)."""
        return ""

    # -- jobs ------------------------------------------------------------------------------------------
    async def create_job(self, request: JobRequest) -> Job:
        """Create the job once. Creation is never retried blindly: after a network error the job is looked
        up by a client id it was sent with, so an answer lost on the way back does not lead to a second job."""
        client_id = uuid.uuid4().hex
        try:
            return await self.send_job(request, client_id)
        except (NetworkError, TimeoutError_) as error:
            for _ in range(3):
                try:
                    found = await self.find_created(client_id)
                except CoreError:
                    await asyncio.sleep(1.0)
                    continue
                if found is not None:
                    return found
                break
            raise CoreError(tr("The job could not be created: the connection failed."),
                            tr("No job was started, so nothing is billed. Check the connection and try again."),
                            error.detail) from error

    @abstractmethod
    async def send_job(self, request: JobRequest, client_id: str) -> Job:
        """POST the job once (no retries), marked with ``client_id``; failures as CoreError."""

    @abstractmethod
    async def find_created(self, client_id: str) -> Job | None:
        """The job sent with ``client_id``, if the provider has it."""

    @abstractmethod
    async def list_jobs(self, limit: int = 50, after: str | None = None) -> tuple[list[Job], bool]:
        """A page of jobs, newest first, and whether there are more."""

    @abstractmethod
    async def get_job(self, job_id: str) -> Job: ...

    @abstractmethod
    async def events(self, job_id: str) -> list[JobEvent]:
        """The job's latest events (or log lines), oldest first."""

    async def all_events(self, job_id: str) -> list[JobEvent]:
        return await self.events(job_id)

    async def checkpoints(self, job_id: str) -> list[Checkpoint]:
        return []

    async def control(self, job_id: str, action: str) -> Job:
        """``action``: cancel, pause or resume."""
        raise not_offered(tr("pausing and resuming jobs"))

    @abstractmethod
    async def metrics(self, job: Job, events: Sequence[JobEvent]) -> list[MetricPoint]:
        """One step/loss series, from events, a result file or log lines, whichever the provider has."""

    # -- models ----------------------------------------------------------------------------------------
    @abstractmethod
    async def list_models(self) -> list[ModelInfo]:
        """Fine-tuned models first (newest first), then the others by name."""

    async def delete_model(self, model_id: str) -> None:
        raise not_offered(tr("deleting models through its API"))

    async def base_models(self) -> list[BaseModel]:
        """The models a job can start from (with price, context and shutdown date where pricing.json knows
        them), then this account's own fine-tuned models (continued training)."""
        from core.providers.catalogue import known_models  # start-up speed: the price table loads when asked for

        return known_models(names=self.base_model_ids) + await self.own_models()

    async def own_models(self) -> list[BaseModel]:
        """This account's fine-tuned models, to continue training them ([] when they cannot be listed)."""
        from core.providers.records import BaseModel  # start-up speed: the records load with the first call

        try:
            return [BaseModel(m.id, None, None, own=True) for m in await self.list_models() if m.fine_tuned]
        except CoreError:
            return []  # the list is a convenience; a model id can still be typed

    async def training_markers(self, model_id: str) -> tuple[str, str]:
        """(separator, stop) of a legacy completion model's training data; ("", "") if unknown."""
        return "", ""

    async def training_seconds(self, model: str, tokens: int) -> float | None:
        """How long training ``tokens`` tokens (all epochs) on ``model`` should take; None where unknown."""
        return None

    # -- base models downloaded to this computer (capabilities.downloads_models) -----------------------
    async def offered_models(self) -> list[OfferedModel]:
        """The base models it can download, with what each needs and whether it fits."""
        raise not_offered(tr("downloading base models"))

    def download_model(self, model_id: str, source: str, mirror: str = "") -> AsyncIterator[DownloadProgress]:
        """Download ``model_id`` from ``source`` (DOWNLOAD_SOURCES), yielding progress until it ends; cancelling
        the iteration cancels the download (what arrived is kept, and a later download resumes)."""
        raise not_offered(tr("downloading base models"))

    async def remove_base_model(self, model_id: str) -> None:
        """Delete a downloaded base model's files."""
        raise not_offered(tr("downloading base models"))

    async def export_model(self, model_id: str, kind: str, folder: Path) -> list[Path]:
        """Write ``model_id`` into a new folder inside ``folder`` as ``kind`` (EXPORT_FORMATS); the files written.
        Cancelling stops the export."""
        raise not_offered(tr("exporting models"))

    # -- deployments -----------------------------------------------------------------------------------
    async def deployments(self) -> list[Deployment]:
        """Every deployment this app can see ([] where the provider's API has none)."""
        return []

    async def deployment(self, model_id: str) -> Deployment | None:
        """The deployment that makes ``model_id`` callable, if any."""
        found = [d for d in await self.deployments() if model_id in (d.model, d.name) and d.status != "deleting"]
        return found[0] if found else None

    def deployment_help(self) -> str:
        """How to make a fine-tuned model callable where the app cannot do it itself."""
        return ""

    async def chat_model(self, model_id: str) -> str:
        """The name to send as the chat model (a deployment's name where the provider needs one)."""
        return model_id

    async def deploy(self, model_id: str) -> Deployment:
        raise not_offered(tr("deploying models through its API"))

    async def undeploy(self, deployment: Deployment) -> None:
        raise not_offered(tr("deploying models through its API"))

    async def close(self) -> None:
        await self.chat_client.close()
