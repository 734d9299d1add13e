"""Together AI (api.together.ai/v1): files, fine-tunes (LoRA or full, SFT or DPO) with events, checkpoints and a
metrics endpoint, called through the OpenAI SDK's generic request methods; chat through the OpenAI SDK at the same
address. The paths and answers are the ones the official `together` SDK uses (docs/providers.md, "Together AI").

A LoRA fine-tune of a base model that Together serves "serverless" answers at once, billed per token; a full
fine-tune (or a LoRA of another base model) answers only on a dedicated endpoint, billed by the minute while it runs,
which the app does not create (the deployment help says where)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.client import DOWNLOAD_LIMIT, response_limit
from core.errors import CoreError, file_error
from core.i18n import tr
from core.models import ModelInfo, in_order, made_by
from core.providers.base import (
    FileInfo,
    Progress,
    Provider,
    UploadedFile,
    check_size,
    our_status,
)
from core.providers.openai_api import call
from core.providers.payloads import as_dict, integer, number, text, timestamp
from core.providers.records import Checkpoint, Hyperparameters, Job, JobEvent, JobRequest, MetricPoint
from core.providers.together_spec import (  # noqa: F401 (their old home)
    DOWNLOADS,
    SPEC,
    TOGETHER_MODELS,
    TOGETHER_URL,
    TRAINING_TYPES,
)
from core.providers.weights import download_to, file_name

if TYPE_CHECKING:
    import openai

STATUSES = {"pending": "queued", "queued": "queued", "running": "running", "compressing": "running",
            "uploading": "running", "cancel_requested": "cancelling", "cancelled": "cancelled", "error": "failed",
            "user_error": "failed", "completed": "succeeded"}
MULTIPART = {"Content-Type": "multipart/form-data"}
DEFAULT_RATE = 1e-5  # the SDK's default learning rate: our multiplier 1.0
EVALUATIONS = 10  # validation passes a job with a validation file runs (the API's default is none)
FOUND_WITHIN = 600  # seconds: a job created this long before its lost answer can be the one that was sent
ENDPOINTS_URL = "https://docs.together.ai/docs/dedicated-endpoints"


def job_from_together(value: Any) -> Job:
    """A fine-tune (whole or truncated) as a Job; its model is named once the job has completed."""
    data = as_dict(value)
    status = our_status(data.get("status"), STATUSES)
    method = as_dict(data.get("training_method"))
    rate = number(data.get("learning_rate"))
    batch = data.get("batch_size")
    return Job(
        id=text(data.get("id")), model=text(data.get("model")), status=status,
        created_at=timestamp(data.get("created_at")) or 0,
        fine_tuned_model=(text(data.get("model_output_name")) or None) if status == "succeeded" else None,
        finished_at=timestamp(data.get("updated_at")) if status in ("succeeded", "failed", "cancelled") else None,
        trained_tokens=integer(data.get("token_count")) or None, training_file=text(data.get("training_file")),
        validation_file=text(data.get("validation_file")) or None,
        method="dpo" if method.get("method") == "dpo" else "supervised", raw_status=text(data.get("status")),
        hyperparameters=Hyperparameters(integer(data.get("n_epochs")), integer(batch) if batch != "max" else None,
                                        rate / DEFAULT_RATE if rate else None, number(method.get("dpo_beta"))),
        metadata={"suffix": text(data.get("suffix"))} if data.get("suffix") else {})


def event_from_together(job_id: str, index: int, value: Any) -> JobEvent:
    """Together's events have no ids: the position in the job's list (oldest first) stands for one."""
    data = as_dict(value)
    details = {k: data[k] for k in ("step", "total_steps", "checkpoint_path") if data.get(k) is not None}
    level = text(data.get("level")).lower()
    return JobEvent(f"{job_id}:{index}", timestamp(data.get("created_at")) or 0,
                    "error" if level.endswith("error") else "warning" if "warn" in level else "info",
                    text(data.get("message")), text(data.get("type")) or "message", details)


def points_from_metrics(rows: Sequence[Any]) -> list[MetricPoint]:
    """``train/loss`` at ``train/global_step``, with the ``eval/loss`` logged at the same step beside it."""
    train: dict[int, float | None] = {}
    valid: dict[int, float] = {}
    for row in rows:
        data = as_dict(row)
        if (step := integer(data.get("train/global_step"))) is not None:
            train[step] = number(data.get("train/loss"))
        elif (step := integer(data.get("eval/global_step"))) is not None and number(data.get("eval/loss")) is not None:
            valid[step] = number(data.get("eval/loss"))  # type: ignore[assignment]
    return [MetricPoint(step, train.get(step), valid.get(step)) for step in sorted(train.keys() | valid.keys())]


class TogetherProvider(Provider):
    capabilities = SPEC.capabilities  # the spec is the one source (together_spec.py)
    base_model_ids = SPEC.base_models

    def __init__(self, chat_client: openai.AsyncOpenAI) -> None:
        super().__init__(chat_client)
        self.api = chat_client  # one OpenAI-shaped address for the API and the chat
        self._sent: dict[str, tuple[JobRequest, float]] = {}  # client id → what was sent, and when

    async def _get(self, path: str, **params: Any) -> dict[str, Any]:
        return as_dict(await call(self.api.get(path, cast_to=object, options={"params": params})))

    async def probe(self) -> str:
        found = await self._get("/fine-tunes")
        jobs = found.get("data") if isinstance(found.get("data"), list) else []
        return tr("The key works: {count} jobs seen.").format(count=len(jobs))

    # -- files -----------------------------------------------------------------------------------------
    async def upload(self, path: Path, on_progress: Progress | None = None) -> UploadedFile:
        """One request (POST /files/upload); the SDK's signed-address flow is only needed above 5 GB."""
        check_size(path, self.capabilities)
        try:
            data = await asyncio.to_thread(path.read_bytes)
        except OSError as exc:
            raise file_error(exc) from exc
        if on_progress:
            on_progress(0, len(data))
        kind = {".parquet": "parquet", ".csv": "csv"}.get(path.suffix.lower(), "jsonl")
        answer = as_dict(await call(self.api.post(
            "/files/upload", body={"purpose": "fine-tune", "file_name": path.name, "file_type": kind},
            files=[("file", (path.name, data))], options={"headers": MULTIPART}, cast_to=object)))
        if on_progress:
            on_progress(len(data), len(data))
        return UploadedFile(text(answer.get("id")), text(answer.get("filename")) or path.name,
                            integer(answer.get("bytes")) or len(data))

    async def list_files(self) -> list[FileInfo]:
        found = await self._get("/files")
        files = [as_dict(f) for f in found.get("data") or [] if isinstance(f, dict)]
        return sorted((FileInfo(text(f.get("id")), text(f.get("filename")), integer(f.get("bytes")) or 0,
                                timestamp(f.get("created_at")) or 0, text(f.get("purpose")))
                       for f in files if f.get("purpose") in (None, "fine-tune")), key=lambda f: -f.created_at)

    async def delete_file(self, file_id: str) -> None:
        await call(self.api.delete(f"/files/{file_id}", cast_to=object))

    async def file_content(self, file_id: str) -> bytes:
        import httpx2  # start-up speed: loaded with the first request

        with response_limit(DOWNLOAD_LIMIT):
            response = await call(self.api.get(f"/files/{file_id}/content", cast_to=httpx2.Response))
        return response.content

    # -- jobs ------------------------------------------------------------------------------------------
    def job_body(self, request: JobRequest) -> dict[str, Any]:
        """POST /fine-tunes as the SDK builds it: LoRA unless the profile asks for full training (the API's
        default rank then applies), the method as an object, the rate as a rate (our multiplier × 1e-5)."""
        hyper = request.hyperparameters
        body: dict[str, Any] = {"model": request.model, "training_file": request.training_file}
        if hyper.n_epochs is not None:
            body["n_epochs"] = hyper.n_epochs
        if hyper.batch_size is not None:
            body["batch_size"] = hyper.batch_size
        if hyper.learning_rate_multiplier is not None:
            body["learning_rate"] = hyper.learning_rate_multiplier * DEFAULT_RATE
        if request.validation_file:
            body |= {"validation_file": request.validation_file, "n_evals": EVALUATIONS}
        if request.suffix:
            body["suffix"] = request.suffix
        if request.seed is not None:
            body["random_seed"] = request.seed
        if request.method == "dpo":
            body["training_method"] = {"method": "dpo"} | ({"dpo_beta": hyper.beta} if hyper.beta else {})
        else:
            body["training_method"] = {"method": "sft", "train_on_inputs": "auto"}
        if self.profile is not None and self.profile.training_type == "full":
            body["training_type"] = {"type": "Full"}
        return body

    async def send_job(self, request: JobRequest, client_id: str) -> Job:
        """Together keeps no metadata on a job: what was sent is remembered to find the job after a lost answer."""
        self._sent[client_id] = (request, time.time())
        created = await call(self.api.with_options(max_retries=0).post("/fine-tunes", body=self.job_body(request),
                                                                      cast_to=object))
        return job_from_together(created)

    async def find_created(self, client_id: str) -> Job | None:
        """The newest job on the same file, model and suffix created since the request was sent."""
        request, sent_at = self._sent.get(client_id, (None, 0.0))
        if request is None:
            return None
        jobs, _ = await self.list_jobs(limit=100)
        return next((j for j in jobs if j.training_file == request.training_file and j.model == request.model
                     and j.metadata.get("suffix", "") == (request.suffix or "")
                     and j.created_at >= sent_at - FOUND_WITHIN), None)

    async def list_jobs(self, limit: int = 50, after: str | None = None) -> tuple[list[Job], bool]:
        """The API lists every job at once; pages are cut here."""
        found = await self._get("/fine-tunes")
        raw = found.get("data") if isinstance(found.get("data"), list) else []
        jobs = sorted((job_from_together(j) for j in raw), key=lambda j: -j.created_at)
        ids = [j.id for j in jobs]
        start = ids.index(after) + 1 if after in ids else 0
        return jobs[start:start + max(limit, 0)], start + max(limit, 0) < len(jobs)

    async def get_job(self, job_id: str) -> Job:
        return job_from_together(await self._get(f"/fine-tunes/{job_id}"))

    async def events(self, job_id: str) -> list[JobEvent]:
        found = await self._get(f"/fine-tunes/{job_id}/events")
        raw = found.get("data") if isinstance(found.get("data"), list) else []
        return [event_from_together(job_id, index, e) for index, e in enumerate(raw)]

    async def checkpoints(self, job_id: str) -> list[Checkpoint]:
        """Intermediate checkpoints are named JOB:STEP (to continue training from); the final one by its model."""
        found = await self._get(f"/fine-tunes/{job_id}/checkpoints")
        raw = sorted((as_dict(c) for c in found.get("data") or [] if isinstance(c, dict)),
                     key=lambda c: (integer(c.get("step")) or 0, text(c.get("checkpoint_type")).lower() == "final"))
        return [Checkpoint(text(c.get("path")), text(c.get("path")), integer(c.get("step")) or 0) for c in raw]

    async def control(self, job_id: str, action: str) -> Job:
        if action != "cancel":
            return await super().control(job_id, action)
        return job_from_together(await call(self.api.post(f"/fine-tunes/{job_id}/cancel", cast_to=object)))

    async def metrics(self, job: Job, events: Sequence[JobEvent]) -> list[MetricPoint]:
        found = await self._get(f"/fine-tunes/{job.id}/metrics")
        rows = found.get("metrics")
        return points_from_metrics(rows[:100_000] if isinstance(rows, list) else [])

    # -- models ----------------------------------------------------------------------------------------
    async def list_models(self) -> list[ModelInfo]:
        """The models the account's jobs made, then the base models it fine-tunes (Together's /models lists every
        model it serves, thousands, as a bare list: not read here)."""
        jobs, _ = await self.list_jobs(limit=1000)
        return in_order(made_by(jobs) + [ModelInfo(name, 0, "together") for name in TOGETHER_MODELS])

    async def _job_of(self, model_id: str) -> Job:
        jobs, _ = await self.list_jobs(limit=1000)
        job = next((j for j in jobs if j.fine_tuned_model == model_id), None)
        if job is None:
            raise CoreError(tr("No fine-tuning job of this account made {model}.").format(model=model_id),
                            tr("Only models made by your own jobs can be deleted or downloaded."))
        return job

    async def delete_model(self, model_id: str) -> None:
        """A fine-tuned model goes with its job (DELETE /fine-tunes/{id}, the only removal the SDK offers)."""
        await call(self.api.delete(f"/fine-tunes/{(await self._job_of(model_id)).id}", cast_to=object))

    async def export_model(self, model_id: str, kind: str, folder: Path) -> list[Path]:
        """The model's weights as Together packs them (GET /finetune/download: a .tar.zst of the LoRA adapter or
        of the merged model), streamed into ``folder``: a model to keep and run elsewhere."""
        if kind not in DOWNLOADS:
            raise CoreError(tr("Together gives its models as a LoRA adapter or a merged model, not as GGUF."),
                            tr("Download the merged model and convert it with llama.cpp's convert_hf_to_gguf.py."))
        job = await self._job_of(model_id)
        target = folder / file_name(model_id, f"-{kind}.tar.zst")
        return [await download_to(self.api, "/finetune/download", {"ft_id": job.id, "checkpoint": kind}, target)]

    def deployment_help(self) -> str:
        return tr("LoRA models of bases that Together serves serverless answer at once. Other fine-tuned models "
                  "answer only on a dedicated endpoint, billed by the minute while it runs: create one in "
                  "Together's console ({url}), then chat with the endpoint's model name.").format(url=ENDPOINTS_URL)
