"""The OpenAI adapter: the official SDK on OpenAI's paths. Also the base of the adapters whose APIs have
the OpenAI shape (Azure OpenAI v1, Zhipu), and what "OpenAI-compatible" profiles and the Sandbox use."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.client import DOWNLOAD_LIMIT, response_limit
from core.errors import (
    APIStatusError,
    CoreError,
    GatewayError,
    file_error,
    from_exception,
)
from core.i18n import tr
from core.models import ModelInfo, in_order, parse_fine_tuned
from core.providers.base import (
    Access,
    FileInfo,
    Progress,
    Provider,
    TrainingAccess,
    UploadedFile,
    all_pages,
    check_size,
    not_offered,
    prepared_copy,
)
from core.providers.catalogue import known_models
from core.providers.metrics import decode_result_file, points_from_csv, points_from_events
from core.providers.openai_spec import (  # noqa: F401 (their old home)
    COMPATIBLE,
    OPENAI,
    OPENAI_URL,
    SANDBOX,
    SANDBOX_PLACEHOLDER_URL,
)
from core.providers.payloads import (
    announced_date,
    as_dict,
    checkpoint_from_openai,
    event_from_openai,
    integer,
    job_from_openai,
    text,
    timestamp,
)
from core.providers.records import CLIENT_ID_KEY, BaseModel, Checkpoint, Job, JobEvent, JobRequest, MetricPoint
from core.providers.uploads import Uploader
from core.upload_cache import UploadCache

if TYPE_CHECKING:
    import openai

PAGE = 100  # the most items the API lists at once
STATUSES = {s: s for s in ("validating_files", "queued", "running", "paused", "succeeded", "failed", "cancelled")}


def about_the_model(error: APIStatusError) -> bool:
    """The server does not know the requested model, or will not fine-tune that one (a typo, a checkpoint or
    job id given as the model): 400 "Model … is not available for fine-tuning or does not exist"."""
    if error.status not in (400, 404) or error.param not in ("", "model"):
        return False  # another field is wrong, e.g. "Invalid file …: it does not exist"
    return error.param == "model" or error.code in ("model_not_available", "model_not_found") or \
        "not available for fine-tuning or does not exist" in error.detail.lower()


def refused(error: APIStatusError) -> bool:
    """The provider refuses fine-tuning itself (not something about this request or this key's scopes)."""
    detail = error.detail.lower()
    if about_the_model(error) or "missing scopes" in detail or "insufficient permissions" in detail:
        return False
    return error.status == 403 or ("fine-tun" in detail and any(
        word in detail for word in ("not available", "no longer", "disabled", "not allowed", "deprecated")))


PROBE_FILE = "file-finetune-studio-probe"  # a training file id no account has: job creation must refuse it
PROBE_MODEL = "gpt-4o-mini-2024-07-18"


def probe_answer(error: APIStatusError) -> Access:
    """What the refusal of a job with ``PROBE_FILE`` says about the account: a refusal of fine-tuning itself
    (403, "not allowed to create fine-tuning jobs", "no longer available") is closed; a complaint about the
    training file (400/404 "Invalid file", "No such File object", param training_file) is open; else unknown."""
    detail = error.detail.lower()
    if refused(error) and "missing scopes" not in detail and "insufficient permissions" not in detail:
        return Access.CLOSED
    about_file = error.param == "training_file" or error.code in ("invalid_file", "invalid_training_file") or \
        PROBE_FILE in detail or any(words in detail for words in ("invalid file", "no such file", "invalid training"))
    return Access.OPEN if error.status in (400, 404) and about_file else Access.UNKNOWN


def creation_error(error: APIStatusError, model: str) -> CoreError:
    """What the user is told when creating a job failed with ``error``."""
    if refused(error):
        return CoreError(tr("This provider does not let this account start fine-tuning jobs."),
                         tr("OpenAI is winding down self-serve fine-tuning. Export your jobs and files "
                            "(Training tab or `export`), then add a profile for Azure OpenAI, Zhipu, "
                            "Bailian or a compatible gateway in Settings and train there."), error.detail)
    if about_the_model(error):
        return CoreError(tr("The provider cannot fine-tune “{model}”: it does not know the model, or does not "
                            "offer it for fine-tuning.").format(model=model),
                         tr("Check the spelling and the provider's list of models that can be fine-tuned. To "
                            "continue training one of your models, give its full model name (ft:…), not a job "
                            "or checkpoint id."), error.detail)
    return error


def items(page: Any, limit: int | None = None) -> list[Any]:
    """A page's items, at most ``limit`` of them whatever the server sent ([] when it sent no list)."""
    data = getattr(page, "data", None)
    return list(data[:limit]) if isinstance(data, list) else []


def has_more(page: Any) -> bool:
    return getattr(page, "has_more", False) in (True, "true")  # "false" as text means no more


async def call(work: Any) -> Any:
    """Await an SDK call, or a function that makes one (the SDK's list methods may already fail while being
    built, e.g. on a job id of ".." a server sent); any failure becomes a CoreError."""
    try:
        return await (work() if callable(work) else work)
    except Exception as exc:
        raise from_exception(exc) from exc


def _with_bom(path: Path) -> Path:
    """``path``, or a copy of it in UTF-8 with a byte-order mark when it is not already one."""
    from core.dataset.io import reencoded  # start-up speed: the file readers load when a file is sent

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise file_error(exc) from exc
    prepared = reencoded(data, path, bom=True)
    return path if prepared == data else prepared_copy(path, prepared, "bom-uploads")


class OpenAIProvider(Provider):
    capabilities = OPENAI.capabilities  # the spec is the one source (openai_spec.py)
    base_model_ids = OPENAI.base_models
    statuses = STATUSES

    def __init__(self, client: openai.AsyncOpenAI, cache: UploadCache | None = None) -> None:
        super().__init__(client)
        self.client = client
        self.uploader = Uploader(client, cache)

    async def probe(self) -> str:
        return tr("The key works: {count} models available.").format(count=await self.count_models())

    async def count_models(self) -> int:
        """GET /models, read by hand: a web page or login portal at the base URL is named as such."""
        try:
            response = await self.client.with_options(max_retries=0).models.with_raw_response.list()
            body = response.http_response.text
        except Exception as exc:
            raise from_exception(exc, str(self.client.base_url)) from exc
        try:
            count = len(json.loads(body)["data"])
        except (ValueError, KeyError, TypeError) as exc:
            kind = response.headers.get("content-type", "?")
            raise GatewayError(tr("The server answered, but not like an OpenAI-compatible API ({kind}).").format(
                                   kind=kind.split(";")[0]),
                               tr("The base URL probably points at a web page or a login portal. Check the "
                                  "address your provider gave you; it usually ends with /v1."), body[:300]) from exc
        return count

    async def training_access(self) -> TrainingAccess | None:
        """POST a job whose training file cannot exist: the refusal tells whether this account may still
        create jobs, and nothing is uploaded or billed. A server that creates the job anyway (a broken
        gateway) gets it cancelled at once, and the answer is "unknown"."""
        if self.profile is None or self.profile.kind not in (OPENAI.kind, SANDBOX.kind):  # the specs that close
            return None
        try:
            created = await self.client.with_options(max_retries=0).fine_tuning.jobs.create(
                model=PROBE_MODEL, training_file=PROBE_FILE, metadata={"purpose": "access-probe"})
        except Exception as exc:
            error = from_exception(exc)
            if not isinstance(error, APIStatusError):
                raise error from exc
            return TrainingAccess(probe_answer(error), error.detail)
        job = self.job(created)
        with contextlib.suppress(CoreError):
            await self.control(job.id, "cancel")
        return TrainingAccess(Access.UNKNOWN, tr("The server created a job for a file that does not exist ({job}); "
                                                 "it was cancelled at once.").format(job=job.id))

    # -- files -----------------------------------------------------------------------------------------
    async def upload(self, path: Path, on_progress: Progress | None = None) -> UploadedFile:
        check_size(path, self.capabilities)
        if self.capabilities.file_bom:
            path = await asyncio.to_thread(_with_bom, path)
        return await self.uploader.upload(path, on_progress)

    async def list_files(self) -> list[FileInfo]:
        page = await call(self.client.files.list(purpose="fine-tune"))
        files = [as_dict(f) for f in items(page)]
        return sorted((FileInfo(text(f.get("id")), text(f.get("filename")), integer(f.get("bytes")) or 0,
                                timestamp(f.get("created_at")) or 0, text(f.get("purpose")))
                       for f in files), key=lambda f: -f.created_at)

    async def delete_file(self, file_id: str) -> None:
        await call(self.client.files.delete(file_id))

    async def file_content(self, file_id: str) -> bytes:
        with response_limit(DOWNLOAD_LIMIT):
            return (await call(self.client.files.content(file_id))).read()

    async def file_name(self, file_id: str) -> str:
        try:
            return text(as_dict(await call(self.client.files.retrieve(file_id))).get("filename"))
        except CoreError:
            return ""

    # -- jobs ------------------------------------------------------------------------------------------
    def job(self, value: Any) -> Job:
        return job_from_openai(value, self.statuses)

    def create_options(self, request: JobRequest) -> dict[str, Any]:
        """The body of POST /fine_tuning/jobs for ``request``."""
        values = {k: v for k, v in asdict(request.hyperparameters).items() if v is not None}
        if request.method != "dpo":
            values.pop("beta", None)
        options: dict[str, Any] = {"model": request.model, "training_file": request.training_file,
                                   "metadata": request.metadata,
                                   "method": {"type": request.method, request.method: {"hyperparameters": values}}}
        for key in ("validation_file", "suffix", "seed"):
            if getattr(request, key) not in (None, ""):
                options[key] = getattr(request, key)
        return options

    async def send_job(self, request: JobRequest, client_id: str) -> Job:
        options = self.create_options(request)
        options["metadata"] = {**request.metadata, CLIENT_ID_KEY: client_id}
        try:
            return self.job(await self.client.with_options(max_retries=0).fine_tuning.jobs.create(**options))
        except Exception as exc:
            error = from_exception(exc)
            raise (creation_error(error, request.model) if isinstance(error, APIStatusError) else error) from exc

    async def find_created(self, client_id: str) -> Job | None:
        page = await call(self.client.fine_tuning.jobs.list(limit=20, metadata={CLIENT_ID_KEY: client_id}))
        return next((j for j in map(self.job, items(page, 20)) if j.metadata.get(CLIENT_ID_KEY) == client_id), None)

    async def list_jobs(self, limit: int = 50, after: str | None = None) -> tuple[list[Job], bool]:
        options: dict[str, Any] = {"limit": limit}
        if after:
            options["after"] = after
        page = await call(self.client.fine_tuning.jobs.list(**options))
        return [self.job(j) for j in items(page, max(limit, 0))], has_more(page)

    async def get_job(self, job_id: str) -> Job:
        return self.job(await call(self.client.fine_tuning.jobs.retrieve(job_id)))

    async def events(self, job_id: str) -> list[JobEvent]:
        """The latest 100 events, oldest first (the API lists them newest first)."""
        events, _ = await self._events_page(job_id, None)
        return events[::-1]

    async def _events_page(self, job_id: str, after: str | None) -> tuple[list[JobEvent], bool]:
        """A page of events, newest first, and whether there are more."""
        options: dict[str, Any] = {"limit": PAGE} | ({"after": after} if after else {})
        page = await call(lambda: self.client.fine_tuning.jobs.list_events(job_id, **options))
        return [event_from_openai(e) for e in items(page, PAGE)], has_more(page)

    async def all_events(self, job_id: str) -> list[JobEvent]:
        events = await all_pages(lambda after: self._events_page(job_id, after), lambda event: event.id)
        return events[::-1]

    async def checkpoints(self, job_id: str) -> list[Checkpoint]:
        if not self.capabilities.supports_checkpoints:
            return []
        page = await call(lambda: self.client.fine_tuning.jobs.checkpoints.list(job_id, limit=PAGE))
        return sorted((checkpoint_from_openai(c) for c in items(page, PAGE)), key=lambda c: c.step)

    async def control(self, job_id: str, action: str) -> Job:
        if action != "cancel" and not self.capabilities.supports_pause:
            raise not_offered(tr("pausing and resuming jobs"))
        jobs = self.client.fine_tuning.jobs
        method = {"cancel": jobs.cancel, "pause": jobs.pause, "resume": jobs.resume}[action]
        return self.job(await call(method(job_id)))

    async def metrics(self, job: Job, events: Sequence[JobEvent]) -> list[MetricPoint]:
        """The finished job's result file when it has one, else the metrics events so far."""
        if job.result_files:
            points = points_from_csv(decode_result_file(await self.file_content(job.result_files[0])))
            if points:
                return points
        return points_from_events(events)

    # -- models ----------------------------------------------------------------------------------------
    def parse_name(self, model_id: str) -> tuple[str, str, bool]:
        """(base, suffix, is fine-tuned) read from a model's id."""
        base, suffix = parse_fine_tuned(model_id)
        return base, suffix, model_id.startswith("ft:")

    def model_info(self, value: Any, job_of: dict[str, str]) -> ModelInfo:
        data = as_dict(value)
        model_id = text(data.get("id"))
        base, suffix, fine_tuned = self.parse_name(model_id)
        return ModelInfo(model_id, timestamp(data.get("created") or data.get("created_at")) or 0,
                         text(data.get("owned_by")), base, suffix, job_of.get(model_id, ""), fine_tuned,
                         announced_date(data.get("shutdown_date")))

    async def list_models(self) -> list[ModelInfo]:
        models = items(await call(self.client.models.list()))
        jobs, _ = await self.list_jobs(limit=100)
        job_of = {job.fine_tuned_model: job.id for job in jobs if job.fine_tuned_model}
        return in_order(self.model_info(m, job_of) for m in models)

    async def delete_model(self, model_id: str) -> None:
        await call(self.client.models.delete(model_id))

    async def base_models(self) -> list[BaseModel]:
        """The models of pricing.json with the shutdown dates /models announces, plus this account's own
        fine-tuned models (continued training)."""
        try:
            listed = {m.id: getattr(m, "shutdown_date", None) for m in (await self.client.models.list()).data}
        except Exception:
            listed = {}  # the list is a convenience; a custom model id can still be typed
        own = [BaseModel(name, None, None, own=True) for name in sorted(listed) if name.startswith("ft:")]
        return known_models(listed, self.base_model_ids) + own

    async def training_markers(self, model_id: str) -> tuple[str, str]:
        # start-up speed: the dataset checks load when a legacy model's markers are looked up
        from core.dataset.check import completion_markers
        from core.dataset.io import parse_lines

        try:
            jobs, _ = await self.list_jobs(limit=100)
            job = next((j for j in jobs if j.fine_tuned_model and model_id.startswith(j.fine_tuned_model)), None)
            if job is None:
                return "", ""
            content = (await self.file_content(job.training_file)).decode("utf-8", errors="replace")
        except CoreError:
            return "", ""  # a hint only: the user can still type them
        return completion_markers([row for batch in parse_lines(content) for row in batch])
